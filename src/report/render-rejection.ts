import type { Finding } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import { escapeControl } from './escape-control.js';
import { headline, scanSubject } from './headline.js';
import { IN_NAME } from './location-text.js';

/** Findings listed by name; the rest are counted. `remote:` lines are read, not scrolled. */
const LISTED = 10;
/** Paths longer than this are cut in the middle: a line must fit the pusher's terminal. */
const PATH_WIDTH = 60;

function shortPath(path: string): string {
  const p = escapeControl(path);
  if (p.length <= PATH_WIDTH) return p;
  const keep = (PATH_WIDTH - 1) / 2;
  return `${p.slice(0, Math.ceil(keep))}…${p.slice(p.length - Math.floor(keep))}`;
}

function line(f: Finding): string {
  const commit = f.commit === undefined ? '' : `  commit ${f.commit.sha.slice(0, 12)}`;
  const at =
    f.location.where === 'name'
      ? `${shortPath(f.location.path)} (${IN_NAME})`
      : `${shortPath(f.location.path)}:${f.location.line}`;
  return `  ${at}  ${escapeControl(f.title)}  ${escapeControl(f.redacted)}${commit}`;
}

export interface RejectionContext {
  /** Where the rules came from, for the last line (`refs/heads/main 1a2b3c4d5e6f`). */
  readonly rulesFrom: string;
  /** The rules that ran: the lines say what they looked for. */
  readonly pack: CompiledPack;
}

/**
 * A server-side gate's answer, for the `remote:` lines of the pusher's terminal: a few short lines,
 * every value redacted (findings carry no raw value), every scanned string with its control
 * characters escaped (a file name in the push cannot drive the pusher's terminal).
 */
export function renderRejection(outcome: ScanOutcome, ctx: RejectionContext): string {
  const out: string[] = [];
  const n = outcome.findings.length;
  const commits = Number(outcome.coverage?.commits ?? 0);
  // Accepted or rejected as the verdict says, in its words (findings below --fail-on pass).
  const head = headline(outcome, ctx.pack);
  const scanned = `${commits} new commit${commits === 1 ? '' : 's'} scanned`;
  if (head.verdict.exitCode === 0) {
    out.push(
      `keyguard: ${scanned}, ${escapeControl(head.text)} (rules: ${escapeControl(ctx.rulesFrom)})`,
    );
    return `${out.join('\n')}\n`;
  }
  if (head.verdict.reason === 'stale') {
    out.push(`keyguard: push rejected: ${escapeControl(head.text)}`);
  } else if (n > 0) {
    out.push(
      `keyguard: push rejected: ${n} finding${n === 1 ? '' : 's'} of ${escapeControl(scanSubject(ctx.pack))} in the pushed commits`,
    );
    for (const f of outcome.findings.slice(0, LISTED)) out.push(line(f));
    if (n > LISTED) out.push(`  …and ${n - LISTED} more`);
    out.push(
      'keyguard: take the key out of those commits (rewrite them), rotate it, then push again',
    );
  } else {
    const unread = outcome.incomplete?.unread ?? 0;
    out.push(
      `keyguard: push rejected: the scan could not read everything${unread > 0 ? ` (${unread} item${unread === 1 ? '' : 's'})` : ''}; ask the server's admin`,
    );
  }
  out.push(`keyguard: rules and baseline from ${escapeControl(ctx.rulesFrom)}`);
  return `${out.join('\n')}\n`;
}
