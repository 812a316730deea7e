import pkg from '../../package.json' with { type: 'json' };
import type { Command } from './command-io.js';

export const HELP = `keyguard ${pkg.version}: stop AWS access keys before they reach a Git repository

Usage: keyguard <command> [options]

Commands:
  tree [paths...]     scan a working tree or folder (default: .)
  stdin               scan standard input
  staged              the pre-commit gate: scan what the next commit adds (the index)
  history [range...]  scan every commit of every ref, or what you aim it at (ranges, --since, -- paths)
  pre-push <remote> <url>
                      the pre-push gate: scan exactly the commits a push sends (git's hook input)
  pre-receive         the server-side gate (a bare repository's pre-receive hook): reject
                      pushes that bring keys; 'update <ref> <old> <new>' for the update hook
  install             add the pre-commit gate (or --hook pre-push) to husky or .git/hooks
  doctor              prove the installed hook blocks a commit with a (fake) key
  baseline [paths...] accept today's findings: write .keyguard-baseline.json (scans like tree)
  rules check|list    validate a rule pack and run its examples; list the built-in rules
  explain <ruleId>    the full guidance for a rule: why it matters, what to do, references
  audit [paths...]    triage today's findings one by one: real, false positive (allowlist),
                      accept (baseline), each with a reason; --list and --mark for scripts
  config show         the merged configuration (extends, user config) and where each value came from
  audit-aws-config    find long-term keys in plaintext in ~/.aws/credentials and ~/.aws/config

Run 'keyguard <command> --help' for a command's options. Scans accept --verify (opt-in): it asks
AWS whether each key pair found is live, an authenticated call made with that key which shows in
the key owner's CloudTrail; never on unless you pass it.
Exit codes: 0 clean, 1 findings at or above --fail-on, 2 error (nothing was trusted).
`;

/** Commands load on demand: `keyguard --version` and the pre-commit path import only what they use. */
export const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  tree: async () => (await import('./commands/tree.js')).runTree,
  stdin: async () => (await import('./commands/stdin.js')).runStdin,
  rules: async () => (await import('./commands/rules.js')).runRules,
  baseline: async () => (await import('./commands/baseline.js')).runBaseline,
  staged: async () => (await import('./commands/staged.js')).runStaged,
  history: async () => (await import('./commands/history.js')).runHistory,
  'pre-push': async () => (await import('./commands/pre-push.js')).runPrePush,
  'pre-receive': async () => (await import('./commands/pre-receive.js')).runPreReceive,
  update: async () => (await import('./commands/pre-receive.js')).runUpdate,
  install: async () => (await import('./commands/install.js')).runInstall,
  doctor: async () => (await import('./commands/doctor.js')).runDoctor,
  explain: async () => (await import('./commands/explain.js')).runExplain,
  audit: async () => (await import('./commands/audit.js')).runAudit,
  config: async () => (await import('./commands/config.js')).runConfig,
  'audit-aws-config': async () =>
    (await import('./commands/audit-aws-config.js')).runAuditAwsConfig,
};
