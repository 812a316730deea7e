import { describe, expect, it } from 'vitest';
import { isKeyguardError } from '../../src/model/errors.js';
import type { Finding } from '../../src/model/finding.js';
import { FINDING_FIELDS } from '../../src/report/finding-fields.js';
import { compileTemplate, renderTemplate, SCAN_FIELDS } from '../../src/report/template.js';
import { leaks } from '../helpers/fake-keys.js';
import { CTX, outcomeOf, sampleOutcome } from './report-fixture.js';

function errorOf(text: string): string {
  try {
    compileTemplate(text, '--template t.txt');
  } catch (error) {
    if (isKeyguardError(error)) return error.message;
    throw error;
  }
  throw new Error(`compiled: ${text}`);
}

describe('template output', () => {
  it('fills scan placeholders and repeats the findings section', () => {
    const { outcome, pairs } = sampleOutcome();
    const t = compileTemplate(
      '{{summary}} ({{findingCount}}, exit {{exitCode}})\n{{#findings}}{{index}}. {{ severity }} {{path}}:{{line}} {{redacted}}\n{{/findings}}-- {{toolVersion}}\n',
      't',
    );
    const text = renderTemplate(outcome, CTX, t);
    expect(leaks(text, pairs)).toEqual([]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('2 findings (1 high, 1 low) (2, exit 1)');
    expect(lines[1]).toMatch(/^1\. high config\/creds\.ini:2 AKIA\*+\w{4}$/);
    expect(lines[2]).toMatch(/^2\. low src\/app\.ts:1 AKIA\*+\w{4}$/);
    expect(lines[3]).toBe('-- 9.9.9');
  });

  it('every finding field and scan field is a placeholder', () => {
    const { outcome } = sampleOutcome();
    const all = `${SCAN_FIELDS.map((n) => `{{${n}}}`).join('|')}{{#findings}}${[...FINDING_FIELDS, 'index', ...SCAN_FIELDS].map((n) => `{{${n}}}`).join('|')}{{/findings}}`;
    expect(() => renderTemplate(outcome, CTX, compileTemplate(all, 't'))).not.toThrow();
  });

  it('filters write a value for the format around it; the default escapes control characters', () => {
    const f = sampleOutcome().outcome.findings[0] as Finding;
    const path = '=a "b"<c>&\x1b[2J\n{{summary}}';
    const outcome = outcomeOf([{ ...f, location: { ...f.location, path } }]);
    const out = (filter: string) =>
      renderTemplate(
        outcome,
        CTX,
        compileTemplate(`{{#findings}}{{path${filter}}}{{/findings}}`, 't'),
      );
    expect(out('')).toBe('=a "b"<c>&\\x1b[2J\\n{{summary}}');
    expect(JSON.parse(out(' | json'))).toBe(path);
    expect(out(' | html')).toBe('=a &quot;b&quot;&lt;c&gt;&amp;\\x1b[2J\\n{{summary}}');
    expect(out('|csv')).toBe(`"'=a ""b""<c>&\\x1b[2J\\n{{summary}}"`);
    expect(decodeURIComponent(out(' | url'))).toBe(path);
    // A value is never parsed again: the {{summary}} in the name is printed, not expanded.
    expect(out('')).toContain('{{summary}}');
  });

  it('a lone surrogate from a broken UTF-16 line is written as U+FFFD by every filter, never thrown', () => {
    const f = sampleOutcome().outcome.findings[0] as Finding;
    const outcome = outcomeOf([{ ...f, lineText: 'key = AKIA**** \ud800 x \udc00' }]);
    for (const filter of ['', ' | url', ' | json', ' | html', ' | csv']) {
      const t = compileTemplate(`{{#findings}}{{lineText${filter}}}{{/findings}}`, 't');
      const text = renderTemplate(outcome, CTX, t);
      const shown = filter === ' | url' ? decodeURIComponent(text) : text;
      expect(shown, filter).toMatch(/key = AKIA\*{4} (\ufffd|\\ud800|\ud800) x/);
    }
    const url = renderTemplate(
      outcome,
      CTX,
      compileTemplate('{{#findings}}{{lineText | url}}{{/findings}}', 't'),
    );
    expect(decodeURIComponent(url)).toBe('key = AKIA**** \ufffd x \ufffd');
  });

  it('names no code and no object: unknown placeholders, filters and sections are errors naming them', () => {
    expect(errorOf('a\n{{constructor}}')).toMatch(
      /^--template t\.txt: line 2: unknown placeholder 'constructor'/,
    );
    expect(errorOf('{{__proto__}}')).toContain("unknown placeholder '__proto__'");
    expect(errorOf('{{#findings}}{{path.constructor}}{{/findings}}')).toContain(
      "unknown placeholder 'path.constructor'",
    );
    expect(errorOf('{{path}}')).toContain('use it inside {{#findings}}');
    expect(errorOf('{{summary | toString}}')).toContain(
      "unknown filter 'toString' (known: json, html, xml, csv, url)",
    );
    expect(errorOf('{{summary | constructor}}')).toContain("unknown filter 'constructor'");
    expect(errorOf('{{#each}}{{/each}}')).toContain("unknown section '#each'");
    expect(errorOf('\n\n{{#findings}}x')).toBe(
      "--template t.txt: line 3: '{{#findings}}' is not closed by '{{/findings}}'",
    );
    expect(errorOf('{{/findings}}')).toContain("'{{/findings}}' without '{{#findings}}'");
    expect(errorOf('{{#findings}}{{#findings}}{{/findings}}{{/findings}}')).toContain('inside');
    expect(errorOf('ok {{summary')).toContain("'{{' is not closed");
    expect(errorOf('{{x\x1b[31m}}')).toContain("'x\\x1b[31m'");
  });

  it('a template without placeholders is printed as it is', () => {
    expect(renderTemplate(outcomeOf([]), CTX, compileTemplate('just text }} here\n', 't'))).toBe(
      'just text }} here\n',
    );
  });
});
