import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import type { RuleSpec } from '../../src/model/rule.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import {
  createRandom,
  expandPlaceholders,
  fakeKeyId,
  fakeSecret,
} from '../../src/rules/expand-placeholders.js';
import { loadRulePack } from '../../src/rules/load-pack.js';

const RULES = BUILTIN_PACK.rules;
// Every rule on, disabled ones included, so their examples are checked too.
const PACK = compilePacks([{ spec: BUILTIN_PACK, file: 'rules/aws.json' }], {
  enable: RULES.map((r) => r.id),
});
const PAIRS = RULES.filter((r) => r.kind === 'pair');

function scan(example: string): Finding[] {
  const text = expandPlaceholders(example, 17);
  return detectChunk({ source: 'tree', path: 'example.txt', text }, PACK, EMPTY_ENGINE_ALLOWLIST);
}

/** Non-allowlisted findings that are this rule's: its own id, or a pair rule built on it. */
function findingsOf(rule: RuleSpec, findings: readonly Finding[]): Finding[] {
  const pairIds = new Set(
    PAIRS.filter((p) => p.pairing?.keyId === rule.id || p.pairing?.secret === rule.id).map(
      (p) => p.id,
    ),
  );
  return findings.filter(
    (f) => f.allowedBy === undefined && (f.ruleId === rule.id || pairIds.has(f.ruleId)),
  );
}

describe('built-in rule pack', () => {
  it('validates against the rule-pack schema', async () => {
    const file = fileURLToPath(new URL('../../rules/aws.json', import.meta.url));
    await expect(loadRulePack(file)).resolves.toMatchObject({ name: BUILTIN_PACK.name });
  });

  it('has unique ids and pair rules that point at existing rules of the right kinds', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const kindOf = new Map(RULES.map((r) => [r.id, r.kind]));
    for (const p of PAIRS) {
      expect(kindOf.get(p.pairing?.keyId ?? ''), p.id).toBe('key-id');
      expect(kindOf.get(p.pairing?.secret ?? ''), p.id).toBe('secret');
    }
  });

  it('gives every detecting rule a pattern whose secret group exists, keywords and examples', () => {
    for (const rule of RULES.filter((r) => r.kind !== 'pair')) {
      expect(rule.pattern, rule.id).toBeDefined();
      expect(rule.keywords?.length, rule.id).toBeGreaterThan(0);
      const groups = new RegExp(`${rule.pattern}|`, 'd').exec('')?.length ?? 0;
      expect(groups - 1, rule.id).toBeGreaterThanOrEqual(rule.secretGroup ?? 1);
      expect(rule.examples.match.length + rule.examples.noMatch.length, rule.id).toBeGreaterThan(1);
    }
  });

  it('holds no key-shaped literal except documented AWS examples', () => {
    const text = JSON.stringify(BUILTIN_PACK);
    const ids = text.match(/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g) ?? [];
    expect(
      ids.every((id) => id.endsWith('EXAMPLE') || /(.)\1{7}|ABCDEF|QWERTY|PACIFIC/.test(id)),
    ).toBe(true);
  });

  // Placeholder words must not catch real values: each hit here is a real key never reported.
  it('lets generated key IDs and secrets through the built-in allowlist', () => {
    const random = createRandom(31337);
    const allowed = (v: string) =>
      PACK.builtinAllow.values.has(v) || PACK.builtinAllow.patterns.some((p) => p.regex.test(v));
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      if (allowed(fakeKeyId(random, 'AKIA'))) hits++;
      if (allowed(fakeSecret(random))) hits++;
    }
    expect(hits).toBeLessThanOrEqual(4);
  });

  const matches = RULES.flatMap((rule) =>
    rule.examples.match.map((example) => ({ rule, example })),
  );
  it.each(matches)('$rule.id matches $example', ({ rule, example }) => {
    expect(findingsOf(rule, scan(example)).map((f) => f.ruleId)).not.toEqual([]);
  });

  const noMatches = RULES.flatMap((rule) =>
    rule.examples.noMatch.map((example) => ({ rule, example })),
  );
  it.each(noMatches)('$rule.id does not match $example', ({ rule, example }) => {
    expect(findingsOf(rule, scan(example)).map((f) => f.ruleId)).toEqual([]);
  });
});
