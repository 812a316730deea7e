#!/usr/bin/env node
// Server-side gate cost: real `git push`es of 1, 100 and 1,000 new commits (three 2.4 KB
// JavaScript files changed per commit, made with git fast-import) into two bare repositories, one
// with keyguard's pre-receive hook (as `keyguard install --hook pre-receive --print` writes it)
// and one without; median of 5 pushes each, the branch deleted between pushes so that every push
// sends and scans all its commits again. Runs the built CLI (npm run build first).
// Usage: node bench/push-bench.mjs
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'keyguard.js');
const W = join(ROOT, '.bench', 'push');
rmSync(W, { recursive: true, force: true });
mkdirSync(join(W, 'bin'), { recursive: true });
mkdirSync(join(W, 'home'));
writeFileSync(join(W, 'bin', 'keyguard'), `#!/bin/sh\nexec node "${CLI}" "$@"\n`);
chmodSync(join(W, 'bin', 'keyguard'), 0o755);
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))),
  HOME: join(W, 'home'),
  GIT_CONFIG_NOSYSTEM: '1',
  PATH: `${join(W, 'bin')}:${process.env.PATH}`,
  GIT_AUTHOR_NAME: 'B',
  GIT_AUTHOR_EMAIL: 'b@e.invalid',
  GIT_COMMITTER_NAME: 'B',
  GIT_COMMITTER_EMAIL: 'b@e.invalid',
};
const git = (cwd, ...a) => execFileSync('git', a, { cwd, env, encoding: 'utf8' });
git(W, 'init', '-q', '--bare', '-b', 'main', 'hook.git');
git(W, 'init', '-q', '--bare', '-b', 'main', 'plain.git');
writeFileSync(
  join(W, 'hook.git', 'hooks', 'pre-receive'),
  execFileSync(process.execPath, [CLI, 'install', '--hook', 'pre-receive', '--print'], {
    env,
    encoding: 'utf8',
  }),
);
chmodSync(join(W, 'hook.git', 'hooks', 'pre-receive'), 0o755);
git(W, 'init', '-q', '-b', 'main', 'c');
const C = join(W, 'c');
writeFileSync(join(C, 'README.md'), 'base\n');
git(C, 'add', '.');
git(C, 'commit', '-qm', 'base');
spawnSync('git', ['push', '-q', join(W, 'hook.git'), 'main'], { cwd: C, env });
git(C, 'push', '-q', join(W, 'plain.git'), 'main');
let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const WORDS = 'the of and to in is for on that with as by this from at are be or an it'.split(' ');
const file = () => {
  const l = [];
  for (let i = 0; i < 60; i++)
    l.push(
      `  const v${i} = ${Array.from({ length: 4 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' + ')};`,
    );
  return `export function f() {\n${l.join('\n')}\n}\n`;
};
async function branch(name, n) {
  const child = spawn('git', ['fast-import', '--quiet'], {
    cwd: C,
    env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  let t = 1_700_000_000;
  let out = '';
  for (let c = 1; c <= n; c++) {
    t += 60;
    const m = `c${c}\n`;
    out += `commit refs/heads/${name}\ncommitter B <b@e.invalid> ${t} +0000\ndata ${m.length}\n${m}\n`;
    out += c === 1 ? `from refs/heads/main^0\n` : '';
    for (let k = 0; k < 3; k++) {
      const d = file();
      out += `M 100644 inline src/f${Math.floor(rnd() * 200)}.js\ndata ${Buffer.byteLength(d)}\n${d}\n`;
    }
    out += '\n';
  }
  child.stdin.end(out);
  await new Promise((r) => child.on('close', r));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows = [];
for (const n of [1, 100, 1000]) {
  const name = `topic${n}`;
  await branch(name, n);
  const times = { hook: [], plain: [] };
  for (let run = 0; run < 5; run++) {
    for (const target of ['hook', 'plain']) {
      const repo = join(W, `${target}.git`);
      const t0 = performance.now();
      const r = spawnSync('git', ['push', '-q', repo, `${name}:refs/heads/${name}`], {
        cwd: C,
        env,
        encoding: 'utf8',
      });
      times[target].push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`${target} push failed: ${r.stderr}`);
      if (run === 4 && target === 'hook') console.log(`${n}:`, r.stderr.trim().split('\n')[0]);
      spawnSync('git', ['push', '-q', repo, `:refs/heads/${name}`], { cwd: C, env });
    }
  }
  const h = median(times.hook);
  const p = median(times.plain);
  rows.push({
    commits: n,
    withHookMs: Math.round(h),
    withoutMs: Math.round(p),
    keyguardMs: Math.round(h - p),
    msPerCommit: +((h - p) / n).toFixed(2),
  });
}
console.table(rows);
console.log(
  `Node ${process.version}; load average ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}`,
);
