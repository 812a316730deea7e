import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLI,
  credentialsFile,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

const repo = useTempRepos();
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((done) => s.close(done));
});

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * git's own smart HTTP server (`git http-backend`, run as CGI) behind HTTP basic authentication:
 * a private repository as a hosting service serves it.
 */
async function privateServer(r: TempRepo, user: string, password: string) {
  const root = join(r.dir, '..', 'served');
  mkdirSync(root);
  r.git('clone', '-q', '--bare', r.dir, join(root, 'repo.git'));
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  let refused = 0;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      refused++;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private"' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const child = spawn('git', ['http-backend'], {
      env: {
        ...r.env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: user,
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(child.stdin);
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('close', () => {
      const all = Buffer.concat(out);
      const end = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, end).toString('latin1').split('\r\n');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.end(all.subarray(end + 4));
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, refused: () => refused };
}

/** The built CLI, run without blocking this process (it serves the repository meanwhile). */
function keyguard(r: TempRepo, args: readonly string[], env: Record<string, string>) {
  return new Promise<Ran>((done) => {
    const child = spawn('node', [CLI, ...args], {
      cwd: join(r.dir, '..', 'home'),
      env: { ...r.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

function withKey(r: TempRepo): void {
  r.write('README.md', 'hello\n');
  r.commitAll('init');
  r.write('deploy/prod.ini', credentialsFile(fakeCredentials(451)));
  r.commitAll('settings');
}

describe('keyguard history <url> / tree <url>: credentials come from git', () => {
  it("git's credential helper answers; nothing else is asked, nothing is shown", async () => {
    const r = repo();
    withKey(r);
    const password = `pw-${randomBytes(9).toString('hex')}`;
    const server = await privateServer(r, 'reader', password);
    const url = `${server.base}/repo.git`;
    const tmp = join(r.dir, '..', 'tmp');
    mkdirSync(tmp);
    const env = { TMPDIR: tmp };

    // No credentials anywhere: exit 2 with one line, no prompt (standard input is never read).
    const denied = await keyguard(r, ['history', url], env);
    expect(denied.code).toBe(2);
    expect(denied.stderr.trim().split('\n')).toHaveLength(1);
    expect(denied.stderr).toMatch(/cannot clone http:\/\/127\.0\.0\.1:\d+\/repo\.git/);
    expect(server.refused()).toBeGreaterThan(0);

    // git's own helper, from the user's git config: the clone is let in and the key found.
    const home = r.env.HOME as string;
    writeFileSync(
      join(home, '.git-credentials'),
      `http://reader:${password}@${server.base.slice(7)}\n`,
      {
        mode: 0o600,
      },
    );
    r.git('config', '--global', 'credential.helper', 'store');
    for (const args of [
      ['history', url, '--format', 'json'],
      ['tree', url, '--format', 'json'],
    ]) {
      const ran = await keyguard(r, args, env);
      expect(ran.code, ran.stderr).toBe(1);
      const found = JSON.parse(ran.stdout) as { findings: { path: string }[] };
      expect(found.findings.map((f) => f.path)).toContain('deploy/prod.ini');
      expect(ran.stdout + ran.stderr).not.toContain(password);
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a password in the URL works, and is never echoed: not in a report, not in an error', async () => {
    const r = repo();
    withKey(r);
    const password = `pw-${randomBytes(9).toString('hex')}`;
    const server = await privateServer(r, 'reader', password);
    const host = server.base.replace('http://', '');
    const good = `http://reader:${password}@${host}/repo.git`;
    for (const format of ['human', 'json', 'sarif', 'markdown']) {
      const ran = await keyguard(r, ['history', good, '--format', format], {});
      expect(ran.code, ran.stderr).toBe(1);
      expect(ran.stdout + ran.stderr, format).not.toContain(password);
      expect(ran.stdout + ran.stderr, format).not.toContain(`reader:${password}`);
    }
    const human = await keyguard(r, ['history', good], {});
    expect(human.stdout).toMatch(/http:\/\/\*\*\*@127\.0\.0\.1:\d+\/repo\.git/);
    const wrong = `http://reader:not-${password}@${host}/repo.git`;
    for (const command of ['history', 'tree']) {
      const ran = await keyguard(r, [command, wrong], {});
      expect(ran.code).toBe(2);
      expect(ran.stderr.trim().split('\n')).toHaveLength(1);
      expect(ran.stdout + ran.stderr).not.toContain(password);
      expect(ran.stderr).toMatch(/cannot clone http:\/\/\*\*\*@127\.0\.0\.1:\d+\/repo\.git/);
    }
  });
});
