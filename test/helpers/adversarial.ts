import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { FORMATS as ALL_FORMATS } from '../../src/report/render.js';
import { type FakePair, fakePair } from './fake-keys.js';

/** Every report format the CLI has but the template one, which needs a template file (test/helpers/every-format.ts runs it with every field). */
export const FORMATS = ALL_FORMATS.filter(
  (f): f is Exclude<(typeof ALL_FORMATS)[number], 'template'> => f !== 'template',
);

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A credentials-file body for a planted pair. */
export function credentials(p: FakePair): string {
  return `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

/** A fresh pair and its credentials-file body. */
export function planted(prefix = 'AKIA'): { pair: FakePair; text: string } {
  const pair = fakePair(prefix);
  return { pair, text: credentials(pair) };
}

const sha256 = (v: string): string => createHash('sha256').update(v).digest('hex');

/**
 * What of a planted value an output gives away: the value itself, any 10-character piece of it
 * (redacted forms keep four), and a key ID's plain SHA-256 (reversible: see no-raw-output.test.ts).
 */
export function leaksOf(text: string, values: readonly string[]): string[] {
  const found: string[] = [];
  for (const v of values) {
    for (let i = 0; i + 10 <= v.length; i++) {
      if (text.includes(v.slice(i, i + 10))) {
        found.push(`${v.slice(0, 4)}… (piece at ${i})`);
        break;
      }
    }
    if (/^A[A-Z0-9]{19}$/.test(v) && text.includes(sha256(v).slice(0, 16)))
      found.push(`sha256 of ${v.slice(0, 4)}…`);
  }
  return found;
}

/** The raw values of planted pairs. */
export function valuesOf(pairs: readonly FakePair[]): string[] {
  return pairs.flatMap((p) => [p.id, p.secret]);
}

/** Asserts no output of `runs` gives a planted value away. */
export function expectNoLeak(
  runs: readonly Ran[] | Ran,
  pairs: readonly FakePair[],
  what = 'output',
): void {
  const list = Array.isArray(runs) ? runs : [runs as Ran];
  const text = list.map((r) => `${r.stdout}\n${r.stderr}`).join('\n');
  expect(leaksOf(text, valuesOf(pairs)), `${what} gives a planted value away`).toEqual([]);
}

/** Runs `args` once per format (`--format X` appended) and returns each run. */
export function everyFormat(
  run: (args: readonly string[]) => Ran,
  args: readonly string[],
): { format: string; ran: Ran }[] {
  return FORMATS.map((format) => ({ format, ran: run([...args, '--format', format]) }));
}

/** Milliseconds `fn` took, and its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}
