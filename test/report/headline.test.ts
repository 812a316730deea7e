import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/model/finding.js';
import { SEVERITIES } from '../../src/model/finding.js';
import type { ScanOutcome } from '../../src/model/outcome.js';
import { decideVerdict } from '../../src/model/verdict.js';
import { headline } from '../../src/report/headline.js';
import { renderHuman } from '../../src/report/render-human.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderRejection } from '../../src/report/render-rejection.js';
import { CTX, outcomeOf, PACK, sampleOutcome } from './report-fixture.js';

const base = sampleOutcome().outcome.findings;

function withSeverities(list: readonly Severity[]): Finding[] {
  return list.map((severity, i) => ({ ...(base[i % base.length] as Finding), severity }));
}

/** Every mix of findings, stale entries, unread content and gates the CLI can produce. */
function* cases(): Generator<{ outcome: ScanOutcome; failOn: Severity; failOnStale: boolean }> {
  const mixes: Severity[][] = [[], ['info'], ['high'], ['critical', 'low'], ['medium', 'info']];
  for (const mix of mixes)
    for (const stale of [0, 2])
      for (const inc of [undefined, false, true])
        for (const failOn of SEVERITIES)
          for (const failOnStale of [false, true]) {
            const outcome = outcomeOf(withSeverities(mix), {
              staleBaseline: Array.from({ length: stale }, (_, i) => ({
                ruleId: 'aws-access-key-id',
                path: `gone-${i}.txt`,
                secretHmac: 'ab'.repeat(32),
              })),
              ...(inc === undefined ? {} : { incomplete: { unread: 1, bytes: 9, accepted: inc } }),
            });
            yield { outcome, failOn, failOnStale };
          }
}

describe('headline', () => {
  it('is red exactly when the exit code is not 0, and a tick only for a clean, complete scan', () => {
    let n = 0;
    for (const { outcome, failOn, failOnStale } of cases()) {
      const verdict = decideVerdict(outcome, { failOn, failOnStale });
      const head = headline({ ...outcome, verdict }, PACK);
      const label = JSON.stringify({ failOn, failOnStale, verdict });
      expect(head.tone === 'fail', label).toBe(verdict.exitCode !== 0);
      expect(head.tone === 'pass', label).toBe(
        verdict.exitCode === 0 && outcome.findings.length === 0 && outcome.incomplete === undefined,
      );
      const human = renderHuman({ ...outcome, verdict }, CTX);
      const md = renderMarkdown({ ...outcome, verdict }, CTX);
      expect(human.includes('✖'), label).toBe(verdict.exitCode !== 0);
      expect(human.includes('✔'), label).toBe(head.tone === 'pass');
      expect(md.startsWith('## ❌'), label).toBe(verdict.exitCode !== 0);
      expect(md.startsWith('## ✅'), label).toBe(head.tone === 'pass');
      n++;
    }
    expect(n).toBe(5 * 2 * 3 * 5 * 2);
  });

  it('an outcome rendered without a verdict gets the default gate (low)', () => {
    const info = outcomeOf(withSeverities(['info']));
    expect(headline(info, PACK)).toMatchObject({ tone: 'note', verdict: { exitCode: 0 } });
    const low = outcomeOf(withSeverities(['low']));
    expect(headline(low, PACK)).toMatchObject({ tone: 'fail', verdict: { exitCode: 1 } });
  });

  it("a server-side gate that lets findings below --fail-on through does not call them 'no AWS credentials'", () => {
    const outcome = outcomeOf(withSeverities(['high']), { coverage: { commits: 1 } });
    const verdict = decideVerdict(outcome, { failOn: 'critical', failOnStale: false });
    const text = renderRejection(
      { ...outcome, verdict },
      { rulesFrom: 'refs/heads/main', pack: PACK },
    );
    expect(text).not.toContain('no AWS credentials');
    expect(text).toContain('1 finding (1 high) below --fail-on critical: not failing');
    const clean = renderRejection(outcomeOf([], { coverage: { commits: 1 } }), {
      rulesFrom: 'refs/heads/main',
      pack: PACK,
    });
    expect(clean).toContain('1 new commit scanned, no AWS credentials found');
  });
});
