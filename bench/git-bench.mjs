#!/usr/bin/env node
// Git gates benchmark: `keyguard staged` on a typical 5-file change (clean, and with a key) and
// `keyguard history` on a synthetic history built with `git fast-import`, against `git log -p`.
// Runs the built CLI (npm run build first). Usage: node bench/git-bench.mjs [--commits N] [--runs N]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'keyguard.js');
const PRE_COMMIT = join(ROOT, 'bin', 'keyguard-pre-commit');
const WORK = join(ROOT, '.bench', 'git');

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const COMMITS = flag('--commits', 30_000);
const RUNS = flag('--runs', 21);

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('git-bench: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

// --- deterministic generator (no key-shaped literal in this file: values are built at run time) ---
let seed = 42;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (alphabet, n) =>
  Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function fakePair() {
  const id = ['AK', 'IA', pick(B32.replace(/[IJ]/g, ''), 1), pick(B32, 15)].join('');
  return `aws_access_key_id = ${id}\naws_secret_access_key = ${pick(B64, 40)}\n`;
}
const WORDS = 'the of and to in is for on that with as by this from at are be or an it'.split(' ');
function sourceFile(lines) {
  const out = [];
  for (let i = 0; i < lines; i++) {
    const n = 3 + Math.floor(random() * 9);
    out.push(
      `  const v${i} = ${Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' + ')};`,
    );
  }
  return `export function f() {\n${out.join('\n')}\n}\n`;
}

// Without NODE_EXTRA_CA_CERTS: where a machine sets it, Node 20 parses that certificate bundle at
// every start (~50 ms), the same time added to every Node row and to the `node -e 0` floor.
const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('GIT_') && k !== 'NODE_EXTRA_CA_CERTS',
    ),
  ),
  HOME: join(WORK, 'home'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  NO_COLOR: '1',
};
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

