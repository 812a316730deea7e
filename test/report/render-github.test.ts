import { describe, expect, it } from 'vitest';
import { annotationLevel, renderGithub } from '../../src/report/render-github.js';
import {
  escapeCommandData,
  escapeCommandProperty,
  workflowCommand,
} from '../../src/report/workflow-command.js';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { CTX, credentials, findingsOf, outcomeOf, sampleOutcome } from './report-fixture.js';

describe('workflow command escaping', () => {
  it('escapes % CR LF in data, and : , too in properties, like the toolkit', () => {
    expect(escapeCommandData('50% a\r\nb: c, d')).toBe('50%25 a%0D%0Ab: c, d');
    expect(escapeCommandProperty('50% a\r\nb: c, d')).toBe('50%25 a%0D%0Ab%3A c%2C d');
    expect(workflowCommand('error', { file: 'a,b:c.txt', line: 3, col: undefined }, 'x\ny')).toBe(
      '::error file=a%2Cb%3Ac.txt,line=3::x%0Ay',
    );
    expect(workflowCommand('warning', {}, 'plain')).toBe('::warning::plain');
  });
});

describe('renderGithub', () => {
  it('writes one annotation per finding with file, line, col, endLine and title', () => {
    const { outcome, pairs } = sampleOutcome();
    const text = renderGithub(outcome, CTX);
    expect(leaks(text, pairs)).toEqual([]);
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(
      /^::error file=config\/creds\.ini,line=2,endLine=2,col=21,endColumn=41,title=AWS access key pair \[aws-access-key-pair\]::AKIA\*+\w{4} \(high\)%0Apaired with \*+\w{4} at config\/creds\.ini:3(%0AAWS account \d{12})?%0AFix: /,
    );
    expect(lines[1]).toMatch(/^::warning file=src\/app\.ts,line=1,/);
  });

  it('puts the most severe first (GitHub shows only ten of each level)', () => {
    const p = fakePair();
    const q = fakePair();
    const findings = findingsOf({ 'a.ts': `x = '${q.id}'\n`, 'z.ini': credentials(p) });
    expect(findings.map((f) => f.location.path)).toEqual(['a.ts', 'z.ini']);
    const files = renderGithub(outcomeOf(findings), CTX)
      .trimEnd()
      .split('\n')
      .map((l) => /file=([^,]+)/.exec(l)?.[1]);
    expect(files).toEqual(['z.ini', 'a.ts']);
  });

  it('escapes paths with commas and colons so the runner parses them', () => {
    const p = fakePair();
    const text = renderGithub(outcomeOf(findingsOf({ 'a,b:c.ini': credentials(p) })), CTX);
    expect(text).toContain('file=a%2Cb%3Ac.ini,');
  });

  it('shows control characters in file names as escapes, in every annotation', () => {
    const p = fakePair();
    const q = fakePair();
    // A title sequence, a screen clear and a colour, in a name git and the disk both allow.
    const name = 'evil\u001b]0;owned\u0007\u001b[2J\u009b31mred.env';
    const findings = findingsOf({ [name]: credentials(p), [`${name}.ts`]: `x = '${q.id}'\n` });
    expect(findings).toHaveLength(2);
    const text = renderGithub(
      outcomeOf(findings, {
        staleBaseline: [{ ruleId: 'aws-access-key-id', path: name, secretHash: 'a'.repeat(64) }],
      }),
      CTX,
    );
    const raw = [...text].filter((c) => {
      const code = c.charCodeAt(0);
      return (code < 0x20 && c !== '\n') || (code >= 0x7f && code <= 0x9f);
    });
    expect(raw).toEqual([]);
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(text).toContain('file=evil\\x1b]0;owned\\x07\\x1b[2J\\x9b31mred.env,');
    expect(leaks(text, [p, q])).toEqual([]);
    // CR and LF keep the toolkit's escapes, which the runner decodes back to the file's name.
    expect(workflowCommand('error', { file: 'a\r\n\u001bb' }, 'm')).toBe(
      '::error file=a%0D%0A\\x1bb::m',
    );
  });

  it('maps severities to annotation levels', () => {
    expect(annotationLevel('critical')).toBe('error');
    expect(annotationLevel('high')).toBe('error');
    expect(annotationLevel('medium')).toBe('error');
    expect(annotationLevel('low')).toBe('warning');
    expect(annotationLevel('info')).toBe('notice');
  });

  it('warns about stale baseline entries and scan warnings; prints nothing when clean', () => {
    expect(renderGithub(outcomeOf([]), CTX)).toBe('');
    const text = renderGithub(
      outcomeOf([], {
        staleBaseline: [
          { ruleId: 'aws-access-key-id', path: 'old.txt', secretHash: 'a'.repeat(64) },
        ],
        warnings: [{ code: 'CONFIG', message: 'allowlist entry expired: x' }],
      }),
      CTX,
    );
    expect(text).toContain(
      '::warning file=old.txt,title=Stale keyguard baseline entry::aws-access-key-id in old.txt',
    );
    expect(text).toContain(
      '::warning title=keyguard::allowlist entry expired%3A x'.replace('%3A', ':'),
    );
  });
});
