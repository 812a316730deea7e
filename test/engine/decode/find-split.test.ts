import { describe, expect, it } from 'vitest';
import { findSplitRuns, MAX_PIECES } from '../../../src/engine/decode/find-split.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../../src/rules/expand-placeholders.js';
import { scanText } from '../scan-text.js';

const random = createRandom(313);
const ID = fakeKeyId(random, 'AKIA');
const SECRET = fakeSecret(random);
const [ID0, ID1] = [ID.slice(0, 4), ID.slice(4)];
const [S0, S1] = [SECRET.slice(0, 20), SECRET.slice(20)];

/** The runs of `text` with the prefixes and labels the engine's own scan would hand over. */
function runs(text: string) {
  const prefixes = [...text.matchAll(/AKIA|ASIA|ABIA|ACCA/g)].map((m) => ({
    at: m.index,
    length: 4,
  }));
  const labels = [...text.matchAll(/cret|_key|_KEY/g)].map((m) => m.index);
  return findSplitRuns(text, prefixes, labels, []);
}

describe('findSplitRuns', () => {
  it.each([
    ['plus', `k = "${ID0}" + "${ID1}";`],
    ['plus over a line break', `k = "${ID0}" +\n    "${ID1}";`],
    ['adjacent (Python, C)', `k = ("${ID0}"\n     "${ID1}")`],
    ['adjacent (shell)', `K='${ID0}'"${ID1}"`],
    ['line continuation', `K = "${ID0}" \\\n  "${ID1}"`],
    ['PHP dot', `$k = '${ID0}' . '${ID1}';`],
    ['Lua', `local k = "${ID0}" .. "${ID1}"`],
    ['VB', `k = "${ID0}" & "${ID1}"`],
    ['SQL', `SELECT '${ID0}' || '${ID1}'`],
    ['PHP implode', `$k = implode("", ["${ID0}", "${ID1}"]);`],
    ['Java String.join', `k = String.join("", "${ID0}", "${ID1}");`],
    ['C# verbatim', `k = @"${ID0}" + @"${ID1}";`],
    ['template', `k = \`${ID0}\${"${ID1}"}\``],
    ['array join', `k = ["${ID0}", "${ID1}"].join("")`],
    ['Python join', `k = "".join(["${ID0}", "${ID1}"])`],
    ['Go join', `k := strings.Join([]string{"${ID0}", "${ID1}"}, "")`],
    ['Rust concat!', `const K: &str = concat!("${ID0}", "${ID1}");`],
    ['YAML folded', `a:\n  k: >-\n    ${ID.slice(0, 8)}\n    ${ID.slice(8)}\n`],
    ['YAML plain', `a:\n  k: ${ID.slice(0, 8)}\n    ${ID.slice(8)}\n`],
  ])('%s', (_, text) => {
    const found = runs(text);
    expect(found.map((r) => r.text)).toEqual([ID]);
    const run = found[0];
    // The run starts at the first piece's value and is marked as assembled, not decoded.
    expect(run?.start).toBe(text.indexOf(ID0));
    expect(run?.assembled).toBe(true);
    expect(run?.how).toBe('concatenated');
  });

  it.each([
    ['a variable', `k = "AKIA" + userInput;`],
    ['a joined list with a separator', `k = ["${ID0}", "${ID1}"].join("-")`],
    ['call arguments', `check("${ID0}", "${ID1}")`],
    ['an array', `k = ["${ID0}", "${ID1}"]`],
    ['a compound assignment', `k = "${ID0}"; k += "${ID1}"`],
    ['a template with an expression', `k = \`${ID0}\${rest}\``],
    ['words after the prefix', `echo "AKIA" "is a prefix"`],
    ['YAML prose', `a:\n  k: AKIA\n    is a prefix\n`],
    ['a whole key', `k = "${ID}" + "x"`],
  ])('nothing for %s', (_, text) => {
    expect(runs(text)).toEqual([]);
  });

  it('secrets: after a label or a key ID, joined to exactly 40 characters', () => {
    const labelled = `aws_secret_access_key = "${S0}" + "${S1}"`;
    expect(runs(labelled).map((r) => r.text)).toEqual([SECRET]);
    const positional = `f("${ID0}" + "${ID1}", "${S0}" +\n "${S1}", "")`;
    expect(runs(positional).map((r) => r.text)).toEqual([ID, SECRET]);
    // 39 or 41 characters are no AWS secret.
    expect(runs(`aws_secret_access_key = "${S0}" + "${S1.slice(1)}"`)).toEqual([]);
    expect(runs(`aws_secret_access_key = "${S0}x" + "${S1}"`)).toEqual([]);
    // No label, no key ID: pieces of 40 characters are not looked at.
    expect(runs(`value = "${S0}" + "${S1}"`)).toEqual([]);
  });

  it('is bounded: too many pieces, too far apart', () => {
    const many = Array.from({ length: MAX_PIECES + 1 }, (_, i) =>
      i === 0 ? '"AKIA"' : `"${ID1.charAt(i % ID1.length)}"`,
    ).join(' + ');
    expect(runs(`k = ${many}`)).toEqual([]);
    expect(runs(`k = "${ID0}" +${' '.repeat(700)}"${ID1}"`)).toEqual([]);
    expect(runs(`k = "${ID0}" +${'\n'.repeat(20)}"${ID1}"`)).toEqual([]);
  });

  it('stays linear on hostile input', () => {
    // Each case takes well under a second; a quadratic search would take minutes.
    const lines = [
      `"AKIA" + `.repeat(200_000),
      `"AKIA""`.repeat(200_000),
      `aws_secret_access_key = "${S0}" + `.repeat(50_000),
      `k: AKIA\n${'  A\n'.repeat(100_000)}`,
      `\`AKIA\${"A"}`.repeat(100_000),
      `["AKIA", `.repeat(100_000),
    ];
    for (const text of lines) expect(Array.isArray(runs(text))).toBe(true);
  }, 60_000);
});

