import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command-io.js';
import { scanOptionsFrom } from '../../src/cli/execute-scan.js';

const io = (): CommandIo => ({
  argv: [],
  cwd: process.cwd(),
  env: {},
  stdout: { write: () => true } as unknown as CommandIo['stdout'],
  stderr: { write: () => true } as unknown as CommandIo['stderr'],
  stdin: (async function* () {})(),
  today: '2026-01-01',
  version: '0.0.0',
  workerScript: '/nonexistent/worker.js',
});

const jobsFor = async (jobs: string | undefined) => {
  const values = jobs === undefined ? {} : { jobs };
  const options = await scanOptionsFrom(io(), values, { root: process.cwd() });
  return options.threads?.jobs ?? 1;
};

describe('--jobs', () => {
  it('never asks for more threads than the machine has cores', async () => {
    const cores = availableParallelism();
    // A huge count once started that many JavaScript engines, until memory ran out.
    for (const asked of ['1000000000', '1000', String(cores + 1)])
      expect(await jobsFor(asked), asked).toBe(cores);
    expect(await jobsFor(undefined)).toBe(cores);
  });

  it('keeps a smaller count as given', async () => {
    expect(await jobsFor('1')).toBe(1);
    if (availableParallelism() >= 2) expect(await jobsFor('2')).toBe(2);
  });
});
