import { createRandom, fakeKeyId, fakeSecret } from '../../src/rules/expand-placeholders.js';

export interface FakePair {
  readonly id: string;
  readonly secret: string;
}

let seed = 4242;

/** A fresh, format-valid fake key pair; generated at test time so the repository holds none. */
export function fakePair(prefix = 'AKIA'): FakePair {
  const random = createRandom(seed++);
  return { id: fakeKeyId(random, prefix), secret: fakeSecret(random) };
}

/** Asserts-ready check: no raw value of `pairs` occurs in `text`. */
export function leaks(text: string, pairs: readonly FakePair[]): string[] {
  return pairs.flatMap((p) => [p.id, p.secret]).filter((v) => text.includes(v));
}
