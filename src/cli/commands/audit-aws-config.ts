import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import pc from 'picocolors';
import { findingVerification } from '../../app/assess-findings.js';
import { KeyguardError } from '../../model/errors.js';
import type { FindingVerification } from '../../model/finding.js';
import { escapeControl } from '../../report/escape-control.js';
import { writeReportFile } from '../../report/write-report-file.js';
import {
  type AuditCredential,
  type AwsConfigAudit,
  type AwsConfigPaths,
  auditAwsConfigFiles,
  awsConfigPaths,
  type ProfileAudit,
} from '../../sources/aws-config-files.js';
import { verifyCredentials } from '../../verify/verify-credential.js';
import { COLOR_OPTIONS, useColor } from '../color-choice.js';
import type { CommandIo } from '../command-io.js';
import { notOneOf, parseOptions, stringOption } from '../parse-options.js';
import { verifyOptions } from '../verify-options.js';

const HELP = `Usage: keyguard audit-aws-config [paths...] [options]

Audit the AWS shared files on this machine for access keys kept in plaintext: ~/.aws/credentials
and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE honoured), or the files given
(a file whose name contains 'config' is read as a config file, any other as a credentials file).
For each profile: where its credentials come from, the account its key belongs to, and what to
move to (IAM Identity Center, roles, aws-vault). Secrets are never printed.

Options:
  -f, --format <name>  human (default) or json
  -o, --output <file>  write the report to a file
      --verify         ask AWS (STS GetCallerIdentity) whether each key is live and whose it is
                       (a root-user key is critical). Opt-in: it is an authenticated call made
                       with the key, and it shows in the account's CloudTrail.
      --color, --no-color  force or disable colour (default: on a terminal; NO_COLOR and
                       FORCE_COLOR are honoured)
  -h, --help           this help

Exit codes: 0 no long-term key in plaintext, 1 long-term plaintext keys found, 2 error.
`;

/** A profile's audit plus what --verify said about its key. */
interface ProfileReport extends ProfileAudit {
  readonly verification?: FindingVerification;
}

/** Which file each given path is: at most one credentials file and one config file. */
function givenPaths(io: CommandIo, positionals: readonly string[]): AwsConfigPaths {
  let credentials: string | undefined;
  let config: string | undefined;
  for (const p of positionals) {
    const abs = resolve(io.cwd, p);
    if (!existsSync(abs)) throw new KeyguardError('IO', `cannot read ${p}: no such file`);
    const isConfig = /config/i.test(basename(abs)) && !/credentials/i.test(basename(abs));
    if ((isConfig ? config : credentials) !== undefined)
      throw new KeyguardError(
        'USAGE',
        `'keyguard audit-aws-config' takes at most one credentials file and one config file (${p} is a second ${isConfig ? 'config' : 'credentials'} file)`,
      );
    if (isConfig) config = abs;
    else credentials = abs;
  }
  // An empty path is never a file: the kind not given is simply not read.
  return { credentials: credentials ?? '', config: config ?? '' };
}

async function audit(paths: AwsConfigPaths, onCredential?: (c: AuditCredential) => void) {
  try {
    return await auditAwsConfigFiles(paths, onCredential === undefined ? {} : { onCredential });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new KeyguardError(
      'IO',
      `cannot read ${e.path ?? 'AWS config file'}: ${e.code ?? 'read failed'}`,
      {
        cause: error,
      },
    );
  }
}

function riskLabel(p: ProfileReport): string {
  const v = p.verification;
  if (v?.status === 'live' && v.principal === 'root') return 'CRITICAL';
  return p.risk === 'none' ? 'ok' : p.risk.toUpperCase();
}

function verificationLine(v: FindingVerification): string {
  switch (v.status) {
    case 'live':
      return v.principal === 'root'
        ? `verified live: ROOT USER key of account ${v.account ?? ''}: delete it now, root keys should not exist`
        : `verified live: ${v.principal ?? 'principal'} ${v.arn ?? ''}`;
    case 'inactive':
      return `verified not usable (${v.reason ?? 'rejected'}): delete it from the file`;
    case 'unknown':
      return `verification inconclusive (${v.reason ?? 'no answer'}): treat the key as live`;
    case 'skipped':
      return `not verified (${v.reason})`;
  }
}

