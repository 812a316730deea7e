import type { LineIndex } from './line-index.js';

/** keyguard's own inline suppression comment. */
export const PRAGMA = 'keyguard:allow';

/**
 * Inline markers keyguard honours, its own and other scanners' (so a team switching tools keeps
 * its marked lines), each with the name a suppression is reported under. `nextLine` markers
 * (detect-secrets' `pragma: allowlist nextline secret`, secretlint's `disable-next-line`) mark the
 * line below them.
 */
const MARKERS: readonly {
  readonly name: string;
  readonly pattern: string;
  readonly nextLine?: true;
}[] = [
  { name: PRAGMA, pattern: 'keyguard:allow' },
  { name: 'gitleaks:allow', pattern: 'gitleaks:allow' },
  { name: 'trufflehog:ignore', pattern: 'trufflehog:ignore' },
  { name: 'pragma: allowlist secret', pattern: 'pragma:[ \\t]*(?:allow|white)list[ -]secret' },
  {
    name: 'pragma: allowlist nextline secret',
    pattern: 'pragma:[ \\t]*(?:allow|white)list[ -]nextline[ -]secret',
    nextLine: true,
  },
  // gosec (`#nosec`, `// #nosec G101`) and bandit (`# nosec`, `# nosec B105`).
  { name: 'nosec', pattern: '(?<![A-Za-z0-9_])nosec(?![A-Za-z0-9_])' },
  { name: 'ggignore', pattern: 'ggignore' },
  { name: 'secretlint-disable-line', pattern: 'secretlint-disable-line' },
  { name: 'secretlint-disable-next-line', pattern: 'secretlint-disable-next-line', nextLine: true },
];

/** One pass over the text finds every marker; the group that matched names it. */
const ANY_MARKER = new RegExp(MARKERS.map((m) => `(${m.pattern})`).join('|'), 'gi');
const OWN_MARKER = new RegExp(PRAGMA, 'gi');

/**
 * Breaks that editors and diff viewers show as a new line but that are not `\n`: a CR not before
 * LF (old Mac files), vertical tab, form feed, the Unicode line and paragraph separators, and
 * what some tools split lines on as well (NEL U+0085, and the file, group and record separators
 * 0x1C-0x1E, which Python's splitlines breaks at). Counting one too many costs a finding that a
 * marker would have hidden; one too few lets a marker hide a key on a line a reader sees apart.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these separators are what is looked for
const HIDDEN_BREAK = /\r(?!\n)|[\v\f\x1c-\x1e\u0085\u2028\u2029]/;

/**
 * The lines that carry an inline marker, with the marker's name (keyguard's own before any other
 * on the line): one pass over the chunk. `others` false: only keyguard's own counts.
 *
 * A marker on a line holding a hidden break counts for nothing. Lines are counted by `\n`, so in
 * a file with CR-only line ends the whole file is one line: a marker at its top would have
 * silenced every key below it, on lines a reviewer sees as unmarked. Such a line's keys are
 * reported (an allowlist path still accepts the file).
 */
export function markerLines(text: string, index: LineIndex, others = true): Map<number, string> {
  const lines = new Map<number, string>();
  const hidden = new Map<number, boolean>();
  const plain = (line: number): boolean => {
    let known = hidden.get(line);
    if (known === undefined) {
      known = HIDDEN_BREAK.test(text.slice(index.lineStart(line), index.lineEnd(line)));
      hidden.set(line, known);
    }
    return !known;
  };
  for (const m of text.matchAll(others ? ANY_MARKER : OWN_MARKER)) {
    const which = others ? m.findIndex((g, i) => i > 0 && g !== undefined) - 1 : 0;
    const marker = MARKERS[which];
    if (marker === undefined) continue;
    const own = index.lineOf(m.index);
    if (!plain(own)) continue;
    const line = own + (marker.nextLine === true ? 1 : 0);
    // The line a next-line marker points at must be one line too.
    if (line > index.lineCount || !plain(line)) continue;
    const known = lines.get(line);
    if (known === undefined || (marker.name === PRAGMA && known !== PRAGMA))
      lines.set(line, marker.name);
  }
  return lines;
}
