import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { basename, join } from 'node:path';
// The audit reads raw keys, so it uses the engine's redaction and offline key facts: nothing it
// returns holds more than a redacted key ID.
import { keyFactsFor } from '../engine/key-facts.js';
import { redactValue } from '../engine/redact.js';
import type { KeyFacts } from '../model/finding.js';

/** Which shared file a section came from. */
export type AwsFileKind = 'credentials' | 'config';

/** Environment-style settings, passed in by the CLI (this module never reads the process). */
export interface AwsConfigEnv {
  readonly AWS_SHARED_CREDENTIALS_FILE?: string | undefined;
  readonly AWS_CONFIG_FILE?: string | undefined;
}

export interface AwsConfigPaths {
  readonly credentials: string;
  readonly config: string;
}

/** Static keys found in a profile, redacted. */
export interface StaticKeys {
  readonly file: AwsFileKind;
  readonly path: string;
  /** 1-based line of `aws_access_key_id`. */
  readonly line: number;
  /** `AKIA************WXYZ`: the engine's redaction. */
  readonly accessKeyId: string;
  readonly keyFacts: KeyFacts;
  /** AKIA (and ABIA/ACCA): long-term; ASIA: temporary. */
  readonly longTerm: boolean;
  readonly hasSecret: boolean;
  readonly hasSessionToken: boolean;
}

export type CredentialSource =
  | 'static-keys'
  | 'sso'
  | 'assume-role'
  | 'web-identity'
  | 'credential-process'
  | 'credential-source'
  | 'login';

export type ProfileRisk = 'high' | 'medium' | 'low' | 'none';

export interface ProfileAudit {
  readonly name: string;
  /** Where the profile is defined (one or both files). */
  readonly definedIn: readonly AwsFileKind[];
  readonly sources: readonly CredentialSource[];
  readonly staticKeys?: StaticKeys;
  readonly roleArn?: string;
  readonly sourceProfile?: string;
  readonly mfa: boolean;
  /** SSO session name or start URL (not a secret). */
  readonly sso?: string;
  /** Program name of `credential_process` only: its arguments may carry secrets. */
  readonly credentialProcess?: string;
  readonly region?: string;
  /** high: long-term plaintext key; medium: plaintext temporary credentials or a role sourced from one; low: other notes. */
  readonly risk: ProfileRisk;
  /** Short findings, one line each. */
  readonly issues: readonly string[];
  /** What to move to, one line each. */
  readonly advice: readonly string[];
}

export interface AwsFileAudit {
  readonly kind: AwsFileKind;
  readonly path: string;
  readonly exists: boolean;
  /** POSIX permission bits when known. */
  readonly mode?: number;
  /** Group or others can read it (POSIX only). */
  readonly readableByOthers?: boolean;
}

export interface AwsConfigAudit {
  readonly files: readonly AwsFileAudit[];
  readonly profiles: readonly ProfileAudit[];
  readonly summary: {
    readonly profiles: number;
    readonly longTermKeys: number;
    readonly temporaryKeys: number;
    readonly canaries: number;
  };
  /** Parse problems and file notes, one line each. */
  readonly warnings: readonly string[];
}

/** A raw credential handed to an opt-in verifier; never part of the audit result. */
export interface AuditCredential {
  /** `aws-config:<sha256 of path and profile>`, stable per profile. */
  readonly fingerprint: string;
  readonly profile: string;
  readonly keyId: string;
  readonly secret: string;
  readonly sessionToken?: string;
}

export interface AuditOptions {
  /** Opt-in (`--verify`): receives each profile's raw keys for verification. */
  readonly onCredential?: (credential: AuditCredential) => void;
}

export interface AwsFileText {
  readonly path: string;
  readonly text: string;
}

interface Entry {
  readonly value: string;
  readonly line: number;
}

interface Section {
  readonly file: AwsFileKind;
  readonly path: string;
  readonly entries: Map<string, Entry>;
}

function expandHome(path: string, home: string): string {
  return path === '~'
    ? home
    : path.startsWith('~/') || path.startsWith('~\\')
      ? join(home, path.slice(2))
      : path;
}