function human(result: AwsConfigAudit, profiles: readonly ProfileReport[], color: boolean): string {
  const c = pc.createColors(color);
  const out: string[] = ['AWS shared files:'];
  for (const f of result.files) {
    if (f.path === '') continue;
    const mode = f.mode === undefined ? '' : `, mode ${f.mode.toString(8).padStart(3, '0')}`;
    out.push(
      `  ${f.kind.padEnd(12)} ${escapeControl(f.path)} (${f.exists ? `found${mode}` : 'not found'})`,
    );
  }
  out.push('');
  for (const p of profiles) {
    const how = p.sources.length === 0 ? 'no credentials' : p.sources.join(', ');
    out.push(`${c.bold(`[${escapeControl(p.name)}]`)}  ${riskLabel(p)}  ${escapeControl(how)}`);
    if (p.staticKeys !== undefined) {
      const k = p.staticKeys;
      const account = k.keyFacts.account ?? 'not decodable (legacy key ID)';
      const canary = k.keyFacts.canary === true ? ' (likely canary token: do not use it)' : '';
      out.push(
        `    key ${k.accessKeyId} · ${k.longTerm ? 'long-term' : 'temporary'} · account ${account}${canary}`,
      );
    }
    if (p.verification !== undefined) out.push(`    ${verificationLine(p.verification)}`);
    for (const issue of p.issues) out.push(`    ${c.yellow('!')} ${escapeControl(issue)}`);
    if (p.advice.length > 0) {
      out.push('    move to:');
      for (const a of p.advice) out.push(`      - ${a}`);
    }
    out.push('');
  }
  const s = result.summary;
  const roots = profiles.filter(
    (p) => p.verification?.status === 'live' && p.verification.principal === 'root',
  ).length;
  const head =
    s.longTermKeys === 0
      ? c.green('✔ no long-term access key in plaintext')
      : c.bold(
          c.red(
            `✖ ${s.longTermKeys} long-term access key${s.longTermKeys === 1 ? '' : 's'} in plaintext${roots > 0 ? ` (${roots} root)` : ''}`,
          ),
        );
  out.push(
    `${head} · ${s.profiles} profile${s.profiles === 1 ? '' : 's'} · ${s.temporaryKeys} temporary · ${s.canaries} canary`,
  );
  return `${out.join('\n')}\n`;
}

export async function runAuditAwsConfig(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    io.argv,
    {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      verify: { type: 'boolean' },
      ...COLOR_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
    'audit-aws-config',
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = stringOption(values, 'format') ?? 'human';
  if (format !== 'human' && format !== 'json')
    throw notOneOf('--format', ['human', 'json'], format);
  const verify = values.verify === true ? verifyOptions(io) : undefined;
  const home = io.env.HOME ?? io.env.USERPROFILE;
  const paths =
    positionals.length > 0
      ? givenPaths(io, positionals)
      : awsConfigPaths(io.env, ...(home === undefined || home === '' ? [] : [home]));
  const credentials: AuditCredential[] = [];
  const result = await audit(
    paths,
    verify === undefined ? undefined : (c) => void credentials.push(c),
  );
  let byProfile = new Map<string, FindingVerification>();
  if (verify !== undefined && credentials.length > 0) {
    const results = await verifyCredentials(credentials, verify);
    byProfile = new Map(
      credentials.flatMap((c) => {
        const r = results.get(c.fingerprint);
        return r === undefined ? [] : [[c.profile, findingVerification(r)] as const];
      }),
    );
  }
  credentials.length = 0;
  const profiles: ProfileReport[] = result.profiles.map((p) => {
    const v = byProfile.get(p.name);
    return v === undefined ? p : { ...p, verification: v };
  });
  for (const w of result.warnings) io.stderr.write(`keyguard: warning: ${w}\n`);
  const output = stringOption(values, 'output');
  const write = (text: string) =>
    output === undefined
      ? io.stdout.write(text)
      : writeReportFile(resolve(io.cwd, output), text, { label: `--output ${output}` });
  if (format === 'json') {
    const report = {
      version: 1,
      tool: { name: 'keyguard', version: io.version },
      files: result.files.filter((f) => f.path !== ''),
      profiles,
      summary: {
        ...result.summary,
        rootKeys: profiles.filter(
          (p) => p.verification?.status === 'live' && p.verification.principal === 'root',
        ).length,
      },
      warnings: result.warnings,
    };
    write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    write(human(result, profiles, useColor(io, values, output !== undefined)));
  }
  return result.summary.longTermKeys > 0 ? 1 : 0;
}