describe('split keys through the engine', () => {
  it('reports the pair at the first piece, assembled, with every piece masked', () => {
    const { findings, values } = scanText(
      `creds = NewStaticCredentials("{{AKIA|slice:0:4}}" + "{{AKIA|slice:4}}", "{{SECRET|slice:0:20}}" + "{{SECRET|slice:20}}", "")\n`,
    );
    expect(findings.map((f) => [f.ruleId, f.location.column, f.assembled])).toEqual([
      ['aws-access-key-pair', 31, 'concatenated'],
    ]);
    const f = findings[0];
    expect(f?.decoded).toBeUndefined();
    for (const v of values)
      for (let i = 0; i + 8 <= v.length; i++) expect(f?.lineText).not.toContain(v.slice(i, i + 8));
  });

  it('applies the example allowlists to the joined value', () => {
    const { reported, findings } = scanText(
      'a = "AKIAIOSFODNN" + "7EXAMPLE"\nb = "AKIA" + "XXXXXXXXXXXXXXXX"\n',
    );
    expect(reported).toEqual([]);
    expect(findings.every((f) => f.allowedBy?.by === 'builtin')).toBe(true);
  });
});

describe('split keys on hostile input, through the engine', () => {
  it('20,000 split keys on one line, and a megabyte of prefixes joined to nothing', () => {
    const unit = `k="${ID0}"+"${ID1}"; `;
    const many = scanText(unit.repeat(20_000));
    expect(many.findings.length).toBe(20_000);
    expect(many.findings[1]?.location.column).toBe(unit.length + 4);
    const none = scanText(
      `${'"AKIA" + '.repeat(120_000)}\n${'aws_secret = "AKIA" "'.repeat(50_000)}`,
    );
    expect(none.findings).toEqual([]);
  }, 60_000);
});