/** `~/.aws/credentials` and `~/.aws/config`, or the files AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE name. */
export function awsConfigPaths(env: AwsConfigEnv = {}, home: string = homedir()): AwsConfigPaths {
  const pick = (v: string | undefined): string | undefined =>
    v === undefined || v.trim() === '' ? undefined : v.trim();
  return {
    credentials: expandHome(
      pick(env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials'),
      home,
    ),
    config: expandHome(pick(env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config'), home),
  };
}

/**
 * Profile sections of one shared file, as the AWS CLI reads them: `[name]` in credentials,
 * `[profile name]` (and `[default]`) in config; option names case-insensitive; `#`/`;` comment
 * lines; indented lines are sub-settings of the option above (`s3 =` blocks) and are skipped.
 */
function parseSections(
  file: AwsFileKind,
  { path, text }: AwsFileText,
  warnings: string[],
): Map<string, Section> {
  const sections = new Map<string, Section>();
  const seen = new Set<string>();
  let current: Section | undefined;
  let skipping = false;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
    if (header !== null) {
      const title = header[1] ?? '';
      let name: string | undefined = title;
      if (file === 'config') {
        const m = /^profile\s+(.+)$/.exec(title);
        name = m?.[1] ?? (title === 'default' ? 'default' : undefined);
      }
      skipping = name === undefined;
      if (name === undefined) {
        current = undefined;
        return;
      }
      if (seen.has(name))
        warnings.push(`${path}:${lineNo}: section for profile '${name}' appears twice`);
      seen.add(name);
      current = sections.get(name) ?? { file, path, entries: new Map() };
      sections.set(name, current);
      return;
    }
    if (/^\s/.test(raw)) {
      // A sub-setting of a nested block (`s3 =`), or a continuation line: the CLI ignores it.
      if (/^aws_(?:access_key_id|secret_access_key|session_token)\s*=/i.test(line)) {
        warnings.push(
          `${path}:${lineNo}: indented key setting is ignored by the AWS CLI but still on disk`,
        );
      }
      return;
    }
    const eq = line.search(/[=:]/);
    if (eq <= 0) {
      warnings.push(`${path}:${lineNo}: not a setting (expected name = value)`);
      return;
    }
    if (current === undefined) {
      if (!skipping) warnings.push(`${path}:${lineNo}: setting outside any profile section`);
      return;
    }
    const key = line.slice(0, eq).trim().toLowerCase();
    current.entries.set(key, { value: line.slice(eq + 1).trim(), line: lineNo });
  });
  return sections;
}

function profileFingerprint(path: string, profile: string): string {
  return `aws-config:${createHash('sha256').update(`${path}\n${profile}`).digest('hex').slice(0, 32)}`;
}

function programName(command: string): string {
  const m = /^\s*(?:"([^"]+)"|'([^']+)'|(\S+))/.exec(command);
  const program = m?.[1] ?? m?.[2] ?? m?.[3] ?? '';
  return basename(program.replace(/\\/g, '/'));
}

const LONG_TERM_ADVICE = [
  'Use IAM Identity Center: `aws configure sso`, then delete the key (no long-term secret on disk).',
  'Without SSO: keep the key in an encrypted store (aws-vault, or credential_process backed by a secret manager) and assume roles with mfa_serial for real work.',
  'Rotate this key now if it was ever copied or committed, and at least every 90 days; delete it when unused.',
];

/**
 * Audits the text of the shared credentials and config files: which profiles keep plaintext
 * keys (long-term AKIA: high; temporary ASIA: medium), which use SSO, roles or a credential
 * process, and what to move to. Returns redacted data only; raw keys go to `onCredential` when
 * the caller opts in.
 */
