import { describe, expect, it } from 'vitest';
import { remediationFor } from '../../src/report/remediation.js';
import { renderSarif, SARIF_FINGERPRINT_KEY, sarifLevel } from '../../src/report/render-sarif.js';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { CTX, credentials, findingsOf, outcomeOf, sampleOutcome } from './report-fixture.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
  relatedLocations?: { id: number; physicalLocation: { region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
}

interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules: {
          id: string;
          help: { text: string; markdown: string };
          properties: { 'security-severity': string; tags: string[] };
          defaultConfiguration: { level: string };
        }[];
      };
    };
    results: SarifResult[];
  }[];
}

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

describe('renderSarif', () => {
  it('is valid SARIF 2.1.0 against the official schema, with and without results', () => {
    const { outcome } = sampleOutcome();
    for (const o of [outcome, outcomeOf([]), outcomeOf([], { mode: 'stdin' })])
      expect(sarifErrors(JSON.parse(renderSarif(o, CTX)))).toEqual([]);
  });

  it('rejects an invalid log (the schema check can fail)', () => {
    const log = JSON.parse(renderSarif(sampleOutcome().outcome, CTX));
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(sarifErrors(log)).not.toEqual([]);
  });

  it('lists every rule of the pack with Markdown help and a security-severity per severity', () => {
    const log = parse(renderSarif(outcomeOf([]), CTX));
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual([...CTX.pack.byId.keys()]);
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('aws-access-key-pair')?.properties['security-severity']).toBe('8.0');
    expect(byId.get('aws-access-key-pair')?.defaultConfiguration.level).toBe('error');
    expect(byId.get('aws-access-key-id')?.properties['security-severity']).toBe('3.0');
    expect(byId.get('aws-secret-access-key')?.properties['security-severity']).toBe('5.5');
    const pair = byId.get('aws-access-key-pair');
    // The full guidance of remediation.ts for the rule's situation.
    expect(pair?.help.markdown).toContain(remediationFor('long-term-pair').markdown.trimEnd());
    expect(byId.get('aws-temporary-credential-pair')?.help.markdown).toContain(
      remediationFor('temporary-pair').markdown.trimEnd(),
    );
    // Without it, the rule's own remediation and references.
    const plain = parse(renderSarif(outcomeOf([]), CTX, () => undefined)).runs[0]?.tool.driver
      .rules;
    const plainPair = plain?.find((r) => r.id === 'aws-access-key-pair');
    expect(plainPair?.help.markdown).toContain('**How to fix**');
    expect(plainPair?.help.markdown).toContain(
      CTX.pack.byId.get('aws-access-key-pair')?.references?.[0] ?? 'no reference',
    );
    expect(pair?.help.text).toContain('Fix:');
    expect(pair?.properties.tags).toContain('security');
  });

  it('maps severities to levels', () => {
    expect(sarifLevel('critical')).toBe('error');
    expect(sarifLevel('high')).toBe('error');
    expect(sarifLevel('medium')).toBe('warning');
    expect(sarifLevel('low')).toBe('note');
    expect(sarifLevel('info')).toBe('note');
  });

  it('gives each result its location, partner as a related location, and redacted text only', () => {
    const { outcome, pairs } = sampleOutcome();
    const text = renderSarif(outcome, CTX);
    expect(leaks(text, pairs)).toEqual([]);
    const results = parse(text).runs[0]?.results ?? [];
    const pair = results.find((r) => r.ruleId === 'aws-access-key-pair');
    expect(pair?.level).toBe('error');
    expect(pair?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('config/creds.ini');
    expect(pair?.locations[0]?.physicalLocation.region).toMatchObject({
      startLine: 2,
      startColumn: 21,
      endLine: 2,
      endColumn: 41,
    });
    expect(pair?.relatedLocations?.[0]?.physicalLocation.region.startLine).toBe(3);
    expect(pair?.message.text).toContain('](1)');
    expect(pair?.message.text).toMatch(/^AWS access key pair: AKIA\*+/);
    const lone = results.find((r) => r.ruleId === 'aws-access-key-id');
    expect(lone?.level).toBe('note');
    expect(lone?.relatedLocations).toBeUndefined();
    const rules = parse(text).runs[0]?.tool.driver.rules ?? [];
    for (const r of results) expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
  });

  it('keeps partialFingerprints when lines move, changes them for another secret', () => {
    const p = fakePair();
    const q = fakePair();
    const fp = (text: string) =>
      (
        parse(renderSarif(outcomeOf(findingsOf({ 'a.ini': text })), CTX)).runs[0]?.results ?? []
      ).map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY]);
    const before = fp(credentials(p));
    const moved = fp(`# a comment\n\n\n${credentials(p)}`);
    expect(before.length).toBe(1);
    expect(moved).toEqual(before);
    expect(fp(credentials(q))).not.toEqual(before);
  });

  it('keeps two occurrences of one secret in one file apart', () => {
    const p = fakePair();
    const results =
      parse(
        renderSarif(
          outcomeOf(findingsOf({ 'a.ts': `x = '${p.id}'\n\n\n\n\n\n\n\n\n\ny = '${p.id}'\n` })),
          CTX,
        ),
      ).runs[0]?.results ?? [];
    expect(results.length).toBe(2);
    const keys = results.map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY]);
    expect(new Set(keys).size).toBe(2);
  });

  it('percent-encodes paths that are not URI references', () => {
    const p = fakePair();
    const text = renderSarif(
      outcomeOf(findingsOf({ 'dir with space/<x>.env': credentials(p) })),
      CTX,
    );
    const uri =
      parse(text).runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri;
    expect(uri).toBe('dir%20with%20space/%3Cx%3E.env');
  });
});
