import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, planted } from '../helpers/adversarial.js';
import { zipBuffer } from '../helpers/archive-writers.js';
import { type TempRepo, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt } from '../helpers/run-cli.js';

// Issue 10 at the push gates: a hostile push to a server hook (pre-receive), and a push from a
// careless clone (pre-push), carrying keys where a commit walk does not look.

beforeAll(() => assertBuilt());
const tempRepo = useTempRepos();

/** A work repository with `main` pushed to a bare server, and `hook` installed where it runs. */
function pushing(hook: 'pre-receive' | 'pre-push'): { r: TempRepo; server: string } {
  const r = tempRepo();
  const server = join(r.dir, '..', 'server.git');
  r.git('init', '-q', '--bare', '-b', 'main', server);
  r.git('remote', 'add', 'origin', server);
  r.write('README.md', 'hello\n');
  r.commitAll('init');
  expect(r.tryGit('push', '-q', 'origin', 'main').code).toBe(0);
  const install =
    hook === 'pre-receive'
      ? r.keyguard(['install', '--hook', 'pre-receive'], server)
      : r.keyguard(['install', '--hook', 'pre-push']);
  expect(install.code, install.stderr).toBe(0);
  return { r, server };
}

describe('a blob pushed on its own (a tag or ref pointing straight at it)', () => {
  for (const hook of ['pre-receive', 'pre-push'] as const) {
    it(`${hook}: a zip blob holding a key is opened and the push refused`, () => {
      const { r } = pushing(hook);
      const { pair, text } = planted();
      r.write('k.zip', zipBuffer([{ name: 'creds.ini', data: Buffer.from(text) }]));
      const blob = r.git('hash-object', '-w', 'k.zip').trim();
      const push = r.tryGit('push', 'origin', `${blob}:refs/tags/release-assets`);
      expect(push.code, push.stderr).not.toBe(0);
      expect(push.stdout + push.stderr).toContain('refs/tags/release-assets!creds.ini');
      expectNoLeak(push, [pair]);
    });
  }
});