export function auditAwsConfigText(
  input: { readonly credentials?: AwsFileText; readonly config?: AwsFileText },
  options: AuditOptions = {},
): Omit<AwsConfigAudit, 'files'> {
  const warnings: string[] = [];
  const creds =
    input.credentials === undefined
      ? new Map<string, Section>()
      : parseSections('credentials', input.credentials, warnings);
  const conf =
    input.config === undefined
      ? new Map<string, Section>()
      : parseSections('config', input.config, warnings);
  const names = [...new Set([...creds.keys(), ...conf.keys()])].sort((a, b) =>
    a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b),
  );

  const staticOf = new Map<string, StaticKeys>();
  const profiles: ProfileAudit[] = [];
  for (const name of names) {
    const fromCreds = creds.get(name);
    const fromConf = conf.get(name);
    // Credentials-file values win over config-file values, as in the SDKs.
    const get = (key: string): (Entry & { section: Section }) | undefined => {
      for (const section of [fromCreds, fromConf]) {
        const entry = section?.entries.get(key);
        if (section !== undefined && entry !== undefined && entry.value !== '')
          return { ...entry, section };
      }
      return undefined;
    };
    const sources: CredentialSource[] = [];
    const issues: string[] = [];
    const advice: string[] = [];
    let risk: ProfileRisk = 'none';

    let staticKeys: StaticKeys | undefined;
    const id = get('aws_access_key_id');
    if (id !== undefined) {
      const secret =
        id.section.entries.get('aws_secret_access_key')?.value ??
        get('aws_secret_access_key')?.value;
      const token =
        id.section.entries.get('aws_session_token')?.value ??
        id.section.entries.get('aws_security_token')?.value ??
        get('aws_session_token')?.value;
      const keyFacts = keyFactsFor(id.value);
      const longTerm = !id.value.startsWith('ASIA');
      staticKeys = {
        file: id.section.file,
        path: id.section.path,
        line: id.line,
        accessKeyId: redactValue('key-id', id.value),
        keyFacts,
        longTerm,
        hasSecret: secret !== undefined && secret !== '',
        hasSessionToken: token !== undefined && token !== '',
      };
      staticOf.set(name, staticKeys);
      sources.push('static-keys');
      const where = `${id.section.file} file line ${id.line}`;
      if (keyFacts.canary === true) {
        risk = 'low';
        issues.push(`likely canary (decoy) key in the ${where}: do not use it`);
      } else if (longTerm) {
        risk = 'high';
        issues.push(`long-term access key stored in plaintext (${where})`);
        advice.push(...LONG_TERM_ADVICE);
      } else {
        risk = 'medium';
        issues.push(
          `temporary credentials stored in plaintext (${where}); they work until the session expires`,
        );
        advice.push(
          'Let a credential_process or SSO fetch temporary credentials on demand instead of writing them to the file.',
        );
      }
      if (!staticKeys.hasSecret) issues.push('aws_access_key_id without aws_secret_access_key');
      if (!longTerm && !staticKeys.hasSessionToken)
        issues.push('temporary key without aws_session_token: unusable');
      if (secret !== undefined && secret !== '') {
        options.onCredential?.({
          fingerprint: profileFingerprint(id.section.path, name),
          profile: name,
          keyId: id.value,
          secret,
          ...(token === undefined || token === '' ? {} : { sessionToken: token }),
        });
      }
    }

    const ssoSession = get('sso_session')?.value;
    const ssoStart = get('sso_start_url')?.value;
    if (ssoSession !== undefined || ssoStart !== undefined) sources.push('sso');
    const roleArn = get('role_arn')?.value;
    if (roleArn !== undefined)
      sources.push(get('web_identity_token_file') === undefined ? 'assume-role' : 'web-identity');
    else if (get('web_identity_token_file') !== undefined) sources.push('web-identity');
    const credentialProcess = get('credential_process')?.value;
    if (credentialProcess !== undefined) sources.push('credential-process');
    if (get('credential_source') !== undefined) sources.push('credential-source');
    if (get('login_session') !== undefined) sources.push('login');
    const sourceProfile = get('source_profile')?.value;
    const mfa = get('mfa_serial') !== undefined;
    const region = get('region')?.value;

    if (staticKeys !== undefined && sources.length > 1) {
      issues.push(
        `static keys next to ${sources.filter((s) => s !== 'static-keys').join(', ')}: the keys are likely stale`,
      );
    }
    profiles.push({
      name,
      definedIn: [fromCreds, fromConf].filter((s) => s !== undefined).map((s) => s.file),
      sources,
      ...(staticKeys === undefined ? {} : { staticKeys }),
      ...(roleArn === undefined ? {} : { roleArn }),
      ...(sourceProfile === undefined ? {} : { sourceProfile }),
      mfa,
      ...(ssoSession !== undefined
        ? { sso: ssoSession }
        : ssoStart !== undefined
          ? { sso: ssoStart }
          : {}),
      ...(credentialProcess === undefined
        ? {}
        : { credentialProcess: programName(credentialProcess) }),
      ...(region === undefined ? {} : { region }),
      risk,
      issues,
      advice,
    });
  }

  // Roles assumed from a profile holding a long-term key inherit part of its risk.
  const result = profiles.map((p): ProfileAudit => {
    if (p.sourceProfile === undefined || p.staticKeys !== undefined) return p;
    const source = staticOf.get(p.sourceProfile);
    if (source === undefined || !source.longTerm || source.keyFacts.canary === true) return p;
    const issues = [
      ...p.issues,
      `assumes its role with the long-term key of profile '${p.sourceProfile}'`,
    ];
    const advice = [...p.advice];
    if (!p.mfa) advice.push('Add mfa_serial so the role cannot be assumed with the key alone.');
    advice.push(
      `Replace profile '${p.sourceProfile}' with SSO (sso_session) as the source of this role.`,
    );
    return {
      ...p,
      risk: p.risk === 'none' || p.risk === 'low' ? 'medium' : p.risk,
      issues,
      advice,
    };
  });

  for (const name of names) {
    const p = result.find((r) => r.name === name);
    if (p?.sourceProfile !== undefined && !names.includes(p.sourceProfile)) {
      warnings.push(`profile '${name}': source_profile '${p.sourceProfile}' is not defined`);
    }
  }

  const keys = result.map((p) => p.staticKeys).filter((k) => k !== undefined);
  return {
    profiles: result,
    summary: {
      profiles: result.length,
      longTermKeys: keys.filter((k) => k.longTerm && k.keyFacts.canary !== true).length,
      temporaryKeys: keys.filter((k) => !k.longTerm).length,
      canaries: keys.filter((k) => k.keyFacts.canary === true).length,
    },
    warnings,
  };
}

