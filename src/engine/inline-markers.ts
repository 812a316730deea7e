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
 * The lines that carry an inline marker, with the marker's name (keyguard's own before any other
 * on the line): one pass over the chunk. `others` false: only keyguard's own counts.
 */
export function markerLines(text: string, index: LineIndex, others = true): Map<number, string> {
  const lines = new Map<number, string>();
  for (const m of text.matchAll(others ? ANY_MARKER : OWN_MARKER)) {
    const which = others ? m.findIndex((g, i) => i > 0 && g !== undefined) - 1 : 0;
    const marker = MARKERS[which];
    if (marker === undefined) continue;
    const line = index.lineOf(m.index) + (marker.nextLine === true ? 1 : 0);
    const known = lines.get(line);
    if (known === undefined || (marker.name === PRAGMA && known !== PRAGMA))
      lines.set(line, marker.name);
  }
  return lines;
}
