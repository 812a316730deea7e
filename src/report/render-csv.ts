import type { ScanOutcome } from '../model/outcome.js';
import { csvCell } from './csv-cell.js';
import { FINDING_FIELDS, findingFields } from './finding-fields.js';
import { verdictOf } from './headline.js';
import type { RenderContext } from './render-context.js';

/**
 * One row per finding under a header row (the columns are FINDING_FIELDS), CRLF line ends as RFC
 * 4180 says; every cell goes through `csvCell`, so a hostile file name cannot become a formula.
 * A clean scan is the header alone.
 */
export function renderCsv(outcome: ScanOutcome, ctx: RenderContext): string {
  const failOn = verdictOf(outcome).failOn;
  const rows = [FINDING_FIELDS.join(',')];
  for (const f of outcome.findings) {
    const fields = findingFields(f, ctx.pack, failOn);
    rows.push(FINDING_FIELDS.map((k) => csvCell(fields[k])).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}
