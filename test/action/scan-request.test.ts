import { describe, expect, it } from 'vitest';
import { scanRequest } from '../../src/action/scan-request.js';
import { isKeyguardError } from '../../src/model/errors.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);
const repo = { default_branch: 'main' };

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isKeyguardError(e)) return e.message;
    throw e;
  }
  return 'no error';
}

describe('scanRequest', () => {
  it('pull_request and pull_request_target: base.sha..head.sha, not the merge commit', () => {
    const payload = {
      pull_request: { base: { sha: A, ref: 'main' }, head: { sha: B, ref: 'feat' } },
      repository: repo,
    };
    for (const name of ['pull_request', 'pull_request_target'])
      expect(scanRequest(name, payload)).toEqual({
        kind: 'range',
        base: A,
        head: B,
        baseMayBeGone: false,
        branch: 'feat',
        defaultBranch: 'main',
      });
  });

  it('merge_group: base_sha..head_sha', () => {
    expect(scanRequest('merge_group', { merge_group: { base_sha: A, head_sha: B } })).toMatchObject(
      {
        kind: 'range',
        base: A,
        head: B,
      },
    );
  });

  it('push: before..after, where before may have been force-pushed away', () => {
    expect(
      scanRequest('push', { ref: 'refs/heads/dev', before: A, after: B, repository: repo }),
    ).toEqual({
      kind: 'range',
      base: A,
      head: B,
      baseMayBeGone: true,
      branch: 'dev',
      defaultBranch: 'main',
    });
  });

  it('push of a new branch (all-zero before): the branch', () => {
    expect(
      scanRequest('push', { ref: 'refs/heads/dev', before: ZERO, after: B, repository: repo }),
    ).toEqual({ kind: 'branch', head: B, branch: 'dev', defaultBranch: 'main' });
  });

  it('push of a tag: its name travels with the request (created: the tag; moved: before..after)', () => {
    const tagRef = 'refs/tags/v1.0';
    expect(
      scanRequest('push', { ref: tagRef, before: ZERO, after: A, created: true, repository: repo }),
    ).toEqual({ kind: 'branch', head: A, tag: 'v1.0', defaultBranch: 'main' });
    expect(scanRequest('push', { ref: tagRef, before: B, after: A, repository: repo })).toEqual({
      kind: 'range',
      base: B,
      head: A,
      baseMayBeGone: true,
      tag: 'v1.0',
      defaultBranch: 'main',
    });
    expect(scanRequest('push', { ref: tagRef, before: A, after: ZERO, deleted: true })).toEqual({
      kind: 'nothing',
      reason: 'refs/tags/v1.0 was deleted',
    });
  });

  it('refuses tag names in the payload that are not plain ref names', () => {
    for (const name of ['--upload-pack=x', 'a..b', 'v1\n', 'v*', 'v1^{}', 'x:y', '']) {
      expect(
        error(() => scanRequest('push', { ref: `refs/tags/${name}`, before: ZERO, after: A })),
        name,
      ).toBe("the event payload's ref is not a valid tag name");
    }
  });

  it('push deleting a branch: nothing, with the reason', () => {
    expect(
      scanRequest('push', { ref: 'refs/heads/dev', before: A, after: ZERO, deleted: true }),
    ).toEqual({
      kind: 'nothing',
      reason: 'refs/heads/dev was deleted',
    });
  });

  it('schedule, workflow_dispatch and others: the tree; scan: tree forces it', () => {
    expect(scanRequest('schedule', {})).toEqual({ kind: 'tree' });
    expect(scanRequest('workflow_dispatch', { inputs: {} })).toEqual({ kind: 'tree' });
    expect(scanRequest('pull_request', { pull_request: {} }, { scan: 'tree' })).toEqual({
      kind: 'tree',
    });
  });

  it('explicit base and head win, and go together', () => {
    expect(
      scanRequest('push', { before: A, after: B }, { base: 'v1.0', head: 'HEAD' }),
    ).toMatchObject({
      kind: 'range',
      base: 'v1.0',
      head: 'HEAD',
      baseMayBeGone: false,
    });
    expect(error(() => scanRequest('push', {}, { base: 'v1.0' }))).toContain(
      "'base' and 'head' go together",
    );
  });

  it('refuses a payload it cannot read instead of scanning nothing', () => {
    expect(error(() => scanRequest('pull_request', {}))).toContain('has no pull_request');
    expect(
      error(() =>
        scanRequest('pull_request', { pull_request: { base: { sha: 'x' }, head: { sha: B } } }),
      ),
    ).toContain('pull_request.base.sha');
    expect(error(() => scanRequest('push', { before: A }))).toContain('valid after');
    expect(error(() => scanRequest('push', {}, { scan: 'everything' }))).toContain("input 'scan'");
  });

  it('validates base and head inputs as single revisions: one line naming the input', () => {
    const ok = ['v1.0', 'HEAD~2', 'feature/x', A, 'main^', 'refs/tags/v1@x'];
    for (const rev of ok)
      expect(scanRequest('push', {}, { base: rev, head: 'HEAD' })).toMatchObject({ base: rev });
    const bad: [string, string][] = [
      ['--upload-pack=touch x', "starts with '-'"],
      ['-x', "starts with '-'"],
      ['main..evil', "contains '..'"],
      ['a b', 'whitespace'],
      ['a\nb', 'whitespace'],
      ['a\x1bb', 'control'],
      ['a\u202eb', 'control'],
      ['main:refs/heads/x', "':*?[\\'"],
      ['refs/*', "':*?[\\'"],
      ['x'.repeat(300), 'longer than 255'],
    ];
    for (const [rev, why] of bad) {
      for (const name of ['base', 'head'] as const) {
        const inputs = { base: 'HEAD', head: 'HEAD', [name]: rev };
        const message = error(() => scanRequest('push', {}, inputs));
        expect(message, rev).toContain(`input '${name}' must name one commit`);
        expect(message, rev).toContain(why);
        expect(message).not.toContain('\n');
      }
    }
  });

  it('refuses branch names in the payload that are not plain ref names', () => {
    const pr = (ref: string) => ({
      pull_request: { base: { sha: A, ref: 'main' }, head: { sha: B, ref } },
      repository: repo,
    });
    expect(scanRequest('pull_request', pr('feature/ok-1.2'))).toMatchObject({
      branch: 'feature/ok-1.2',
    });
    for (const ref of ['-x', 'a..b', 'a:b', 'a b', 'x.lock', 'a@{1}', '/x'])
      expect(
        error(() => scanRequest('pull_request', pr(ref))),
        ref,
      ).toContain('pull_request.head.ref is not a valid branch name');
    expect(
      error(() => scanRequest('push', { ref: 'refs/heads/-evil', before: ZERO, after: B })),
    ).toContain("payload's ref is not a valid branch name");
    expect(
      error(() =>
        scanRequest('push', {
          ref: 'refs/heads/x',
          before: ZERO,
          after: B,
          repository: { default_branch: '--upload-pack=x' },
        }),
      ),
    ).toContain('repository.default_branch');
  });
});
