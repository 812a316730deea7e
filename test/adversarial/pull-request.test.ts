import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, runAction, runnerCommands, type Sandbox } from '../helpers/action-repos.js';
import { expectNoLeak, planted } from '../helpers/adversarial.js';
import { zipBuffer } from '../helpers/archive-writers.js';
import type { FakePair } from '../helpers/fake-keys.js';

// Issue 10, "a pull request cannot switch its own check off", against the bundled Action run on
// real event payloads: a hostile pull request tries every switch it can reach from its own commits.
// (Hostile names, lines and rule titles as workflow commands: test/e2e/action.test.ts.)

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const s of sandboxes.splice(0)) s.cleanup();
});

interface Pr {
  readonly s: Sandbox;
  readonly base: string;
  readonly head: string;
}

/** main with `baseFiles`, a feature branch adding `prFiles` in one commit, both pushed. */
function pullRequest(
  baseFiles: Record<string, string | Buffer>,
  prFiles: Record<string, string | Buffer>,
): Pr {
  const s = createSandbox();
  sandboxes.push(s);
  const base = s.commit({ 'README.md': 'hello\n', ...baseFiles }, 'base');
  s.git(s.author, 'push', '--quiet', 'origin', 'main');
  s.git(s.author, 'checkout', '--quiet', '-b', 'feature');
  const head = s.commit(prFiles, 'the pull request');
  s.git(s.author, 'push', '--quiet', 'origin', 'feature');
  s.git(s.author, 'checkout', '--quiet', 'main');
  return { s, base, head };
}

function event(pr: Pr) {
  return {
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number: 3,
      pull_request: {
        number: 3,
        base: { sha: pr.base, ref: 'main' },
        head: { sha: pr.head, ref: 'feature' },
      },
      repository: { default_branch: 'main' },
    },
  };
}

function run(pr: Pr, inputs: Record<string, string> = {}) {
  const ws = pr.s.checkout(`ws-${Math.random().toString(36).slice(2)}`, 'feature', 0);
  return runAction(pr.s, ws, event(pr), inputs);
}

function expectNothingLeaks(r: ReturnType<typeof runAction>, pairs: FakePair[]): void {
  expectNoLeak(
    [
      { code: r.code, stdout: r.stdout, stderr: r.stderr },
      { code: 0, stdout: r.summary, stderr: JSON.stringify(r.outputs) },
      { code: 0, stdout: JSON.stringify(r.sarif ?? {}), stderr: '' },
    ],
    pairs,
    'the Action',
  );
}

describe('a pull request that tries to switch its own check off', () => {
  it('config, baseline, rule pack and .gitattributes it commits: none applies, the key fails the check', () => {
    const { pair, text } = planted();
    const pr = pullRequest(
      {},
      {
        '.keyguard.json': JSON.stringify({
          allowlist: { paths: [{ glob: '**', reason: 'trust me' }] },
          disableRules: ['aws-access-key-pair', 'aws-access-key-id', 'aws-secret-access-key'],
          failOn: 'critical',
          allowPartial: true,
          rules: ['empty-pack.json'],
        }),
        'empty-pack.json': JSON.stringify({ version: 1, name: 'empty', rules: [] }),
        '.keyguard-baseline.json': JSON.stringify({ version: 1, entries: [] }),
        '.gitattributes': '* -diff -text binary filter=hide diff=hide\n',
        'deploy/prod.ini': text,
      },
    );
    const r = run(pr);
    expect(r.code, r.stdout).toBe(1);
    expect(r.summary).toMatch(/\.keyguard\.json changed in this pull request, not applied/);
    expect(r.summary).toMatch(
      /\.keyguard-baseline\.json changed in this pull request, not applied/,
    );
    const files = runnerCommands(r.stdout).map((c) => c.properties.file);
    expect(files).toContain('deploy/prod.ini');
    expectNothingLeaks(r, [pair]);
  });

  it('a key inside an archive the pull request adds (a jar, an executable jar, a zip) fails the check', () => {
    const a = planted();
    const b = planted();
    const script = Buffer.from('#!/bin/sh\nexec java -jar "$0"\n');
    const pr = pullRequest(
      {},
      {
        'libs/tool.jar': zipBuffer([{ name: 'app.env', data: Buffer.from(a.text) }]),
        'bin/svc': zipBuffer([{ name: 'config/prod.env', data: Buffer.from(b.text) }], {
          prefix: script,
        }),
      },
    );
    const r = run(pr);
    expect(r.code, r.stdout).toBe(1);
    const files = runnerCommands(r.stdout).map((c) => c.properties.file);
    expect(files).toContain('libs/tool.jar!app.env');
    expect(files).toContain('bin/svc!config/prod.env');
    expectNothingLeaks(r, [a.pair, b.pair]);
  });

  it('an inline keyguard:allow the pull request adds is honoured but never silent: a warning at its line and a row in the summary', () => {
    const { pair } = planted();
    const pr = pullRequest(
      {},
      {
        'src/settings.py':
          `REGION = "eu-west-1"\nAWS_ACCESS_KEY_ID = "${pair.id}"  # keyguard:allow\n` +
          `AWS_SECRET_ACCESS_KEY = "${pair.secret}"  # keyguard:allow\n`,
      },
    );
    const r = run(pr);
    expect(r.code, r.stdout).toBe(0);
    const warnings = runnerCommands(r.stdout).filter(
      (c) => c.name === 'warning' && c.properties.file === 'src/settings.py',
    );
    expect(warnings, r.stdout).toHaveLength(1);
    expect(warnings[0]?.properties.line).toBe('2');
    expect(warnings[0]?.data).toMatch(/keyguard:allow/);
    expect(r.summary).toMatch(/suppressed inline/i);
    expect(r.summary).toContain('src/settings.py:2');
    expectNothingLeaks(r, [pair]);
  });
});
