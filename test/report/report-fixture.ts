import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanOutcome } from '../../src/model/outcome.js';
import type { RenderContext } from '../../src/report/render-context.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { type FakePair, fakePair } from '../helpers/fake-keys.js';

export const PACK = compilePacks([{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }]);
export const CTX: RenderContext = {
  pack: PACK,
  toolVersion: '9.9.9',
  color: false,
  verbose: false,
};

/** Real findings from the engine for files of `path → text`. */
export function findingsOf(files: Readonly<Record<string, string>>): Finding[] {
  return Object.entries(files).flatMap(([path, text]) =>
    detectChunk({ source: 'tree', path, text }, PACK, EMPTY_ENGINE_ALLOWLIST),
  );
}

export function outcomeOf(
  findings: readonly Finding[],
  extra: Partial<ScanOutcome> = {},
): ScanOutcome {
  return {
    mode: 'tree',
    findings,
    suppressed: [],
    skipped: [],
    warnings: [],
    stats: { files: 1, bytes: 100, chunks: 1, durationMs: 5 },
    ...extra,
  };
}

export function credentials(p: FakePair): string {
  return `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

/** A pair in a credentials file and a lone key ID in code: a high and a low finding. */
export function sampleOutcome(): { outcome: ScanOutcome; pairs: FakePair[] } {
  const a = fakePair();
  const b = fakePair();
  const findings = findingsOf({
    'config/creds.ini': credentials(a),
    'src/app.ts': `const id = '${b.id}';\n`,
  });
  return { outcome: outcomeOf(findings), pairs: [a, b] };
}
