import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { isKeyguardError } from '../model/errors.js';
import type { Command, CommandIo } from './command-io.js';

const HELP = `keyguard ${pkg.version}: stop AWS access keys before they reach a Git repository

Usage: keyguard <command> [options]

Commands:
  tree [paths...]     scan a working tree or folder (default: .)
  stdin               scan standard input
  staged              the pre-commit gate: scan what the next commit adds (the index)
  history [range]     scan every commit of every ref, or a range (main..feature, --since)
  install             add the pre-commit gate (keyguard-pre-commit) to husky or .git/hooks
  doctor              prove the installed hook blocks a commit with a (fake) key
  baseline [paths...] accept today's findings: write .keyguard-baseline.json (scans like tree)
  rules check|list    validate a rule pack and run its examples; list the built-in rules
  explain <ruleId>    the full guidance for a rule: why it matters, what to do, references
  audit-aws-config    find long-term keys in plaintext in ~/.aws/credentials and ~/.aws/config

Run 'keyguard <command> --help' for a command's options. Scans accept --verify (opt-in): it asks
AWS whether each key pair found is live, an authenticated call made with that key which shows in
the key owner's CloudTrail; never on unless you pass it.
Exit codes: 0 clean, 1 findings at or above --fail-on, 2 error (nothing was trusted).
`;

/** Commands load on demand: `keyguard --version` and the pre-commit path import only what they use. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  tree: async () => (await import('./commands/tree.js')).runTree,
  stdin: async () => (await import('./commands/stdin.js')).runStdin,
  rules: async () => (await import('./commands/rules.js')).runRules,
  baseline: async () => (await import('./commands/baseline.js')).runBaseline,
  staged: async () => (await import('./commands/staged.js')).runStaged,
  history: async () => (await import('./commands/history.js')).runHistory,
  install: async () => (await import('./commands/install.js')).runInstall,
  doctor: async () => (await import('./commands/doctor.js')).runDoctor,
  explain: async () => (await import('./commands/explain.js')).runExplain,
  'audit-aws-config': async () =>
    (await import('./commands/audit-aws-config.js')).runAuditAwsConfig,
};

/** dist/worker.js beside the bundled entry; absent when running from sources (tests). */
function workerScript(): { workerScript?: string } {
  const path = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(path) ? { workerScript: path } : {};
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function readStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`keyguard: unknown command '${name}' (see keyguard --help)\n`);
    return 2;
  }
  const io: CommandIo = {
    argv: rest,
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    readStdin,
    today: today(),
    version: pkg.version,
    ...workerScript(),
  };
  return (await load())(io);
}

// A closed pipe (`keyguard tree | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isKeyguardError(error)) {
      process.stderr.write(`keyguard: ${error.message}\n`);
      for (const line of error.details) process.stderr.write(`  ${line}\n`);
    } else {
      process.stderr.write(
        `keyguard: internal error (please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exitCode = 2;
  },
);
