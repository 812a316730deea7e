import { describe, expect, it } from 'vitest';
import { createActionLog, inertLine } from '../../src/action/action-log.js';
import { workflowCommand } from '../../src/report/workflow-command.js';
import { runnerCommands } from '../helpers/action-repos.js';

const HOSTILE = [
  '::error::pwned',
  '   ::add-mask::pwned',
  '\t::set-output name=a::pwned',
  '\u00a0::warning::pwned',
  '\u3000::notice::pwned',
  '\u2003\u205f::error::pwned',
  '\ufeff::error::pwned',
  'text ##[add-mask]pwned',
  'x\r::error::pwned',
  'x\n::stop-commands::pwned',
  'x\u0085::error::pwned',
  '::stop-commands::x',
  '::x::',
];

function capture(): { out: string[]; stdout: { write(t: string): void } } {
  const out: string[] = [];
  return { out, stdout: { write: (t: string) => void out.push(t) } };
}

describe('the Action log', () => {
  it('makes each hostile line inert on its own (no stop-commands needed)', () => {
    for (const line of HOSTILE) {
      const shown = inertLine(line);
      expect(runnerCommands(`${shown}\n`), JSON.stringify(line)).toEqual([]);
    }
    expect(inertLine('::error::pwned')).toBe('\\x3a:error::pwned');
    expect(inertLine('a ##[add-mask]b')).toBe('a ##\\x5badd-mask]b');
    expect(inertLine('ordinary: text')).toBe('ordinary: text');
  });

  it('wraps free text in stop-commands with a fresh token, and resumes before its own commands', () => {
    const a = capture();
    const log = createActionLog(a.stdout);
    log.text(HOSTILE.join('\n'));
    log.command(workflowCommand('error', { title: 'keyguard' }, 'one ::add-mask:: two'));
    log.text('more\n::warning::pwned');
    log.close();
    const commands = runnerCommands(a.out.join(''));
    const [stop, resume, own, stop2, resume2] = commands;
    expect(commands).toHaveLength(5);
    expect(stop?.name).toBe('stop-commands');
    expect(stop?.data).toMatch(/^keyguard-[0-9a-f]{32}$/);
    expect(resume?.name).toBe(stop?.data);
    expect(own).toMatchObject({ name: 'error', data: 'one ::add-mask:: two' });
    expect(stop2?.data).toBe(stop?.data);
    expect(resume2?.name).toBe(stop?.data);
    const b = capture();
    createActionLog(b.stdout).text('x');
    expect(b.out.join('')).not.toContain(stop?.data ?? 'missing');
  });
});
