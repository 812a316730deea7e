import type { ScanOutcome } from '../model/outcome.js';
import type { RenderContext } from './render-context.js';

export const FORMATS = ['human', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** Loads only the reporter asked for: start-up never pays for the others. */
export async function render(
  format: Format,
  outcome: ScanOutcome,
  ctx: RenderContext,
): Promise<string> {
  switch (format) {
    case 'human':
      return (await import('./render-human.js')).renderHuman(outcome, ctx);
    case 'json':
      return (await import('./render-json.js')).renderJson(outcome, ctx);
  }
}
