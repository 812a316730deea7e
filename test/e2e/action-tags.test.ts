import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, runAction, runnerCommands, type Sandbox } from '../helpers/action-repos.js';
import { type FakePair, fakePair, leaks } from '../helpers/fake-keys.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

// A push of a tag brings what the tag names outside commits: an annotated tag's message, a tag
// of a tag, a blob or tree. The Action reads it as `pre-push` and `keyguard history --tags` do.

const ZERO = '0'.repeat(40);
const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const s of sandboxes.splice(0)) s.cleanup();
});

function creds(p: FakePair): string {
  return `aws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

/** A repository whose main (one clean commit) is on origin. */
function cleanMain(): { s: Sandbox; main: string } {
  const s = createSandbox();
  sandboxes.push(s);
  const main = s.commit({ 'README.md': 'hello\n' }, 'init');
  s.git(s.author, 'push', '--quiet', 'origin', 'main');
  return { s, main };
}

/** Makes an annotated tag whose message holds `p`, pushes it; returns the tag object's id. */
function pushAnnotated(s: Sandbox, name: string, p: FakePair, target = 'HEAD'): string {
  s.git(s.author, 'tag', '-a', name, '-m', `Release\n\nQA creds:\n${creds(p)}`, target);
  s.git(s.author, 'push', '--quiet', 'origin', `refs/tags/${name}`);
  return s.git(s.author, 'rev-parse', `refs/tags/${name}`);
}

/**
 * The workspace actions/checkout makes for a tag push (fetch-depth 1): the tag's commit fetched
 * into `refs/tags/<name>` as a lightweight tag, checked out detached. The tag object is absent.
 */
function tagCheckout(s: Sandbox, name: string, commit: string): string {
  const ws = join(s.root, `ws-${Math.random().toString(36).slice(2)}`);
  s.git(s.root, 'init', '--quiet', ws);
  s.git(ws, 'remote', 'add', 'origin', `file://${s.origin}`);
  s.git(ws, 'fetch', '--quiet', '--no-tags', '--depth=1', 'origin', `+${commit}:refs/tags/${name}`);
  s.git(ws, 'checkout', '--quiet', `refs/tags/${name}`);
  return ws;
}

function tagPush(name: string, after: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'push',
    payload: {
      ref: `refs/tags/${name}`,
      before: ZERO,
      after,
      created: true,
      deleted: false,
      repository: { default_branch: 'main' },
      ...extra,
    },
  };
}

interface SarifLog {
  runs: {
    results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
  }[];
}

function sarifUris(sarif: unknown): string[] {
  return ((sarif as SarifLog).runs[0]?.results ?? []).map(
    (r) => r.locations[0]?.physicalLocation.artifactLocation.uri ?? '',
  );
}

/** The `file` of each finding's annotation, as the runner reads it. */
function annotatedFiles(stdout: string): string[] {
  return runnerCommands(stdout)
    .filter((c) => c.name === 'error' && c.properties.file !== undefined)
    .map((c) => c.properties.file ?? '');
}

