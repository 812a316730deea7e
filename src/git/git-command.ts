/**
 * What a git process is for. The repository keyguard reads may be an attacker's (a clone of a
 * stranger's project, a pull request's checkout, a folder handed over): its `.git/config`,
 * `.gitattributes` and hooks can name programs for git to run. Which of them may act depends
 * only on this:
 *
 * - `scan`: reading a repository that may be hostile. Nothing it configures may run.
 * - `hooks-path`: asking where hooks live (`keyguard install`, `doctor`): as `scan`, but
 *   core.hooksPath keeps its configured value so git can report it; only `rev-parse` and `config`
 *   (neither runs a hook).
 * - `fetch`: the Action deepening a CI checkout. The network is the point, so the transport
 *   settings actions/checkout writes (credential helper, http.extraheader, core.sshCommand for an
 *   ssh key) stay; hooks, fsmonitor and the transports that run commands stay off.
 * - `scratch`: `keyguard doctor`'s own throwaway repository. Its config is ours and its commit
 *   must run the hooks under test.
 * - `clone`: `keyguard history <url>` / `tree <url>` copying a repository into a temporary
 *   folder. As `fetch`: the user's transport settings and credential helpers stay (credentials
 *   come from them, never from keyguard), hooks and command-running transports stay off, and git
 *   never prompts.
 */
export type GitUse = 'scan' | 'hooks-path' | 'fetch' | 'scratch' | 'clone';

/**
 * `-c` settings given on git's command line win over every config file, the repository's own
 * included. These switch off what a repository could make git run:
 *
 * - core.fsmonitor: a hook git runs on index reads (`diff --cached`, `ls-files`).
 * - core.hooksPath: no hooks at all (a fetch would run reference-transaction, its auto-gc
 *   pre-auto-gc). `/dev/null/<hook>` never exists, on Git for Windows too.
 * - log.showSignature: `git log` would run gpg.program (or gpg.ssh.program) on a signed commit.
 * - core.editor, sequence.editor: no command we run opens an editor; set anyway, cheaply.
 */
const NO_PROGRAMS = [
  'core.fsmonitor=false',
  'log.showSignature=false',
  'core.editor=:',
  'sequence.editor=:',
] as const;
const NO_HOOKS = 'core.hooksPath=/dev/null';
/**
 * A scan walks commits as their objects say, not as a commit-graph file says: the file is a cache
 * anyone with the folder can rewrite, and git trusts it (a parent left out hides a commit from
 * the walk, which a clone of the same repository would carry).
 */
const OBJECTS_AS_THEY_ARE = 'core.commitGraph=false';

/**
 * No transport may open while scanning: a partial clone fetches missing objects on demand from
 * its promisor remote, and a transport is where core.sshCommand, core.askPass, credential.helper,
 * core.gitProxy, remote.<name>.uploadpack and `ext::` URLs run programs. Each known protocol is
 * named because a per-protocol `allow` in the repository would beat `protocol.allow`. (Remote
 * helpers for other schemes are programs named `git-remote-<scheme>` on PATH, not the
 * repository's choice.)
 */
const NO_TRANSPORT = [
  'protocol.allow=never',
  ...['file', 'git', 'ssh', 'http', 'https', 'ftp', 'ftps', 'ext', 'fd'].map(
    (p) => `protocol.${p}.allow=never`,
  ),
];

/**
 * For the Action's fetches: `ext::` runs any command; `git://` would run core.gitProxy, which git
 * takes from the first matching config line (ours cannot override it), and nobody fetches a pull
 * request over unauthenticated git://. core.alternateRefsCommand runs a shell command when the
 * checkout borrows objects from another repository: listing nothing only makes the fetch larger.
 */
const FETCH_ONLY = [
  'protocol.ext.allow=never',
  'protocol.git.allow=never',
  'core.alternateRefsCommand=exit 0',
];

