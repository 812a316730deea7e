import { posix } from 'node:path';
import { KeyguardError } from '../model/errors.js';

/** Characters git's wildcard matching treats specially; a folder name holding them is literal. */
const WILDCARD = /[*?[\\]/g;

/** `:(glob,icase)` or `:!` / `:^` / `:/`: the magic a pathspec starts with, and the rest. */
function splitMagic(spec: string): { words: string[]; path: string } {
  if (!spec.startsWith(':')) return { words: [], path: spec };
  if (spec.startsWith(':(')) {
    const close = spec.indexOf(')');
    if (close === -1) throw new KeyguardError('USAGE', `pathspec '${spec}': unterminated magic`);
    const words = spec
      .slice(2, close)
      .split(',')
      .map((w) => w.trim())
      .filter((w) => w !== '');
    return { words, path: spec.slice(close + 1) };
  }
  const words: string[] = [];
  let i = 1;
  for (; i < spec.length; i++) {
    const c = spec[i];
    if (c === '/') words.push('top');
    else if (c === '!' || c === '^') words.push('exclude');
    else break;
  }
  // A second ':' ends the short magic (`:!:path`).
  if (spec[i] === ':') i++;
  return { words, path: spec.slice(i) };
}

/**
 * Pathspecs as git reads them in `folder` (the working directory's path below the top, `sub/dir/`
 * or empty), rewritten to mean the same at the top level, where keyguard runs git: `x.env` typed in
 * `sub/` is `sub/x.env`, `..` climbs, `:/x` and `:(top)x` already start at the top, magic is
 * kept. A pathspec that climbs above the top is refused, as git refuses it.
 */
export function pathspecsFromFolder(folder: string, specs: readonly string[]): string[] {
  const base = folder.replace(/\/+$/, '');
  if (base === '') return [...specs];
  return specs.map((spec) => {
    const { words, path } = splitMagic(spec);
    if (words.includes('top')) return spec;
    let magic = words;
    let prefix = base;
    if (/[*?[\\]/.test(base) && !words.includes('literal')) {
      // The folder's name is literal, however it is spelled: a pathspec without wildcards of its
      // own becomes a literal one (which also keeps matching everything below a folder); one with
      // wildcards gets the folder's wildcard characters escaped.
      if (/[*?[\\]/.test(path)) prefix = base.replace(WILDCARD, '\\$&');
      else magic = [...words.filter((w) => w !== 'glob'), 'literal'];
    }
    const joined = posix.normalize(posix.join(prefix, path === '' ? '.' : path));
    if (joined === '..' || joined.startsWith('../')) {
      throw new KeyguardError('USAGE', `pathspec '${spec}' is outside the repository`);
    }
    return magic.length === 0 ? joined : `:(${magic.join(',')})${joined}`;
  });
}
