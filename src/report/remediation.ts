import type { Finding, FindingKind } from '../model/finding.js';
import type { RuleSpec } from '../model/rule.js';

/** The situations that need different advice. */
export type RemediationTopic =
  | 'root-key'
  | 'long-term-pair'
  | 'temporary-pair'
  | 'key-id'
  | 'temporary-key-id'
  | 'secret'
  | 'session-token'
  | 'identifier'
  | 'canary';

export interface Remediation {
  readonly topic: RemediationTopic;
  /** One line for terminal output. */
  readonly short: string;
  /** Full guidance in Markdown: SARIF `help.markdown`, `keyguard explain`. */
  readonly markdown: string;
  readonly references: readonly string[];
}

const REF = {
  rotate:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
  bestPractices: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  compromise: 'https://repost.aws/knowledge-center/potential-account-compromise',
  revokeSessions:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html',
  tempCredentials: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp.html',
  rootKeys: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html',
  identifiers:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids',
} as const;

// Building blocks shared by several topics, so the advice stays consistent.
const ROTATE = [
  '1. **Deactivate and rotate the key now.** Rotation, not rewriting Git history, is the fix: the',
  '   key must be assumed copied the moment it was pushed. Create a second key, switch every',
  '   consumer to it, **deactivate** the old one (reactivate briefly if something breaks), then',
  '   delete it.',
].join('\n');

const INVESTIGATE = [
  '2. **Check what the key did.** Look in CloudTrail for calls made with it (and',
  '   `aws iam get-access-key-last-used --access-key-id <id>`), and check **every Region** for',
  '   resources you did not create: EC2 instances and spot requests, Lambda functions, new IAM',
  '   users, roles, access keys and policies.',
].join('\n');

const SUPPORT = [
  '3. **If AWS contacted you** (an AWS Health `AWS_RISK_CREDENTIALS_EXPOSED` event or a support',
  '   case), follow the case. AWS may attach the `AWSCompromisedKeyQuarantine` managed policy to',
  '   the user: do not detach it yourself. Contact AWS Support if you find activity you did not',
  '   expect.',
].join('\n');

const HISTORY = [
  '4. **Then clean up the repository.** Remove the value from the code; rewriting history is',
  '   optional and secondary, and does nothing for copies already made.',
].join('\n');

const PREVENT = [
  '### Keep it from happening again',
  '',
  '- Load credentials from the environment or a secret manager (AWS Secrets Manager, HashiCorp',
  '  Vault, `aws-vault` for developer machines), never from source files.',
  '- Prefer IAM roles and temporary credentials: IAM Identity Center (SSO) for people; roles for',
  '  EC2, ECS, Lambda and CI (for example GitHub Actions OIDC) for workloads.',
  '- Never create access keys for the root user; protect it with MFA.',
  '- Grant least privilege, rotate remaining long-term keys at least every 90 days, and delete',
  '  keys nobody uses.',
].join('\n');

function references(list: readonly string[]): string {
  return ['### References', '', ...list.map((url) => `- <${url}>`)].join('\n');
}

interface TopicText {
  readonly title: string;
  readonly short: string;
  readonly body: string;
  readonly references: readonly string[];
}