/**
 * Subcommands a `scan` may run: they read objects, refs and the index but never convert work-tree
 * content (where clean/smudge/process filters run: add, checkout, status-style refreshes, diffs of
 * the work tree), never merge (merge drivers) and never open a transport. A new one belongs here
 * only once it is known to do none of that.
 */
const READ_ONLY = new Set([
  'version',
  'rev-parse',
  'rev-list',
  'log',
  'cat-file',
  'ls-files',
  'ls-tree',
  'check-ignore',
  'merge-base',
  'show-ref',
  'for-each-ref',
  'config',
  'diff',
]);

/**
 * Flags that make a read-only subcommand convert content: `cat-file --filters/--textconv`, and
 * `ls-files --modified`, which may hash work-tree files through the clean filter.
 */
const CONVERTING = new Set(['--filters', '--textconv', '-m', '--modified']);

/** Safety flags a subcommand always gets, whoever calls it. */
function subcommandFlags(command: string): string[] {
  switch (command) {
    // External diff programs (diff.external, diff.<driver>.command, GIT_EXTERNAL_DIFF) and
    // textconv filters are off; log does not verify signatures.
    case 'diff':
      return ['--no-ext-diff', '--no-textconv'];
    case 'log':
      return ['--no-ext-diff', '--no-textconv', '--no-show-signature'];
    // Submodules are other repositories with their own config; remote.<name>.uploadpack would
    // name the program a local or ssh fetch runs.
    case 'fetch':
      return ['--no-recurse-submodules', '--upload-pack=git-upload-pack'];
    // A clone never recurses into submodules unless asked (keyguard does not ask).
    case 'clone':
      return ['--upload-pack=git-upload-pack'];
    default:
      return [];
  }
}

function refuse(use: GitUse, command: string, why: string): never {
  // A programming error, not a user's: the caller asked for something this policy forbids.
  throw new Error(`git ${command} is not allowed for '${use}': ${why}`);
}

