import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { csvCell } from '../../src/report/csv-cell.js';
import { FINDING_FIELDS } from '../../src/report/finding-fields.js';
import { renderCsv } from '../../src/report/render-csv.js';
import { leaks } from '../helpers/fake-keys.js';
import { CTX, outcomeOf, sampleOutcome } from './report-fixture.js';

/** RFC 4180 records, parsed strictly: a quote inside an unquoted field is an error. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${text[i]} at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`junk after a field at ${i}`);
  }
  if (row.length > 0) throw new Error('last record has no CRLF');
  return rows;
}

describe('csvCell', () => {
  it('quotes what RFC 4180 says must be quoted, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });

  it('neutralises every cell a spreadsheet would run as a formula', () => {
    for (const hostile of [
      '=HYPERLINK("http://evil","x")',
      '+1+cmd|" /C calc"!A0',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '  =1',
      '\uff1d1+1',
    ]) {
      const cell = parseCsv(`${csvCell(hostile)}\r\n`)[0]?.[0] ?? '';
      expect(cell.startsWith("'"), hostile).toBe(true);
      expect(cell).not.toMatch(/[\t\r\n]/);
    }
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('never lets a cell span lines or carry a terminal escape', () => {
    const cell = csvCell('a\nb\x1b[31mc\u202e');
    expect(cell).toBe('a\\nb\\x1b[31mc\\u202e');
  });
});

describe('renderCsv', () => {
  it('a header row, then one row per finding with every field, redacted', () => {
    const { outcome, pairs } = sampleOutcome();
    const text = renderCsv(outcome, CTX);
    expect(leaks(text, pairs)).toEqual([]);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...FINDING_FIELDS]);
    expect(rows.length).toBe(1 + outcome.findings.length);
    const byName = (row: string[]) => Object.fromEntries(FINDING_FIELDS.map((k, i) => [k, row[i]]));
    const first = byName(rows[1] ?? []);
    expect(first).toMatchObject({
      severity: 'high',
      ruleId: 'aws-access-key-pair',
      path: 'config/creds.ini',
      line: '2',
      failing: 'yes',
    });
    expect(first.redacted).toMatch(/^AKIA\*+\w{4}$/);
    expect(first.remediation).not.toBe('');
    expect(byName(rows[2] ?? [])).toMatchObject({ path: 'src/app.ts', severity: 'low' });
  });

  it('a hostile file name stays one cell, neutralised', () => {
    const { outcome } = sampleOutcome();
    const f = outcome.findings[0] as Finding;
    const path = '=cmd|"/C calc"!A0,\n@x';
    const hostile = { ...f, location: { ...f.location, path } };
    const rows = parseCsv(renderCsv(outcomeOf([hostile]), CTX));
    const cell = rows[1]?.[FINDING_FIELDS.indexOf('path')];
    expect(cell).toBe(`'=cmd|"/C calc"!A0,\\n@x`);
    expect(rows[1]?.length).toBe(FINDING_FIELDS.length);
  });

  it('says how a key inside encoded text was decoded', () => {
    const { outcome } = sampleOutcome();
    const f = outcome.findings[0] as Finding;
    const rows = parseCsv(renderCsv(outcomeOf([{ ...f, decoded: 'base64 → url' }]), CTX));
    expect(rows[1]?.[FINDING_FIELDS.indexOf('decoded')]).toBe('base64 → url');
  });

  it('a clean scan is the header alone', () => {
    expect(renderCsv(outcomeOf([]), CTX)).toBe(`${FINDING_FIELDS.join(',')}\r\n`);
  });
});