const TOPICS: Readonly<Record<RemediationTopic, TopicText>> = {
  'root-key': {
    title: 'Leaked AWS root-user access key',
    short:
      'Root-user key: delete it now (root keys should not exist), check CloudTrail in every Region, enable MFA on root.',
    body: [
      'This key signs requests as the **root user**: full control of the account, including billing',
      'and closing it, and IAM policies cannot restrict it.',
      '',
      '### Do now',
      '',
      '1. **Delete the root access key** (deactivate first if you must find its users). Root keys',
      '   should not exist; give whatever used it an IAM role instead.',
      '2. Change the root password and make sure root has MFA. Check for IAM users, roles and keys',
      '   you did not create, and delete them.',
      INVESTIGATE.replace(/^2\./, '3.'),
      SUPPORT.replace(/^3\./, '4.'),
      HISTORY.replace(/^4\./, '5.'),
      '',
      PREVENT,
    ].join('\n'),
    references: [REF.rootKeys, REF.compromise, REF.bestPractices],
  },
  'long-term-pair': {
    title: 'Leaked AWS access key pair',
    short:
      'Deactivate and rotate the key now, check CloudTrail for its use, move credentials to env vars or a secret manager.',
    body: [
      'A long-term access key ID with its secret: a working credential that signs requests as its',
      'IAM user (or root) until someone deactivates it.',
      '',
      '### Do now',
      '',
      ROTATE,
      INVESTIGATE,
      SUPPORT,
      HISTORY,
      '',
      PREVENT,
    ].join('\n'),
    references: [REF.rotate, REF.compromise, REF.bestPractices],
  },
  'temporary-pair': {
    title: 'Leaked AWS temporary credentials',
    short:
      "Revoke the role's active sessions now (temporary keys cannot be deactivated one by one), then find how STS output reached source.",
    body: [
      'An STS temporary key ID (ASIA) with its secret; with the session token it works until the',
      'session expires (up to 36 hours). It cannot be deactivated on its own.',
      '',
      '### Do now',
      '',
      "1. **Revoke the role's active sessions** (IAM console: the role's *Revoke active sessions*,",
      '   which attaches the `AWSRevokeOlderSessions` deny policy for sessions issued before now),',
      '   or remove permissions from the principal that issued them. Sessions of the root user',
      '   cannot be restricted this way: rotate the root password and delete root keys instead.',
      '2. **Check what the session did** in CloudTrail, in every Region.',
      '3. **Find how STS output reached source** (a pasted `aws sts assume-role` answer, a debug',
      '   dump, a copied `~/.aws/credentials`) and let the SDK obtain credentials at run time.',
      HISTORY,
      '',
      PREVENT,
    ].join('\n'),
    references: [REF.revokeSessions, REF.tempCredentials, REF.compromise],
  },
  'key-id': {
    title: 'AWS access key ID in source',
    short:
      'Key ID alone cannot sign requests but names the account: find where its secret lives; if the secret ever leaked, rotate.',
    body: [
      'An access key ID on its own cannot sign requests, but it names the AWS account and is half',
      'of a credential. Where the ID is, the secret is often close: in another file, an older',
      'commit, or a CI variable.',
      '',
      '### Do now',
      '',
      '1. Search the repository and its history for the matching secret. If it was ever committed',
      '   or shared, treat the pair as leaked: deactivate and rotate the key, and check CloudTrail.',
      '2. Remove the ID from source: configuration should name a profile or role, not a key.',
      '',
      PREVENT,
    ].join('\n'),
    references: [REF.identifiers, REF.rotate, REF.bestPractices],
  },
  'temporary-key-id': {
    title: 'AWS temporary access key ID in source',
    short:
      'Temporary key ID (ASIA): if its secret and session token leaked too, revoke the role sessions.',
    body: [
      'A temporary (STS) access key ID. Alone it is not usable; with its secret and session token',
      'it works until the session expires (up to 36 hours).',
      '',
      '### Do now',
      '',
      "1. If the secret and session token were committed as well, revoke the role's active",
      '   sessions; temporary credentials cannot be deactivated one by one.',
      '2. Never store STS output in source; let the SDK obtain credentials.',
      '',
      PREVENT,
    ].join('\n'),
    references: [REF.revokeSessions, REF.tempCredentials],
  },
  secret: {
    title: 'AWS secret access key in source',
    short:
      'Find the key ID this secret belongs to, deactivate and rotate that key now, check CloudTrail; load secrets from env or a secret manager.',
    body: [
      'A secret access key. Whoever also finds its key ID (often in the same project, its',
      "history or the account's other files) can sign requests as the key's owner.",
      '',
      '### Do now',
      '',
      ROTATE,
      INVESTIGATE,
      SUPPORT,
      HISTORY,
      '',
      PREVENT,
    ].join('\n'),
    references: [REF.rotate, REF.compromise, REF.bestPractices],
  },
  'session-token': {
    title: 'AWS session token in source',
    short:
      "Revoke the role's active sessions; never store temporary credentials, let the SDK fetch them.",
    body: [
      'An STS session token. With its temporary key ID and secret it grants the session its',
      'permissions until it expires (up to 36 hours).',
      '',
      '### Do now',
      '',
      "1. **Revoke the role's active sessions** (IAM console: *Revoke active sessions*) or remove",
      '   permissions from the principal that issued them.',
      '2. Check CloudTrail for what the session did, in every Region.',
      '3. Find how STS output reached source and let the SDK obtain credentials at run time.',
      '',
      PREVENT,
    ].join('\n'),
    references: [REF.revokeSessions, REF.tempCredentials],
  },
  identifier: {
    title: 'AWS unique identifier',
    short:
      'Not a secret: an IAM unique ID (user, role, policy…). No action needed unless you inventory identifiers.',
    body: [
      'An IAM unique identifier (AIDA user, AROA role, ANPA policy…). It is not a credential and',
      'cannot sign requests. It reveals that the principal exists; remove it from source only if',
      'that matters to you.',
    ].join('\n'),
    references: [REF.identifiers],
  },
  canary: {
    title: 'Likely AWS canary token',
    short:
      'Likely a canary (decoy) key: do not use or verify it; if you did not plant it, remove it and ask who did.',
    body: [
      'The account this key belongs to issues **canary tokens**: decoy keys planted to detect',
      'leaks. Any use of the key, even a harmless `sts get-caller-identity`, alerts whoever',
      'planted it. keyguard never verifies such keys.',
      '',
      '### Do now',
      '',
      '- **Do not use the key.**',
      '- If your team planted it on purpose, it is doing its job: allowlist it (`accounts.allow`',
      '  in `.keyguard.json`, or a pragma) so it stops being reported.',
      '- If nobody on your team planted it, remove it and find out where it came from: copied',
      "  code, a dependency, or someone testing your repository's exposure.",
    ].join('\n'),
    references: ['https://canarytokens.org/'],
  },
};