async function readIfPresent(
  kind: AwsFileKind,
  path: string,
): Promise<{ audit: AwsFileAudit; text?: string }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return { audit: { kind, path, exists: false } };
  }
  const posix = platform() !== 'win32';
  const mode = Number(info.mode) & 0o777;
  const text = await readFile(path, 'utf8');
  return {
    audit: {
      kind,
      path,
      exists: true,
      ...(posix ? { mode, readableByOthers: (mode & 0o044) !== 0 } : {}),
    },
    text,
  };
}

/**
 * Reads and audits the shared credentials and config files (missing files are fine). Adds a
 * warning when a file holding static keys is readable by group or others.
 */
export async function auditAwsConfigFiles(
  paths: AwsConfigPaths = awsConfigPaths(),
  options: AuditOptions = {},
): Promise<AwsConfigAudit> {
  const [creds, conf] = await Promise.all([
    readIfPresent('credentials', paths.credentials),
    readIfPresent('config', paths.config),
  ]);
  const audit = auditAwsConfigText(
    {
      ...(creds.text === undefined
        ? {}
        : { credentials: { path: paths.credentials, text: creds.text } }),
      ...(conf.text === undefined ? {} : { config: { path: paths.config, text: conf.text } }),
    },
    options,
  );
  const warnings = [...audit.warnings];
  for (const file of [creds.audit, conf.audit]) {
    const holdsKeys = audit.profiles.some((p) => p.staticKeys?.path === file.path);
    if (holdsKeys && file.readableByOthers === true) {
      warnings.push(`${file.path}: holds keys and is readable by other users (chmod 600)`);
    }
  }
  return { files: [creds.audit, conf.audit], ...audit, warnings };
}
