import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { nameMasker } from '../../src/filters/name-masker.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { PACK } from '../engine/scan-text.js';
import { fakePair } from '../helpers/fake-keys.js';

describe('nameMasker', () => {
  it('hides what the engine found in a name wherever the name is quoted, and key IDs anywhere', () => {
    const { id } = fakePair();
    // Letters and slashes only: the engine finds it, the heuristic alone would not.
    const raw = fakePair().secret.replace(/[0-9+/]/g, 'k');
    const secret = `${raw.slice(0, 20)}/${raw.slice(21)}`;
    const name = `${id}/aws_secret_access_key=${secret}`;
    const found = detectChunk(
      { source: 'tree', path: name, text: name, name: true },
      PACK,
      EMPTY_ENGINE_ALLOWLIST,
    );
    expect(found.map((f) => f.ruleId)).toEqual(['aws-access-key-pair']);
    const show = nameMasker(found);
    const masked = `${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}/aws_secret_access_key=${'*'.repeat(36)}${secret.slice(-4)}`;
    expect(show(name)).toBe(masked);
    expect(show(`${name}!inner.env`)).toBe(`${masked}!inner.env`);
    expect(show(`pre-push: refs/heads/main, ${name}`)).toBe(`pre-push: refs/heads/main, ${masked}`);
    // With nothing found in names: the heuristic alone, ordinary text as it is.
    const other = fakePair().id;
    expect(nameMasker([])(`src/${other}.txt`)).toBe(
      `src/${other.slice(0, 4)}${'*'.repeat(12)}${other.slice(-4)}.txt`,
    );
    expect(nameMasker(found)('src/main/java/com/example/UserService.java')).toBe(
      'src/main/java/com/example/UserService.java',
    );
  });
});