/** Guidance for one topic. */
export function remediationFor(topic: RemediationTopic): Remediation {
  const t = TOPICS[topic];
  return {
    topic,
    short: t.short,
    markdown: [`## ${t.title}`, '', t.body, '', references(t.references), ''].join('\n'),
    references: t.references,
  };
}

const KIND_TOPIC: Readonly<Record<FindingKind, RemediationTopic>> = {
  'credential-pair': 'long-term-pair',
  'access-key-id': 'key-id',
  'secret-access-key': 'secret',
  'session-token': 'session-token',
  identifier: 'identifier',
};

/**
 * The topic for a finding: canaries first, then a verified root key, then temporary (ASIA)
 * variants, else by kind. `verifiedPrincipal` is the verifier's `principal` when it ran.
 */
export function remediationTopic(finding: Finding, verifiedPrincipal?: string): RemediationTopic {
  if (finding.keyFacts?.canary === true) return 'canary';
  if (verifiedPrincipal === 'root') return 'root-key';
  const temporary = finding.keyFacts?.prefix === 'ASIA';
  if (finding.kind === 'credential-pair') return temporary ? 'temporary-pair' : 'long-term-pair';
  if (finding.kind === 'access-key-id') return temporary ? 'temporary-key-id' : 'key-id';
  return KIND_TOPIC[finding.kind];
}

/**
 * The topic for a rule (`keyguard explain <rule-id>`, SARIF rule help). Temporary variants are
 * recognised by the rule (or, for pairs, its key-ID rule) matching only ASIA keys.
 */
export function remediationTopicForRule(
  rule: RuleSpec,
  byId?: ReadonlyMap<string, RuleSpec>,
): RemediationTopic {
  const asiaOnly = (spec: RuleSpec | undefined): boolean =>
    spec !== undefined &&
    (spec.keywords ?? []).length > 0 &&
    (spec.keywords ?? []).every((k) => k === 'ASIA');
  switch (rule.kind) {
    case 'pair':
      return asiaOnly(byId?.get(rule.pairing?.keyId ?? '')) ? 'temporary-pair' : 'long-term-pair';
    case 'key-id':
      return asiaOnly(rule) ? 'temporary-key-id' : 'key-id';
    case 'secret':
      return 'secret';
    case 'session-token':
      return 'session-token';
    case 'identifier':
      return 'identifier';
  }
}
