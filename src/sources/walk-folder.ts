import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import { KeyguardError } from '../model/errors.js';

/**
 * Files under a folder that is not a git work tree, honouring every `.gitignore` on the way
 * (fast-glob lists, `ignore` applies gitignore semantics per folder). Symlinks are listed, not
 * followed; the reader skips them.
 */
export async function walkFolder(root: string): Promise<string[]> {
  const entries = await fg('**/*', {
    cwd: root,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    ignore: ['**/.git/**', '**/.git'],
    markDirectories: true,
  }).catch((error: NodeJS.ErrnoException) => {
    // A folder we cannot list is a folder we did not scan: fail closed, naming it.
    throw new KeyguardError(
      'IO',
      `cannot read ${error.path ?? root}: ${error.code ?? error.message}`,
      { cause: error },
    );
  });
  const files = entries.filter((e) => !e.endsWith('/'));
  const rules = new Map<string, Ignore>();
  for (const f of files) {
    if (posix.basename(f) !== '.gitignore') continue;
    try {
      rules.set(posix.dirname(f), ignore().add(readFileSync(posix.join(root, f), 'utf8')));
    } catch {
      // An unreadable .gitignore ignores nothing: scanning more is the safe side.
    }
  }
  if (rules.size === 0) return files.sort();
  // Deepest .gitignore first: the first one with an opinion (ignore or `!` re-include) decides.
  const decide = (path: string): 'ignored' | 'kept' | 'none' => {
    let dir = posix.dirname(path.endsWith('/') ? path.slice(0, -1) : path);
    for (;;) {
      const rule = rules.get(dir);
      if (rule !== undefined) {
        const verdict = rule.test(dir === '.' ? path : path.slice(dir.length + 1));
        if (verdict.ignored) return 'ignored';
        if (verdict.unignored) return 'kept';
      }
      if (dir === '.') return 'none';
      dir = posix.dirname(dir);
    }
  };
  // As in git, an excluded folder hides everything below it, whatever deeper files say.
  const ignored = (path: string): boolean => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (decide(`${parts.slice(0, i).join('/')}/`) === 'ignored') return true;
    }
    return decide(path) === 'ignored';
  };
  return files.filter((f) => !ignored(f)).sort();
}
