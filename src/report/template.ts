import { KeyguardError } from '../model/errors.js';
import type { ScanOutcome } from '../model/outcome.js';
import { csvCell } from './csv-cell.js';
import { escapeControl } from './escape-control.js';
import { FINDING_FIELDS, findingFields } from './finding-fields.js';
import { headline, scanSubject, verdictOf } from './headline.js';
import type { RenderContext } from './render-context.js';
import { wellFormed } from './well-formed.js';
import { xmlText } from './xml-text.js';

/** Placeholders anywhere in a template: the scan as a whole. */
export const SCAN_FIELDS = [
  'summary',
  'exitCode',
  'reason',
  'failOn',
  'findingCount',
  'failingCount',
  'files',
  'bytes',
  'commits',
  'durationMs',
  'mode',
  'scannedFor',
  'suppressed',
  'skipped',
  'stale',
  'toolVersion',
] as const;

/** How a value is written: escaped for a terminal (the default), or for the format around it. */
const FILTERS: Readonly<Record<string, (value: string) => string>> = {
  json: (v) => JSON.stringify(v),
  html: xmlText,
  xml: xmlText,
  csv: csvCell,
  // A lone surrogate (a UTF-16 file's broken pair) would make encodeURIComponent throw: U+FFFD.
  url: (v) => encodeURIComponent(wellFormed(v)),
};

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly name: string; readonly filters: readonly string[] }
  | { readonly kind: 'findings'; readonly body: readonly Node[] };

/** A parsed `--template` file: only the placeholders and filters listed here exist. */
export interface CompiledTemplate {
  readonly nodes: readonly Node[];
}

const SCAN_NAMES: ReadonlySet<string> = new Set(SCAN_FIELDS);
const FINDING_NAMES: ReadonlySet<string> = new Set([...FINDING_FIELDS, 'index']);

function fail(label: string, line: number, what: string): never {
  throw new KeyguardError('USAGE', `${label}: line ${line}: ${what}`);
}

/**
 * Parses a template: text with `{{name}}`, `{{name | filter}}`, and one section,
 * `{{#findings}}…{{/findings}}`, repeated per finding. Nothing is evaluated: names are looked up
 * in fixed lists (no property paths, so no prototype access), and an unknown placeholder, filter
 * or section, or an unclosed `{{`, is an error naming the line, before anything is scanned.
 */
export function compileTemplate(text: string, label: string): CompiledTemplate {
  const stack: { body: Node[]; line: number }[] = [{ body: [], line: 1 }];
  let at = 0;
  let line = 1;
  const top = () => stack[stack.length - 1] as { body: Node[]; line: number };
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    const literal = open === -1 ? text.slice(at) : text.slice(at, open);
    if (literal !== '') top().body.push({ kind: 'text', text: literal });
    line += literal.split('\n').length - 1;
    if (open === -1) break;
    const close = text.indexOf('}}', open + 2);
    if (close === -1) fail(label, line, "'{{' is not closed by '}}'");
    const inner = text.slice(open + 2, close).trim();
    at = close + 2;
    const inFindings = stack.length > 1;
    if (inner.startsWith('#') || inner.startsWith('/')) {
      const name = inner.slice(1).trim();
      if (name !== 'findings')
        fail(
          label,
          line,
          `unknown section '${escapeControl(inner)}' (the one section is #findings)`,
        );
      if (inner.startsWith('#')) {
        if (inFindings) fail(label, line, "'{{#findings}}' inside '{{#findings}}'");
        stack.push({ body: [], line });
      } else {
        const done = stack.pop();
        if (done === undefined || stack.length === 0)
          fail(label, line, "'{{/findings}}' without '{{#findings}}'");
        top().body.push({ kind: 'findings', body: done.body });
      }
    } else {
      const [name = '', ...filters] = inner.split('|').map((p) => p.trim());
      const known = SCAN_NAMES.has(name) || (inFindings && FINDING_NAMES.has(name));
      if (!known) {
        const hint = FINDING_NAMES.has(name)
          ? ' (a finding field: use it inside {{#findings}}…{{/findings}})'
          : ` (known: ${[...SCAN_FIELDS].join(', ')}; inside {{#findings}}: ${[...FINDING_NAMES].join(', ')})`;
        fail(label, line, `unknown placeholder '${escapeControl(name)}'${hint}`);
      }
      for (const f of filters)
        if (!Object.hasOwn(FILTERS, f))
          fail(
            label,
            line,
            `unknown filter '${escapeControl(f)}' (known: ${Object.keys(FILTERS).join(', ')})`,
          );
      top().body.push({ kind: 'value', name, filters });
    }
    line += text.slice(open, at).split('\n').length - 1;
  }
  if (stack.length > 1) fail(label, top().line, "'{{#findings}}' is not closed by '{{/findings}}'");
  return { nodes: top().body };
}

function write(
  nodes: readonly Node[],
  values: ReadonlyMap<string, string>,
  each: () => Iterable<ReadonlyMap<string, string>>,
): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'value') {
      const raw = values.get(n.name) ?? '';
      out +=
        n.filters.length === 0
          ? escapeControl(raw)
          : n.filters.reduce((v, f) => (FILTERS[f] as (value: string) => string)(v), raw);
    } else {
      for (const inner of each()) out += write(n.body, inner, () => []);
    }
  }
  return out;
}

/** A report from the user's template (see compileTemplate); values are the other reports' redacted text. */
export function renderTemplate(
  outcome: ScanOutcome,
  ctx: RenderContext,
  template: CompiledTemplate,
): string {
  const verdict = verdictOf(outcome);
  const scan = new Map<string, string>([
    ['summary', headline(outcome, ctx.pack).text],
    ['exitCode', String(verdict.exitCode)],
    ['reason', verdict.reason],
    ['failOn', verdict.failOn],
    ['findingCount', String(outcome.findings.length)],
    ['failingCount', String(verdict.failing)],
    ['files', String(outcome.stats.files)],
    ['bytes', String(outcome.stats.bytes)],
    ['commits', String(outcome.stats.commits ?? '')],
    ['durationMs', String(outcome.stats.durationMs)],
    ['mode', outcome.mode],
    ['scannedFor', scanSubject(ctx.pack)],
    ['suppressed', String(outcome.suppressed.length)],
    ['skipped', String(outcome.skipped.length)],
    ['stale', String(outcome.staleBaseline?.length ?? 0)],
    ['toolVersion', ctx.toolVersion],
  ]);
  function* each(): Iterable<ReadonlyMap<string, string>> {
    let index = 0;
    for (const f of outcome.findings) {
      index++;
      const fields = findingFields(f, ctx.pack, verdict.failOn);
      yield new Map([...scan, ...Object.entries(fields), ['index', String(index)]]);
    }
  }
  return write(template.nodes, scan, each);
}
