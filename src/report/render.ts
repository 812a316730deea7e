import type { ScanOutcome } from '../model/outcome.js';
import type { RenderContext } from './render-context.js';

export const FORMATS = [
  'human',
  'json',
  'sarif',
  'github',
  'markdown',
  'gitlab',
  'csv',
  'junit',
  'template',
] as const;
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
    case 'sarif':
      return (await import('./render-sarif.js')).renderSarif(outcome, ctx);
    case 'github':
      return (await import('./render-github.js')).renderGithub(outcome, ctx);
    case 'markdown':
      return (await import('./render-markdown.js')).renderMarkdown(outcome, ctx);
    case 'gitlab':
      return (await import('./render-gitlab.js')).renderGitlab(outcome, ctx);
    case 'csv':
      return (await import('./render-csv.js')).renderCsv(outcome, ctx);
    case 'junit':
      return (await import('./render-junit.js')).renderJunit(outcome, ctx);
    case 'template': {
      if (ctx.template === undefined) throw new Error('--format template without a template');
      return (await import('./template.js')).renderTemplate(outcome, ctx, ctx.template);
    }
  }
}
