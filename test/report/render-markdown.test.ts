import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { MARKDOWN_MAX_ROWS, renderMarkdown } from '../../src/report/render-markdown.js';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { CTX, findingsOf, outcomeOf, sampleOutcome } from './report-fixture.js';

describe('renderMarkdown', () => {
  it('writes a heading with counts and one table row per finding, redacted', () => {
    const { outcome, pairs } = sampleOutcome();
    const text = renderMarkdown(outcome, CTX);
    expect(leaks(text, pairs)).toEqual([]);
    expect(text).toMatch(/^## ❌ keyguard: 2 findings \(1 high, 1 low\)/);
    const rows = text
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---'));
    expect(rows.length).toBe(2);
    expect(rows[0]).toContain('`config/creds.ini:2:21`');
    expect(rows[0]).toContain('(`aws-access-key-pair`)');
    expect(text).toContain('### How to fix');
    expect(text).toContain(CTX.pack.byId.get('aws-access-key-pair')?.title ?? 'missing');
  });

  it('says so when clean, and lists stale baseline entries and suppressions', () => {
    const text = renderMarkdown(
      outcomeOf([], {
        staleBaseline: [
          { ruleId: 'aws-access-key-id', path: 'gone.txt', secretHash: 'b'.repeat(64) },
        ],
      }),
      CTX,
    );
    expect(text).toMatch(/^## ✅ keyguard: no AWS credentials found/);
    expect(text).toContain('### 1 stale baseline entry');
    expect(text).toContain('`gone.txt`');
    const two = renderMarkdown(
      outcomeOf([], {
        staleBaseline: [
          { ruleId: 'aws-access-key-id', path: 'a.txt', secretHash: 'b'.repeat(64) },
          { ruleId: 'aws-access-key-id', path: 'b.txt', secretHash: 'c'.repeat(64) },
        ],
      }),
      CTX,
    );
    expect(two).toContain('### 2 stale baseline entries');
  });

  it('escapes table cells so a path with | cannot break the table', () => {
    const p = fakePair();
    const findings = findingsOf({ 'a|b.ts': `k = '${p.id}'\n` });
    const text = renderMarkdown(outcomeOf(findings), CTX);
    const row = text.split('\n').find((l) => l.includes('a\\|b.ts'));
    expect(row).toBeDefined();
    expect(row?.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('states the coverage, leaving out zero skip counters', () => {
    const text = renderMarkdown(
      outcomeOf([], {
        coverage: { range: 'a..b', commits: 0, binaryBlobsSkipped: 0, largeBlobsSkipped: 2 },
      }),
      CTX,
    );
    expect(text).toContain('range: `a..b` · commits: `0` · largeBlobsSkipped: `2`');
    expect(text).not.toContain('binaryBlobsSkipped');
  });

  it('caps the table and points to the full report', () => {
    const p = fakePair();
    const one = findingsOf({ 'a.ts': `k = '${p.id}'\n` })[0] as Finding;
    const many = Array.from({ length: MARKDOWN_MAX_ROWS + 5 }, () => one);
    const text = renderMarkdown(outcomeOf(many), CTX);
    expect(text).toContain('…and 5 more');
  });
});

/** What is left of a Markdown line once keyguard's own markup and every escape are taken out. */
function rawSpecials(line: string): string[] {
  const stripped = line
    .replace(/^> /, '')
    .replace(/<\/?code>|<br>/g, '')
    .replace(/&(amp|lt|gt);/g, '')
    .replace(/\\[\\`|*_~[\]]/g, '')
    .replace(/`[^`|<>&[\]\\]+`/g, '');
  return [...stripped].filter((c) => '`<>&[]\\'.includes(c));
}

describe('renderMarkdown and hostile names', () => {
  const HOSTILE =
    'x`y|z<img src=x onerror=alert(1)>[link](https://e.invalid)&amp;*b*_i_~s~\x1b\r\n.ts';

  it('keeps a hostile path, title and reason inside their cell: no raw HTML, link, code span or pipe', () => {
    const p = fakePair();
    const [f] = findingsOf({ [HOSTILE]: `k = '${p.id}'\n` }).map((x) => ({
      ...x,
      title: `Title</td><script>x</script> | [a](b) \`c\``,
      severityReason: '<b>bold</b> & | more',
    }));
    const text = renderMarkdown(outcomeOf([f as Finding]), CTX);
    const rows = text.split('\n').filter((l) => l.startsWith('| ') && l.includes('img'));
    expect(rows).toHaveLength(1);
    const row = rows[0] ?? '';
    expect(row.split(/(?<!\\)\|/).length).toBe(7);
    expect(rawSpecials(row)).toEqual([]);
    expect(text).not.toContain('<img');
    expect(text).not.toContain('<script');
    expect(text).not.toMatch(/(?<!\\)\]\(/);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('x\\`y\\|z&lt;img src=x onerror=alert(1)&gt;\\[link\\]');
  });

  it('escapes stale baseline paths, coverage values, warnings and user rule titles the same way', () => {
    const p = fakePair();
    const findings = findingsOf({ 'a.ts': `k = '${p.id}'\n` });
    const text = renderMarkdown(
      outcomeOf(findings, {
        staleBaseline: [{ ruleId: 'r`1', path: HOSTILE, secretHash: 'b'.repeat(64) }],
        coverage: { range: 'main..<b>x</b>' },
        warnings: [{ code: 'w', message: `${HOSTILE} expired` }],
      }),
      CTX,
    );
    for (const line of text.split('\n')) expect(rawSpecials(line), line).toEqual([]);
    expect(text).not.toContain('<img');
    expect(text).not.toContain('<b>');
    expect(text).not.toContain('\r');
  });
});