function check(use: GitUse, command: string, args: readonly string[]): void {
  if (use === 'scratch') return;
  if (use === 'fetch') {
    if (command !== 'fetch') refuse(use, command, 'only fetch');
    return;
  }
  if (use === 'clone') {
    if (command !== 'clone') refuse(use, command, 'only clone');
    return;
  }
  if (use === 'hooks-path') {
    if (command !== 'rev-parse' && command !== 'config') refuse(use, command, 'only questions');
    return;
  }
  if (!READ_ONLY.has(command)) refuse(use, command, 'not known to be read-only');
  const converting = args.find((a) => CONVERTING.has(a));
  if (converting !== undefined) refuse(use, command, `${converting} reads converted content`);
  if (command === 'diff' && !args.includes('--cached')) {
    refuse(use, command, 'only --cached (a work-tree diff runs clean filters)');
  }
  if (command === 'config' && !args.includes('--get')) refuse(use, command, 'only --get');
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment git is started with when a command gives none: the process's own, handed over
 * once by the entry (src/git does not read `process`). Until then git inherits it untouched.
 */
let inherited: Env | undefined;

/** Called once by each entry point with the process environment. */
export function setGitEnvironment(env: Env): void {
  inherited = env;
}

/** The environment git inherits, once an entry has handed it over (undefined before). */
export function gitEnvironment(): Env | undefined {
  return inherited;
}

/**
 * Variables added to the environment:
 * - GIT_NO_LAZY_FETCH=1 (`scan`, `hooks-path`): a partial clone does not even try to fetch a
 *   missing object (the attempt fails anyway with no transport, but git 2.39 can die of SIGPIPE
 *   while handing the failed fetch its list): the object is reported missing.
 * - GIT_OPTIONAL_LOCKS=0: a scan never writes to the repository it reads (no index refresh
 *   racing the commit that runs the hook).
 * - GIT_NO_REPLACE_OBJECTS=1 and GIT_GRAFT_FILE=/dev/null/none (`scan`): objects are read as they are.
 *   A `refs/replace/<id>` ref (which a push can bring) makes git hand out another object for
 *   `<id>`: a pushed commit holding a key read as a clean one, a staged blob as another blob. A
 *   grafts file rewrites parents, hiding history from the walk. Neither is what a clone carries.
 *   The grafts path can never exist (/dev/null is no folder): git warns about any grafts file
 *   that does, /dev/null included, and its warning would hide the cause of every git error.
 * - GIT_TERMINAL_PROMPT=0 (`fetch`): a CI fetch without credentials fails instead of waiting.
 * - GIT_FLUSH=0 for the subcommands in READ_TO_THE_END, whatever the use.
 */
function additions(use: GitUse): Record<string, string> {
  switch (use) {
    case 'scan':
      return {
        GIT_NO_LAZY_FETCH: '1',
        GIT_OPTIONAL_LOCKS: '0',
        GIT_NO_REPLACE_OBJECTS: '1',
        GIT_GRAFT_FILE: '/dev/null/none',
      };
    case 'hooks-path':
      return { GIT_NO_LAZY_FETCH: '1', GIT_OPTIONAL_LOCKS: '0' };
    case 'fetch':
    case 'clone':
      return { GIT_TERMINAL_PROMPT: '0' };
    case 'scratch':
      return {};
  }
}

/**
 * Subcommands whose whole output keyguard reads as a stream, never as answers to its questions:
 * started with GIT_FLUSH=0, so git fills its output buffer instead of writing each commit (or each
 * listed id) on its own. Told nothing, git flushes after every record when writing to a pipe: the
 * 30,000-commit bench history came as 29,999 writes, each waking keyguard for one commit (2,540
 * writes buffered; the log's reader used 1.5-1.7 s of CPU, 0.9-1.0 s buffered). Never `cat-file
 * --batch` or anything else keyguard talks to: a buffered answer would never arrive.
 */
const READ_TO_THE_END = new Set(['log', 'rev-list']);

function settings(use: GitUse): string[] {
  switch (use) {
    case 'scan':
      return [...NO_PROGRAMS, NO_HOOKS, OBJECTS_AS_THEY_ARE, ...NO_TRANSPORT];
    case 'hooks-path':
      return [...NO_PROGRAMS, ...NO_TRANSPORT];
    case 'fetch':
    case 'clone':
      return [...NO_PROGRAMS, NO_HOOKS, ...FETCH_ONLY];
    case 'scratch':
      return [...NO_PROGRAMS];
  }
}

export interface GitCommand {
  /** git's arguments, global options first. */
  readonly args: string[];
  /** The environment to start git with, or undefined to inherit this process's. */
  readonly env?: Record<string, string | undefined>;
}

/**
 * The one place that decides how git is started: every git process keyguard runs is built here
 * (see spawnGit). `args` starts with the subcommand; `env` replaces the inherited environment
 * (doctor's scratch repository). The environment is otherwise kept whole: GIT_DIR,
 * GIT_INDEX_FILE, GIT_WORK_TREE, GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES and
 * GIT_QUARANTINE_PATH must reach git in a hook, and what the environment names (GIT_PAGER,
 * GIT_EXTERNAL_DIFF, GIT_SSH_COMMAND…) is the user's own choice, not the repository's; the flags
 * below switch off the ones a scan could reach anyway.
 */
export function gitCommand(
  use: GitUse,
  args: readonly string[],
  env?: Env,
  /** A caller's own `-c` settings: placed first, so none can undo the policy's below. */
  extra: readonly string[] = [],
): GitCommand {
  const [command = '', ...rest] = args;
  check(use, command, rest);
  // --no-pager: core.pager, pager.<cmd> and GIT_PAGER never start, even on a terminal.
  const out = ['--no-pager'];
  for (const s of extra) out.push('-c', s);
  for (const s of settings(use)) out.push('-c', s);
  out.push(command, ...subcommandFlags(command), ...rest);
  const base = env ?? inherited;
  if (base === undefined) return { args: out };
  const buffered = READ_TO_THE_END.has(command) ? { GIT_FLUSH: '0' } : {};
  return { args: out, env: { ...base, ...additions(use), ...buffered } };
}
