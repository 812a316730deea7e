import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { setGitEnvironment } from '../../src/git/git-command.js';
import { parseHistorySelection } from '../../src/git/history-args.js';
import { selectedTips } from '../../src/git/selected-tips.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
  setGitEnvironment(process.env);
});

/** main (two commits), an annotated tag v1 on the first, a lightweight tag on a loose blob. */
function tagged(): { r: TempRepo; first: string; second: string; v1: string; blob: string } {
  const r = createRepo();
  repos.push(r);
  setGitEnvironment(r.env);
  r.write('a.txt', 'a\n');
  const first = r.commitAll('first');
  r.write('b.txt', 'b\n');
  const second = r.commitAll('second');
  r.git('tag', '-a', 'v1', '-m', 'one', first);
  const made = spawnSync('git', ['hash-object', '-w', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: 'loose\n',
  });
  const blob = String(made.stdout).trim();
  r.git('tag', 'blobtag', blob);
  return { r, first, second, v1: r.git('rev-parse', 'v1').trim(), blob };
}

async function tips(r: TempRepo, ...tokens: string[]) {
  const selection = parseHistorySelection({ tokens: [...tokens, '--'], label: tokens.join(' ') });
  return (await selectedTips(r.dir, selection)).tips.sort((a, b) => (a.ref < b.ref ? -1 : 1));
}

describe('selectedTips', () => {
  it('every ref by default, as the ref holds it: an annotated tag is its own id, commits are left to the walk', async () => {
    const { r, v1, blob } = tagged();
    expect(await tips(r)).toEqual([
      { ref: 'refs/tags/blobtag', id: blob },
      { ref: 'refs/tags/v1', id: v1 },
    ]);
    expect(await tips(r, '--tags=v*')).toEqual([{ ref: 'refs/tags/v1', id: v1 }]);
    expect(await tips(r, '--branches')).toEqual([]);
    // Named by the ref that holds it, whatever the revision typed.
    expect(await tips(r, v1)).toEqual([{ ref: 'refs/tags/v1', id: v1 }]);
  });

  it("a range's including end, never what it or the selection excludes", async () => {
    const { r, first, v1 } = tagged();
    const tag = { ref: 'refs/tags/v1', id: v1 };
    expect(await tips(r, `${first}..v1`)).toEqual([tag]);
    expect(await tips(r, 'v1..main')).toEqual([]);
    expect(await tips(r, 'main...v1')).toEqual([tag]);
    expect(await tips(r, 'v1^!')).toEqual([tag]);
    expect(await tips(r, '--tags', '^v1')).not.toContainEqual(tag);
    expect(await tips(r, '--all', '--not', '--tags')).toEqual([]);
    expect(await tips(r, '--exclude=refs/tags/v*', '--all')).not.toContainEqual({
      ref: 'refs/tags/v1',
      id: v1,
    });
  });

  it('--reflog lists no ref, and the exclusions meant for it exclude nothing else', async () => {
    const { r, v1 } = tagged();
    expect(await tips(r, '--reflog')).toEqual([]);
    expect(await tips(r, '--exclude=refs/tags/v*', '--reflog', '--tags')).toContainEqual({
      ref: 'refs/tags/v1',
      id: v1,
    });
  });

  it('a word git cannot read as a revision is an error, never skipped', async () => {
    const { r } = tagged();
    await expect(tips(r, 'no-such-ref')).rejects.toThrow(/cannot resolve revision range/);
  });
});
