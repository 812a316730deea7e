import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionInput } from '../../src/action/run-action.js';
import { appendSummary, formatOutput, writeOutputs } from '../../src/action/workflow-files.js';
import { parseOutputs } from '../helpers/action-repos.js';
import { tempDir } from '../helpers/run-cli.js';

describe('workflow files', () => {
  it('writes single-line outputs as name=value and multi-line ones as a heredoc', () => {
    expect(formatOutput('findings', '3')).toBe('findings=3\n');
    const multi = formatOutput('scope', 'a\nb');
    expect(multi).toMatch(/^scope<<(ghadelimiter_[0-9a-f]{16})\na\nb\n\1\n$/);
    expect(parseOutputs(multi + formatOutput('n', '1'))).toEqual({ scope: 'a\nb', n: '1' });
  });

  it('appends to GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, and does nothing without them', () => {
    const dir = tempDir();
    try {
      const out = join(dir.path, 'out');
      const summary = join(dir.path, 'summary');
      writeOutputs(out, { findings: 2, sarif: 'k.sarif' });
      writeOutputs(out, { commits: 0 });
      appendSummary(summary, '## one');
      appendSummary(summary, '## two\n');
      expect(readFileSync(out, 'utf8')).toBe('findings=2\nsarif=k.sarif\ncommits=0\n');
      expect(readFileSync(summary, 'utf8')).toBe('## one\n## two\n');
      expect(() => writeOutputs(undefined, { a: 1 })).not.toThrow();
      expect(() => appendSummary('', 'x')).not.toThrow();
    } finally {
      dir.cleanup();
    }
  });

  it('reads inputs the way the runner passes them (INPUT_<NAME>, dashes kept, blank = unset)', () => {
    const env = { 'INPUT_SARIF-FILE': ' out.sarif ', 'INPUT_FAIL-ON': '', INPUT_MY_INPUT: 'x' };
    expect(actionInput(env, 'sarif-file')).toBe('out.sarif');
    expect(actionInput(env, 'fail-on')).toBeUndefined();
    expect(actionInput(env, 'my input')).toBe('x');
  });
});
