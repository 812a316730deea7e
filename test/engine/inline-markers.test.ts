import { describe, expect, it } from 'vitest';
import { markerLines } from '../../src/engine/inline-markers.js';
import { createLineIndex } from '../../src/engine/line-index.js';
import { applyFilters } from '../../src/filters/apply-filters.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { brief, scanText } from './scan-text.js';

function markersOf(text: string): [number, string][] {
  return [...markerLines(text, createLineIndex(text))].sort(([a], [b]) => a - b);
}

describe('inline markers', () => {
  it.each([
    ['x = 1 # keyguard:allow', 'keyguard:allow'],
    ['x = 1 // gitleaks:allow', 'gitleaks:allow'],
    ['x = 1  # pragma: allowlist secret', 'pragma: allowlist secret'],
    ['x = 1  # pragma: whitelist secret', 'pragma: allowlist secret'],
    ['x = 1 # trufflehog:ignore', 'trufflehog:ignore'],
    ['x = 1 // #nosec G101', 'nosec'],
    ['x = 1  # nosec B105', 'nosec'],
    ['x = 1  # NOSEC', 'nosec'],
    ['x = 1 # ggignore', 'ggignore'],
    ['x = 1 // secretlint-disable-line', 'secretlint-disable-line'],
  ])('reads %j as %s', (line, name) => {
    expect(markersOf(`a\n${line}\nb`)).toEqual([[2, name]]);
  });

  it('marks the line below for next-line markers, and nothing for look-alikes', () => {
    expect(markersOf('# pragma: allowlist nextline secret\nx = 1\n')).toEqual([
      [2, 'pragma: allowlist nextline secret'],
    ]);
    expect(markersOf('// secretlint-disable-next-line\nx = 1\n')).toEqual([
      [2, 'secretlint-disable-next-line'],
    ]);
    expect(markersOf('gosec nosecurity nosec_mode keyguard:allowed-ish? no\n')).toEqual([
      [1, 'keyguard:allow'],
    ]);
    expect(markersOf('gosec nosecurity nosec_mode\n')).toEqual([]);
  });

  it('counts no marker on a line that a viewer shows as several (a CR alone, VT, FF, NEL, FS/GS/RS, U+2028/9)', () => {
    for (const brk of ['\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\u0085', '\u2028', '\u2029']) {
      expect(markersOf(`# keyguard:allow${brk}x = 1\n`), JSON.stringify(brk)).toEqual([]);
      // A next-line marker whose next line holds such a break marks nothing either.
      expect(markersOf(`# pragma: allowlist nextline secret\na${brk}b\n`)).toEqual([]);
    }
    // CRLF line ends are ordinary lines.
    expect(markersOf('a\r\nx # keyguard:allow\r\nb\r\n')).toEqual([[2, 'keyguard:allow']]);
  });

  it('names keyguard’s own marker when a line carries several', () => {
    expect(markersOf('x # gitleaks:allow keyguard:allow\n')).toEqual([[1, 'keyguard:allow']]);
  });
});

describe('markers on the findings of a pair', () => {
  const twoLines = (a: string, b: string) =>
    `aws_access_key_id = {{AKIA}}${a}\naws_secret_access_key = {{SECRET}}${b}\n`;

  it('suppress only their own line: the secret of an allowed key ID is still reported', () => {
    const { findings } = scanText(twoLines(' # keyguard:allow', ''));
    expect(findings.map((f) => [brief(f), f.pragma])).toEqual([
      ['aws-access-key-id@1:21', 'keyguard:allow'],
      ['aws-secret-access-key@2:25', undefined],
    ]);
    const { kept, suppressed } = applyFilters(findings, { pathAllow: [] });
    expect(kept.map(brief)).toEqual(['aws-secret-access-key@2:25']);
    expect(suppressed.map((s) => s.reason.entry)).toEqual(['keyguard:allow']);
  });

  it('leave the key ID reported when only the secret line is marked', () => {
    const { findings } = scanText(twoLines('', ' # gitleaks:allow'));
    const { kept, suppressed } = applyFilters(findings, { pathAllow: [] });
    expect(kept.map(brief)).toEqual(['aws-access-key-id@1:21']);
    expect(suppressed.map((s) => [brief(s.finding), s.reason.entry])).toEqual([
      ['aws-secret-access-key@2:25', 'gitleaks:allow'],
    ]);
  });

  it('suppress the pair when both lines are marked, or when it sits on one marked line', () => {
    for (const text of [
      twoLines(' # keyguard:allow', ' # keyguard:allow'),
      'creds("{{AKIA}}", "{{SECRET}}") # nosec\n',
    ]) {
      const { findings } = scanText(text);
      expect(findings.map((f) => f.kind)).toEqual(['credential-pair']);
      const { kept, suppressed } = applyFilters(findings, { pathAllow: [] });
      expect(kept).toEqual([]);
      expect(suppressed).toHaveLength(1);
    }
  });

  it('never silence a file with CR-only line ends from a marker at its top', () => {
    // Shown as five lines by editors and diff viewers; one line to a count of LF.
    const text =
      '# keyguard:allow\rname = x\raws_access_key_id = {{AKIA}}\raws_secret_access_key = {{SECRET}}\rend\n';
    const { findings } = scanText(text);
    expect(findings.map((f) => [f.kind, f.pragma])).toEqual([['credential-pair', undefined]]);
    expect(applyFilters(findings, { pathAllow: [] }).kept).toHaveLength(1);
  });

  it('count other scanners’ markers only while they are honoured', () => {
    const text = twoLines(' # gitleaks:allow', '');
    expect(scanText(text).findings.map((f) => [brief(f), f.pragma])).toEqual([
      ['aws-access-key-id@1:21', 'gitleaks:allow'],
      ['aws-secret-access-key@2:25', undefined],
    ]);
    const strict = { ...EMPTY_ENGINE_ALLOWLIST, otherMarkers: false };
    expect(scanText(text, { allow: strict }).findings.map((f) => [brief(f), f.pragma])).toEqual([
      ['aws-access-key-pair@1:21~2', undefined],
    ]);
    const own = scanText(twoLines(' # keyguard:allow', ''), { allow: strict }).findings;
    expect(own.map((f) => f.pragma)).toEqual(['keyguard:allow', undefined]);
  });
});