describe('GitHub Action: push of a tag', () => {
  it('annotated tag whose message holds a key (after = the tag object): fails, located at the tag, nothing raw', () => {
    const { s, main } = cleanMain();
    const p = fakePair();
    const tag = pushAnnotated(s, 'v1.0', p);
    const ws = tagCheckout(s, 'v1.0', main);
    const r = runAction(s, ws, tagPush('v1.0', tag));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const where = `<tag refs/tags/v1.0 ${tag.slice(0, 12)}>`;
    expect(annotatedFiles(r.stdout)).toEqual([where]);
    expect(r.outputs.findings).toBe('1');
    expect(r.stdout).toContain('tag v1.0: also reading 1 annotated tag outside any commit');
    expect(r.summary).toContain('tag v1.0');
    expect(sarifErrors(r.sarif)).toEqual([]);
    expect(sarifUris(r.sarif)).toEqual([encodeURIComponent(where).replace(/%2F/g, '/')]);
    expect(leaks(r.stdout + r.summary + JSON.stringify(r.sarif), [p])).toEqual([]);
  });

  it('annotated tag, after = its commit (some payloads): origin is asked for the tag and its message read', () => {
    const { s, main } = cleanMain();
    const p = fakePair();
    const tag = pushAnnotated(s, 'v1.0', p);
    const ws = tagCheckout(s, 'v1.0', main);
    const r = runAction(s, ws, tagPush('v1.0', main));
    expect(r.code).toBe(1);
    expect(annotatedFiles(r.stdout)).toEqual([`<tag refs/tags/v1.0 ${tag.slice(0, 12)}>`]);
    expect(r.stdout).toContain('fetched refs/tags/v1.0 from origin');
    expect(leaks(r.stdout + r.summary + JSON.stringify(r.sarif), [p])).toEqual([]);
  });

  it('a tag chain: the inner tag message holding the key is read', () => {
    const { s, main } = cleanMain();
    const p = fakePair();
    const inner = pushAnnotated(s, 'inner', p);
    s.git(s.author, 'tag', '-a', 'outer', '-m', 'clean outer', 'refs/tags/inner');
    s.git(s.author, 'push', '--quiet', 'origin', 'refs/tags/outer');
    const outer = s.git(s.author, 'rev-parse', 'refs/tags/outer');
    const ws = tagCheckout(s, 'outer', main);
    const r = runAction(s, ws, tagPush('outer', outer));
    expect(r.code).toBe(1);
    expect(annotatedFiles(r.stdout)).toEqual([`<tag refs/tags/outer ${inner.slice(0, 12)}>`]);
    expect(r.stdout).toContain('2 annotated tags');
  });

  it('a lightweight tag on a clean commit: clean, and the log says the tag was read', () => {
    const { s, main } = cleanMain();
    s.git(s.author, 'tag', 'light');
    s.git(s.author, 'push', '--quiet', 'origin', 'refs/tags/light');
    const ws = tagCheckout(s, 'light', main);
    const r = runAction(s, ws, tagPush('light', main));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs.scope).toContain('tag light: commits not on main');
    expect(r.stdout).toContain('fetched refs/tags/light from origin');
  });

  it('a tag naming a blob that holds a key: read (not a "head commit" error), fails', () => {
    const { s, main } = cleanMain();
    const p = fakePair();
    const file = join(s.root, 'blob.ini');
    writeFileSync(file, creds(p));
    const blob = s.git(s.author, 'hash-object', '-w', '--', file);
    s.git(s.author, 'tag', 'keys', blob);
    s.git(s.author, 'push', '--quiet', 'origin', 'refs/tags/keys');
    const ws = tagCheckout(s, 'anchor', main);
    const r = runAction(s, ws, tagPush('keys', blob));
    expect(r.stdout).not.toContain('head commit');
    expect(r.code).toBe(1);
    expect(annotatedFiles(r.stdout)).toEqual(['refs/tags/keys']);
    expect(r.outputs.scope).toContain('tag keys: no commits');
    expect(sarifErrors(r.sarif)).toEqual([]);
    expect(leaks(r.stdout + r.summary + JSON.stringify(r.sarif), [p])).toEqual([]);
  });

  it('a tag naming a tree whose file holds a key: its blobs are read, fails', () => {
    const { s, main } = cleanMain();
    const p = fakePair();
    s.commit({ 'conf/keys.ini': creds(p) }, 'keys (never pushed on a branch)');
    const tree = s.git(s.author, 'rev-parse', 'HEAD^{tree}');
    s.git(s.author, 'tag', 'snapshot', tree);
    s.git(s.author, 'push', '--quiet', 'origin', 'refs/tags/snapshot');
    const ws = tagCheckout(s, 'anchor', main);
    const r = runAction(s, ws, tagPush('snapshot', tree));
    expect(r.code).toBe(1);
    expect(annotatedFiles(r.stdout)).toEqual(['refs/tags/snapshot:conf/keys.ini']);
    expect(leaks(r.stdout + r.summary + JSON.stringify(r.sarif), [p])).toEqual([]);
  });

  it('a tag whose value origin cannot give: exit 2, one line naming the tag', () => {
    const { s, main } = cleanMain();
    const ws = tagCheckout(s, 'gone', main);
    // after = a commit, but origin has no such tag (deleted since): whether it had a message is unknown.
    const r = runAction(s, ws, tagPush('gone', main));
    expect(r.code).toBe(2);
    const errors = runnerCommands(r.stdout).filter((c) => c.name === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.data).toMatch(/^tag gone: refs\/tags\/gone could not be fetched from origin/);
  });

  it('a moved annotated tag: the new tag object is read', () => {
    const { s } = cleanMain();
    s.git(s.author, 'tag', '-a', 'v2', '-m', 'clean');
    s.git(s.author, 'push', '--quiet', 'origin', 'refs/tags/v2');
    const before = s.git(s.author, 'rev-parse', 'refs/tags/v2');
    const p = fakePair();
    const next = s.commit({ 'b.md': 'b\n' }, 'next');
    s.git(s.author, 'push', '--quiet', 'origin', 'main');
    s.git(s.author, 'tag', '-f', '-a', 'v2', '-m', `moved\n${creds(p)}`, next);
    s.git(s.author, 'push', '--quiet', '--force', 'origin', 'refs/tags/v2');
    const after = s.git(s.author, 'rev-parse', 'refs/tags/v2');
    const ws = tagCheckout(s, 'v2', next);
    const r = runAction(s, ws, tagPush('v2', after, { before, created: false }));
    expect(r.code).toBe(1);
    expect(annotatedFiles(r.stdout)).toEqual([`<tag refs/tags/v2 ${after.slice(0, 12)}>`]);
    expect(r.outputs.scope).toContain(`tag v2: ${before.slice(0, 12)}..${next.slice(0, 12)}`);
  });

  it('a deleted tag scans nothing', () => {
    const { s, main } = cleanMain();
    const ws = tagCheckout(s, 'anchor', main);
    const r = runAction(s, ws, tagPush('v9', ZERO, { deleted: true, created: false }));
    expect(r.code).toBe(0);
    expect(r.outputs.scope).toContain('refs/tags/v9 was deleted');
  });

  it.each([
    ['an option', '--upload-pack=touch PWNED'],
    ['a range', 'a..b'],
    ['a line break', 'v1\n::error::forged'],
    ['a pattern', 'v*'],
    ['a revision suffix', 'v1^{}'],
  ])('a hostile tag name (%s): exit 2, never a git option, nothing forged', (_what, name) => {
    const { s, main } = cleanMain();
    const ws = tagCheckout(s, 'anchor', main);
    const r = runAction(s, ws, tagPush(name, main));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("the event payload's ref is not a valid tag name");
    expect(existsSync(join(ws, 'PWNED'))).toBe(false);
    expect(runnerCommands(r.stdout).filter((c) => c.name === 'error')).toHaveLength(1);
  });

  it('a tag name with a comma: the annotation file property is escaped, SARIF stays valid', () => {
    const { s, main } = cleanMain();
    const p = fakePair();
    const tag = pushAnnotated(s, 'rel,1', p);
    const ws = tagCheckout(s, 'anchor', main);
    const r = runAction(s, ws, tagPush('rel,1', tag));
    expect(r.code).toBe(1);
    expect(annotatedFiles(r.stdout)).toEqual([`<tag refs/tags/rel,1 ${tag.slice(0, 12)}>`]);
    expect(sarifErrors(r.sarif)).toEqual([]);
    expect(leaks(r.stdout + r.summary + JSON.stringify(r.sarif), [p])).toEqual([]);
  });
});
