import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packByteFilter } from '../../src/app/create-scan-setup.js';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { expandPlaceholdersWithValues } from '../../src/rules/expand-placeholders.js';
import { ContentReader } from '../../src/sources/content-reader.js';

/**
 * The detection corpus: fixtures/corpus/<ng|ok>.<case>/input.<ext> + expected.json (see the
 * corpus README). Shared by the corpus test and the scoring script.
 */
export interface Expected {
  readonly ruleId: string;
  readonly line: number;
  readonly column: number;
  readonly partnerLine?: number;
}

/** How an expanded input becomes bytes: UTF-8 text (default), UTF-16, or bytes as Latin-1. */
export type CaseEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

export interface CorpusCase {
  readonly name: string;
  readonly file: string;
  readonly input: string;
  readonly expected: readonly Expected[];
  /** What the case measures (`core` unless its expected.json says otherwise). */
  readonly category: string;
  readonly encoding: CaseEncoding;
}

export const CORPUS_ROOT = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));

/** The built-in pack as the CLI compiles it by default. */
const PACK = compilePacks([{ spec: BUILTIN_PACK, file: 'rules/aws.json' }]);

export function corpusCases(): string[] {
  return readdirSync(CORPUS_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function loadCase(name: string): CorpusCase {
  const dir = `${CORPUS_ROOT}${name}/`;
  const file = readdirSync(dir).find((f) => f !== 'expected.json');
  if (file === undefined) throw new Error(`${name}: no input file`);
  const parsed = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as
    | Expected[]
    | { findings: Expected[]; category?: string; encoding?: CaseEncoding };
  const meta = Array.isArray(parsed) ? { findings: parsed } : parsed;
  const encoding = meta.encoding ?? 'utf-8';
  return {
    name,
    file,
    input: readFileSync(`${dir}${file}`, encoding === 'latin1' ? 'latin1' : 'utf8'),
    expected: meta.findings,
    category: meta.category ?? 'core',
    encoding,
  };
}

function toBytes(text: string, encoding: CaseEncoding): Buffer {
  switch (encoding) {
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.from(text, 'utf16le').swap16();
    default:
      return Buffer.from(text, 'utf8');
  }
}

export interface ScannedCase {
  readonly bytes: Buffer;
  /** Every generated raw value, for leak checks. */
  readonly values: readonly string[];
  readonly findings: readonly Finding[];
}

/**
 * Expands a case with one seed and scans its bytes the way every mode does: through the reader
 * (the byte-level prefilter, every text view) and the engine.
 */
export function scanCase(c: CorpusCase, seed: number): ScannedCase {
  const { text, values } = expandPlaceholdersWithValues(c.input, seed);
  const bytes = toBytes(text, c.encoding);
  const reader = new ContentReader({ source: 'tree', filter: packByteFilter(PACK) });
  const findings: Finding[] = [];
  reader.readText(
    bytes,
    { path: `${c.name}/${c.file}` },
    {
      chunk: (chunk) => {
        for (const f of detectChunk(chunk, PACK, EMPTY_ENGINE_ALLOWLIST)) findings.push(f);
      },
      skip: () => undefined,
      read: () => undefined,
    },
  );
  return { bytes, values, findings };
}

/** Seeds differ per case and round, so a pass does not hang on one lucky set of fake values. */
export function seedOf(name: string, round: number): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h ^ round) >>> 0;
}

export function findingKey(f: Expected): string {
  return `${f.ruleId}@${f.line}:${f.column}${f.partnerLine === undefined ? '' : `~${f.partnerLine}`}`;
}

export function shape(f: Finding): Expected {
  return {
    ruleId: f.ruleId,
    line: f.location.line,
    column: f.location.column,
    ...(f.partner === undefined ? {} : { partnerLine: f.partner.line }),
  };
}
