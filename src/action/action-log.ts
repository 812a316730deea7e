import { randomBytes } from 'node:crypto';
import { escapeControl } from '../report/escape-control.js';

/** The Action's standard output, which the runner reads for workflow commands. */
export interface ActionLog {
  /**
   * Free text (the report, scope, notes, error details): anything taken from what was scanned,
   * configured or sent in the event. Printed so that no line of it can be a workflow command.
   */
  text(text: string): void;
  /** One of keyguard's own workflow commands, already escaped (`workflowCommand`). */
  command(line: string): void;
  /** Lets the runner read commands again (the end of the step). */
  close(): void;
}

/**
 * One line of free text as the runner will see it: control characters shown escaped (a CR or LF
 * would start a new line of the attacker's choosing), a `::` at the start (after the whitespace
 * the runner trims) and the legacy `##[` command prefix anywhere broken with a visible escape.
 */
export function inertLine(line: string): string {
  const shown = escapeControl(line).replace(/##\[/g, '##\\x5b');
  const lead = /^\s*/.exec(shown)?.[0] ?? '';
  const rest = shown.slice(lead.length);
  return rest.startsWith('::') ? `${lead}\\x3a${rest.slice(1)}` : shown;
}

/**
 * Free text goes out between `::stop-commands::<token>` and `::<token>::`, with a token drawn
 * afresh for each run (so nothing scanned can guess it and resume commands early), and each of
 * its lines is made inert as well: either defence alone keeps a file named `::error::…` or a
 * line `::add-mask::…` in a scanned file from reaching the runner as a command.
 */
export function createActionLog(stdout: { write(text: string): void }): ActionLog {
  const token = `keyguard-${randomBytes(16).toString('hex')}`;
  let stopped = false;
  const resume = () => {
    if (!stopped) return;
    stdout.write(`::${token}::\n`);
    stopped = false;
  };
  return {
    text(text) {
      const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
      if (!stopped) {
        stdout.write(`::stop-commands::${token}\n`);
        stopped = true;
      }
      stdout.write(`${lines.map(inertLine).join('\n')}\n`);
    },
    command(line) {
      resume();
      stdout.write(`${line}\n`);
    },
    close: resume,
  };
}
