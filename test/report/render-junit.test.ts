import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/model/finding.js';
import { SEVERITIES } from '../../src/model/finding.js';
import { decideVerdict } from '../../src/model/verdict.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { xmlText } from '../../src/report/xml-text.js';
import { leaks } from '../helpers/fake-keys.js';
import { elements, parseXml } from '../helpers/xml-check.js';
import { CTX, outcomeOf, sampleOutcome } from './report-fixture.js';

const base = sampleOutcome().outcome.findings;
const withSeverities = (list: readonly Severity[]): Finding[] =>
  list.map((severity, i) => ({ ...(base[i % base.length] as Finding), severity }));

describe('renderJunit', () => {
  it('one test case per finding, a failure for each, well-formed and redacted', () => {
    const { outcome, pairs } = sampleOutcome();
    const xml = renderJunit(outcome, CTX);
    expect(leaks(xml, pairs)).toEqual([]);
    const { problems, root } = parseXml(xml);
    expect(problems).toEqual([]);
    if (root === undefined) throw new Error('no root');
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '2', failures: '2', errors: '0' });
    const cases = elements(root, 'testcase');
    expect(cases.map((c) => c.attrs.file)).toEqual(['config/creds.ini', 'src/app.ts']);
    const failure = elements(cases[0] as never, 'failure')[0];
    expect(failure?.attrs.type).toBe('aws-access-key-pair');
    expect(failure?.text).toContain('at config/creds.ini:2:');
    expect(failure?.text).toContain('fix: ');
  });

  it('failures and errors appear exactly when the exit code is not 0, for every gate', () => {
    for (const mix of [[], ['info'], ['high'], ['critical', 'low']] as Severity[][])
      for (const stale of [0, 1])
        for (const inc of [undefined, false, true])
          for (const failOn of SEVERITIES)
            for (const failOnStale of [false, true]) {
              const outcome = outcomeOf(withSeverities(mix), {
                staleBaseline: stale === 0 ? [] : [{ ruleId: 'r', path: 'gone', secretHmac: 'ab' }],
                ...(inc === undefined
                  ? {}
                  : { incomplete: { unread: 1, bytes: 1, accepted: inc } }),
              });
              const verdict = decideVerdict(outcome, { failOn, failOnStale });
              const { problems, root } = parseXml(renderJunit({ ...outcome, verdict }, CTX));
              expect(problems).toEqual([]);
              const bad = Number(root?.attrs.failures) + Number(root?.attrs.errors);
              const label = JSON.stringify({ mix, failOn, failOnStale, verdict });
              expect(bad > 0, label).toBe(verdict.exitCode !== 0);
              expect(Number(root?.attrs.errors) > 0, label).toBe(verdict.exitCode === 2);
              expect(Number(root?.attrs.tests)).toBe(elements(root as never, 'testcase').length);
            }
  });

  it('a hostile file name and line stay text: escaped markup, no character XML 1.0 forbids', () => {
    const f = base[0] as Finding;
    const path = `</failure><x a="1">&amp;\x00\x1b[31m\ud800\uffff]]>.ini`;
    const hostile = {
      ...f,
      location: { ...f.location, path },
      lineText: `<![CDATA[ & ' " \x0b \x7f`,
    };
    const xml = renderJunit(outcomeOf([hostile]), CTX);
    const { problems, root } = parseXml(xml);
    expect(problems).toEqual([]);
    const tc = elements(root as never, 'testcase')[0];
    expect(tc?.attrs.file).toBe('</failure><x a="1">&amp;\\x00\\x1b[31m\ufffd\ufffd]]>.ini');
    expect(elements(root as never, 'x')).toEqual([]);
  });

  it('xmlText keeps letters beyond the BMP whole', () => {
    expect(xmlText('a😀b')).toBe('a😀b');
  });
});
