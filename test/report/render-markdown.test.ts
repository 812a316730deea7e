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