// --- synthetic history through git fast-import ---
async function buildHistory(dir, commits) {
  git(dir, 'init', '-q', '-b', 'main');
  const child = spawn('git', ['fast-import', '--quiet'], {
    cwd: dir,
    env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const files = 3000;
  let buffered = [];
  let size = 0;
  const write = async (text) => {
    buffered.push(text);
    size += text.length;
    if (size > 1 << 20) {
      if (!child.stdin.write(buffered.join('')))
        await new Promise((r) => child.stdin.once('drain', r));
      buffered = [];
      size = 0;
    }
  };
  const blob = (content) => `data ${Buffer.byteLength(content)}\n${content}\n`;
  let time = 1_600_000_000;
  for (let c = 1; c <= commits; c++) {
    time += 97;
    const msg = `change ${c}\n`;
    let body = `commit refs/heads/${c % 10 === 0 ? 'side' : 'main'}\nmark :${c}\ncommitter Bench <bench@example.invalid> ${time} +0000\n${blob(msg)}`;
    if (c > 1) body += `from :${c - 1}\n`;
    const touched = 1 + Math.floor(random() * 3);
    for (let k = 0; k < touched; k++) {
      const path = `src/m${Math.floor(random() * 60)}/file${Math.floor(random() * files)}.ts`;
      let content = sourceFile(10 + Math.floor(random() * 40));
      // A few keys live and die in history; a few files mention tokens (prefilter hits).
      if (c % 5000 === 1234) content += fakePair();
      else if (c % 97 === 0) content += 'const tokenRefresh = 1;\n';
      body += `M 100644 inline ${path}\n${blob(content)}`;
    }
    await write(`${body}\n`);
  }
  await write('');
  child.stdin.end(buffered.join(''));
  await new Promise((r, j) =>
    child.on('close', (code) => (code === 0 ? r() : j(new Error(`fast-import ${code}`)))),
  );
  git(dir, 'branch', '-f', 'side', 'main');
  git(dir, 'reset', '-q', '--hard', 'main');
}

function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function time(cmd, args, cwd, runs = RUNS) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    t.push(performance.now() - start);
    if (r.status !== 0 && r.status !== 1)
      throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status} ${r.stderr}`);
  }
  return { p50: percentile(t, 50), p90: percentile(t, 90) };
}

/** Peak RSS (KiB) of one process alone (not its git children): VmHWM from /proc while it runs. */
function readHwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? Number.NaN : Number(m[1]);
  } catch {
    return Number.NaN;
  }
}

/** Wall time and the process's own peak RSS, output discarded. */
function measure(cmd, args, cwd) {
  return new Promise((resolvePromise) => {
    const start = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'ignore'] });
    let hwm = Number.NaN;
    const poll = setInterval(() => {
      const v = readHwm(child.pid);
      if (!Number.isNaN(v)) hwm = Number.isNaN(hwm) ? v : Math.max(hwm, v);
    }, 10);
    child.on('exit', (status) => {
      clearInterval(poll);
      resolvePromise({ ms: performance.now() - start, rssKiB: hwm, status });
    });
  });
}

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'home'), { recursive: true });
  const rows = [];

  // Staged: a 200-file project, 5 files changed.
  const small = join(WORK, 'staged');
  mkdirSync(small);
  git(small, 'init', '-q', '-b', 'main');
  for (let i = 0; i < 200; i++) {
    mkdirSync(join(small, `src/d${i % 10}`), { recursive: true });
    writeFileSync(join(small, `src/d${i % 10}/f${i}.ts`), sourceFile(80));
  }
  git(small, 'add', '.');
  git(small, 'commit', '-q', '-m', 'init');
  for (let i = 0; i < 5; i++) writeFileSync(join(small, `src/d${i}/f${i}.ts`), sourceFile(90));
  git(small, 'add', '.');
  /** One timed row of the staged table. */
  const timed = (name, cmd, args, target = '') => {
    const t = time(cmd, args, small, RUNS);
    rows.push([name, t.p50, t.p90, target, '']);
  };
  timed('node -e 0 (start-up floor)', 'node', ['-e', '0']);
  // The reference the issue names: git-secrets' own hook with its AWS patterns, where installed.
  const gitSecrets =
    spawnSync('git', ['secrets', '--register-aws'], { cwd: small, env }).status === 0;
  if (gitSecrets) {
    timed('git-secrets --pre_commit_hook (reference), clean 5-file change', 'git', [
      'secrets',
      '--pre_commit_hook',
    ]);
  }
  // What the installed hook runs: the shell prefilter, which calls `keyguard staged` when needed.
  timed('pre-commit hook (keyguard-pre-commit), clean 5-file change', PRE_COMMIT, [], '≤ ~50 ms');
  timed('keyguard staged alone, clean 5-file change', 'node', [CLI, 'staged']);
  writeFileSync(join(small, 'src/d4/f4.ts'), `${sourceFile(90)}/*\n${fakePair()}*/\n`);
  git(small, 'add', '.');
  if (gitSecrets) {
    timed('git-secrets --pre_commit_hook (reference), one with a key', 'git', [
      'secrets',
      '--pre_commit_hook',
    ]);
  }
  timed('pre-commit hook, 5 files, one with a key', PRE_COMMIT, [], '< 90 ms');
  timed('keyguard staged alone, 5 files, one with a key', 'node', [CLI, 'staged'], '< 90 ms');
  // A project config sends a change with candidates to the full scan (config, baseline, allowlists).
  writeFileSync(join(small, '.keyguard.json'), '{ "failOn": "high" }\n');
  timed('pre-commit hook, with .keyguard.json, one with a key', PRE_COMMIT, []);
  timed('keyguard staged alone, with .keyguard.json', 'node', [CLI, 'staged']);
  rmSync(join(small, '.keyguard.json'));

  // History.
  const big = join(WORK, 'history');
  mkdirSync(big);
  const built = performance.now();
  await buildHistory(big, COMMITS);
  const buildMs = performance.now() - built;
  const count = git(big, 'rev-list', '--count', '--all').trim();
  // The fastest way git itself produces the patches on two cores: two `git log -p` over halves of
  // the commits, side by side.
  const ids = git(big, 'rev-list', '--all').trim().split('\n');
  writeFileSync(join(WORK, 'half-a'), `${ids.slice(0, ids.length >> 1).join('\n')}\n`);
  writeFileSync(join(WORK, 'half-b'), `${ids.slice(ids.length >> 1).join('\n')}\n`);
  const halves = join(WORK, 'halves.sh');
  writeFileSync(
    halves,
    `git log -p -U0 --no-walk=unsorted --stdin < "${join(WORK, 'half-a')}" > /dev/null &\ngit log -p -U0 --no-walk=unsorted --stdin < "${join(WORK, 'half-b')}" > /dev/null\nwait\n`,
  );
  const gitLog = await measure('git', ['log', '-p', '-U0', '--all'], big);
  const gitTwo = await measure('sh', [halves], big);
  const floor = Math.min(gitLog.ms, gitTwo.ms);
  const history = await measure('node', [CLI, 'history', '--format', 'json'], big);
  rows.push([`git log -p -U0 --all (${count} commits)`, gitLog.ms, undefined, '', gitLog.rssKiB]);
  rows.push([`the same, two git log processes on halves`, gitTwo.ms, undefined, '', '']);
  let scanHistory;
  if (spawnSync('git', ['secrets', '--register-aws'], { cwd: big, env }).status === 0) {
    scanHistory = await measure('git', ['secrets', '--scan-history'], big);
    rows.push([`git secrets --scan-history`, scanHistory.ms, undefined, '', scanHistory.rssKiB]);
  }
  rows.push([
    `keyguard history (${count} commits)`,
    history.ms,
    undefined,
    `≤ 1.3x git's floor (${(history.ms / floor).toFixed(2)}x)${scanHistory === undefined ? '' : `; ≤ 0.4x git-secrets (${(history.ms / scanHistory.ms).toFixed(2)}x)`}`,
    history.rssKiB,
  ]);

  const fmt = (v) => (v === undefined || v === '' ? '' : typeof v === 'number' ? v.toFixed(1) : v);
  console.log(
    `\nkeyguard git benchmark, Node ${process.version} (history built in ${(buildMs / 1000).toFixed(1)} s; ${RUNS} runs for staged)`,
  );
  console.log('| case | p50 / wall ms | p90 ms | target | peak RSS MiB |');
  console.log('| --- | ---: | ---: | --- | ---: |');
  for (const [name, a, b, target, rss] of rows) {
    const mib = typeof rss === 'number' && !Number.isNaN(rss) ? (rss / 1024).toFixed(0) : '';
    console.log(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${target} | ${mib} |`);
  }
  if (history.status !== 1)
    console.log(
      `(note: history exit ${history.status}; expected 1, the synthetic history holds keys)`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
