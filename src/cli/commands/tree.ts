import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { cloneForScan } from '../../app/clone-for-scan.js';
import { BASELINE_FILE_NAME } from '../../config/load-baseline.js';
import { CONFIG_FILE_NAME } from '../../config/load-config.js';
import { baselineScope } from '../../filters/baseline-scope.js';
import { findRepoRoot } from '../../git/find-repo-root.js';
import { isRepositoryUrl } from '../../git/repo-location.js';
import { KeyguardError } from '../../model/errors.js';
import { escapeControl } from '../../report/escape-control.js';
import type { CommandIo } from '../command-io.js';
import { baselineChoice, configFlag, executeScan } from '../execute-scan.js';
import { type Parsed, parseOptions, stringOption } from '../parse-options.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard tree [paths...] [options]
       keyguard tree <url> [--branch <name>] [options]

Scan a working tree or any folder (default: the current folder). In a git repository the files
git tracks or would track are scanned (.gitignore honoured); elsewhere every file, whatever a
.gitignore there says (--respect-gitignore to skip what it excludes). Every byte is read: binary files, any encoding (UTF-8, UTF-16 with or without a
byte-order mark), files of any size. Symlinks are never followed (their targets are scanned where
they live); a link's own text is read, as git stores it. A file that cannot be read makes the scan
incomplete (exit 2) and is listed.

A URL (https://…, ssh://…, file://…, git@host:org/repo.git) is cloned into a temporary folder
(one branch, its tip only: --branch, default the remote's default branch), scanned, and removed,
also on failure and on Ctrl-C. Credentials come from git's credential helpers only; a URL's
user:password is never printed. The clone's own .keyguard.json and baseline are not used.

      --branch <name>       with a URL: the branch to scan
      --respect-gitignore   outside git, skip what .gitignore files exclude (default: read
                            every file: there a .gitignore keeps nothing out of a tarball,
                            an image or a build context)
      --no-ignore           read every file under the paths, inside a repository too (its
                            .git folder included): nothing git ignores or would not track is
                            left out, and its .keyguard.json and baseline are not applied.
                            For auditing a checkout or tarball someone handed you
${SCAN_OPTIONS_HELP}
`;

export async function configRoot(io: CommandIo, first: string | undefined): Promise<string> {
  const target = resolve(io.cwd, first ?? '.');
  let dir = target;
  try {
    if (!statSync(target).isDirectory()) dir = dirname(target);
  } catch {
    // The source reports the missing path with its own message.
    return io.cwd;
  }
  return (await findRepoRoot(dir)) ?? dir;
}

/** Whether keyguard runs inside the repository (or folder) `root`: where its own files apply. */
export async function runsInside(io: CommandIo, root: string): Promise<boolean> {
  return (root === io.cwd ? root : await configRoot(io, undefined)) === root;
}

/**
 * `keyguard baseline` and `audit` write a repository's own config and baseline, read from that
 * repository's config: only from inside it (a hostile checkout's config names where they write).
 */
export async function requireInside(io: CommandIo, root: string, command: string): Promise<void> {
  if (await runsInside(io, root)) return;
  throw new KeyguardError(
    'USAGE',
    `'keyguard ${command}' edits a repository's own files: run it inside ${escapeControl(root)}`,
  );
}

/**
 * Whether the scanned folder's own `.keyguard.json` and baseline configure this scan: only when
 * keyguard runs in that repository (or folder) itself. A checkout scanned from outside it, or
 * audited with --no-ignore, is someone else's: its config could allowlist `**` and pass a key
 * with a green tick. `--config` and `--baseline` still apply; a file left out is named.
 */
async function ownsItsScan(
  io: CommandIo,
  values: Parsed['values'],
  root: string,
): Promise<boolean> {
  const audit = values['no-ignore'] === true;
  if (!audit && (await runsInside(io, root))) return true;
  const explicitConfig = configFlag(io, values);
  const explicitBaseline = baselineChoice(io, values).kind !== 'default';
  const leftOut = [
    ...(explicitConfig === undefined ? [CONFIG_FILE_NAME] : []),
    ...(explicitBaseline ? [] : [BASELINE_FILE_NAME]),
  ].filter((name) => existsSync(join(root, name)));
  if (leftOut.length > 0) {
    const why = audit
      ? 'an audit (--no-ignore) uses only the files named by --config and --baseline'
      : 'keyguard runs outside the scanned repository (run it there, or name the files with --config and --baseline)';
    io.stderr.write(
      `keyguard: ${escapeControl(root)}: ${leftOut.join(' and ')} not applied: ${why}\n`,
    );
  }
  return false;
}

/**
 * The repository paths a scan of `paths` covers, for stale baseline entries and for what
 * `keyguard baseline` may rewrite. No paths means the current folder, not the whole repository:
 * run in `sub/`, entries for other folders are neither stale nor dropped.
 */
export function coveredBy(io: CommandIo, root: string, paths: readonly string[]) {
  const named = paths.length === 0 ? ['.'] : paths;
  return baselineScope(named.map((p) => relative(root, resolve(io.cwd, p)).split(sep).join('/')));
}

/** `keyguard tree <url>`: the tip of one branch, cloned into a temporary folder, scanned, removed. */
async function runRemoteTree(
  io: CommandIo,
  values: Parsed['values'],
  url: string,
  branch: string | undefined,
): Promise<number> {
  let unregister: () => void = () => undefined;
  const clone = await cloneForScan(url, {
    mode: 'tree',
    ...(branch === undefined ? {} : { branch }),
    onRemovable: (remove) => {
      unregister = io.onInterrupt?.(remove) ?? (() => undefined);
    },
  });
  try {
    return await executeScan(
      io,
      { ...values },
      {
        target: { mode: 'tree', cwd: clone.dir, paths: ['.'] },
        root: clone.dir,
        // A repository being audited does not get to allowlist itself.
        configRoot: false,
      },
    );
  } finally {
    clone.remove();
    unregister();
  }
}

export async function runTree(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    io.argv,
    {
      ...SCAN_OPTIONS,
      branch: { type: 'string' },
      'respect-gitignore': { type: 'boolean' },
      'no-ignore': { type: 'boolean' },
    },
    'tree',
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const branch = stringOption(values, 'branch');
  const [first] = positionals;
  if (first !== undefined && isRepositoryUrl(first)) {
    if (positionals.length > 1) {
      throw new KeyguardError(
        'USAGE',
        "'keyguard tree <url>' scans one repository: no other paths",
      );
    }
    return runRemoteTree(io, values, first, branch);
  }
  if (branch !== undefined) {
    throw new KeyguardError('USAGE', "'--branch' is for 'keyguard tree <url>'");
  }
  const root = await configRoot(io, positionals[0]);
  const own = await ownsItsScan(io, values, root);
  return executeScan(io, values, {
    ...(own ? {} : { configRoot: false }),
    target: {
      mode: 'tree',
      cwd: io.cwd,
      paths: positionals,
      ...(values['respect-gitignore'] === true ? { gitignore: true } : {}),
      ...(values['no-ignore'] === true ? { noIgnore: true } : {}),
    },
    root,
    covers: coveredBy(io, root, positionals),
  });
}
