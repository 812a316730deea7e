// Tree benchmark on a real-shaped working tree: tens of thousands of small files with the size
// distribution of real repositories (a log-normal body, median ~1.8 KB), a few large files, binaries
// (~4.5% of files), a few archives and planted key pairs. keyguard scans it beside git-secrets and
// ripgrep when they are installed, interleaved run by run; the table gives medians, ratios, peak RSS
// and how many planted keys each found. Also: an empty repository against `node -e 0` + git ls-files.
// Usage: npm run bench [-- --files 40000 --runs 5 --keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const USAGE = 'usage: node bench/run.mjs [--files N] [--runs N] [--keep]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      files: { type: 'string', default: '40000' },
      runs: { type: 'string', default: '5' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  // One line naming the flag (parseArgs says which), never a stack trace.
  console.error(`bench: ${error.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
for (const flag of ['files', 'runs']) {
  if (!/^[1-9][0-9]*$/.test(values[flag])) {
    console.error(`bench: --${flag} takes a whole number from 1, not '${values[flag]}'`);
    process.exit(2);
  }
}
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/keyguard.js');
const TREE = join(ROOT, '.bench/real-shaped');
const META = join(ROOT, '.bench/real-shaped.json');
const FILES = Number(values.files);
const RUNS = Number(values.runs);

// Deterministic generator (mulberry32): every run builds the same tree.
let state = 20261206;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
/** Standard normal (Box–Muller), for log-normal file sizes. */
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const pick = (a, n) => Array.from({ length: n }, () => a[Math.floor(random() * a.length)]).join('');
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function fakeSecret() {
  for (;;) {
    const s = pick(B64, 40);
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}
const fakeId = () =>
  ['AK', 'IA', pick('ABCDEFGHKLMNOPQRSTUVWXYZ234567', 1), pick(B32, 15)].join('');

// Words of ordinary code. A few files are AWS-flavoured (clients, configs) and some lines say
// "secret", "token" or hold long base64 runs (lock files, hashes), as real repositories do: the
// prefilter meets the same near-misses as in life.
const WORDS =
  'const return function value config user request response handler data item result error client server cache index table query await async import export string number if else for let this new map filter length'.split(
    ' ',
  );
const NEAR_MISSES = [
  "const region = process.env.AWS_REGION ?? 'us-east-1';",
  'token = await getSessionToken(request);',
  "secret = os.environ['APP_SECRET']",
  '// a discrete step, concrete and secretive',
  () => `    "integrity": "sha512-${pick(B64, 86)}==",`,
  () => `sha256 = "${pick('0123456789abcdef', 64)}"`,
];
function codeLine(aws) {
  if (random() < (aws ? 0.03 : 0.002)) {
    const l = NEAR_MISSES[Math.floor(random() * NEAR_MISSES.length)];
    return typeof l === 'function' ? l() : l;
  }
  const n = 3 + Math.floor(random() * 9);
  const indent = ' '.repeat(2 * Math.floor(random() * 4));
  return `${indent}${Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(random() < 0.3 ? '.' : ' ')};`;
}
const TEMPLATES = [
  (id, s) => [`[default]`, `aws_access_key_id = ${id}`, `aws_secret_access_key = ${s}`],
  (id, s) => [`export AWS_ACCESS_KEY_ID=${id}`, `export AWS_SECRET_ACCESS_KEY="${s}"`],
  (id, s) => [`const creds = { accessKeyId: '${id}', secretAccessKey: '${s}' };`],
  (id, s) => [
    `client = boto3.client("s3", aws_access_key_id="${id}", aws_secret_access_key="${s}")`,
  ],
];
const EXTS = ['js', 'ts', 'py', 'c', 'h', 'go', 'java', 'md', 'json', 'yaml', 'txt', 'rs'];

function textFile(size, plant) {
  const aws = plant !== undefined || random() < 0.08;
  const lines = [];
  let bytes = 0;
  const at = plant === undefined ? -1 : Math.floor(random() * 40);
  while (bytes < size || lines.length <= at) {
    if (lines.length === at) {
      const block = TEMPLATES[plant.template](plant.id, plant.secret);
      // Findings are reported at the key ID's line.
      plant.line = lines.length + 1 + block.findIndex((l) => l.includes(plant.id));
      for (const l of block) lines.push(l);
      continue;
    }
    const l = codeLine(aws);
    lines.push(l);
    bytes += l.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function binaryFile(size) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) buf.writeUInt32LE((random() * 0xffffffff) >>> 0, i);
  // Symbol tables and strings, as in real objects: ASCII runs between the noise.
  for (let i = 64; i < size - 200; i += 2048 + Math.floor(random() * 4096)) {
    buf.write(`${codeLine(false)}\0`, i, 'latin1');
  }
  buf[0] = 0x7f;
  buf[1] = 0;
  return buf;
}

function build() {
  rmSync(TREE, { recursive: true, force: true });
  const planted = [];
  let bytes = 0;
  for (let n = 0; n < FILES; n++) {
    const dir = `src/p${n % 211}/m${(n >> 3) % 17}`;
    mkdirSync(join(TREE, dir), { recursive: true });
    let name;
    let data;
    if (n < 4) {
      // A few large files: generated data, a vendored bundle, shared objects.
      name = `${dir}/large${n}.${n % 2 === 0 ? 'so' : 'json'}`;
      const size = (4 + n * 5) * 1024 * 1024;
      data = n % 2 === 0 ? binaryFile(size) : textFile(size);
    } else if (n % 22 === 5) {
      name = `${dir}/obj${n}.o`;
      data = binaryFile(Math.max(64, Math.floor(Math.exp(Math.log(12_000) + normal()))));
    } else if (n % 1000 === 17) {
      name = `${dir}/data${n}.json.gz`;
      data = gzipSync(textFile(40_000));
    } else {
      name = `${dir}/f${n}.${EXTS[n % EXTS.length]}`;
      const size = Math.min(2_000_000, Math.floor(Math.exp(Math.log(1_800) + 1.5 * normal())));
      const plant =
        n % 800 === 11
          ? { template: planted.length % TEMPLATES.length, id: fakeId(), secret: fakeSecret() }
          : undefined;
      data = textFile(size, plant);
      if (plant !== undefined) planted.push({ path: name, line: plant.line, id: plant.id });
    }
    writeFileSync(join(TREE, name), data);
    bytes += data.length;
  }
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  };
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'real-shaped tree'],
  ]) {
    const r = spawnSync('git', args, { cwd: TREE, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
  writeFileSync(META, JSON.stringify({ files: FILES, bytes, planted }));
}

const have = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const HAS_GIT_SECRETS = have('git-secrets', ['--list']) || have('which', ['git-secrets']);
const HAS_RG = have('rg', ['--version']);

/**
 * Every timed command runs without NODE_EXTRA_CA_CERTS: where a machine sets it, Node 20 parses
 * that certificate bundle at every start (~50 ms), which would add the same time to keyguard and
 * to the `node -e 0` floor and flatter the ratios. A user's shell rarely has it.
 */
const { NODE_EXTRA_CA_CERTS: _certs, ...TIMED_ENV } = process.env;

/** One whole-process run: wall time, peak RSS (GNU time) and output. */
function timed(cmd, args, cwd) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    cwd,
    env: TIMED_ENV,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const lines = r.stderr.trim().split('\n');
  return {
    ms,
    rssMiB: Number(lines.at(-1)) / 1024,
    stdout: r.stdout,
    stderr: lines.slice(0, -1).join('\n'),
  };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('run npm run build first');
if (!existsSync(META) || values.keep !== true) build();
const meta = JSON.parse(readFileSync(META, 'utf8'));
if (HAS_GIT_SECRETS) spawnSync('git', ['secrets', '--register-aws'], { cwd: TREE });

const out = join(ROOT, '.bench/real-shaped-report.json');
const tools = [
  {
    name: 'keyguard tree .',
    run: () => timed(process.execPath, [BIN, 'tree', '.', '-f', 'json', '-o', out], TREE),
    found: () => {
      const report = JSON.parse(readFileSync(out, 'utf8'));
      const at = new Set(report.findings.map((f) => `${f.path}:${f.line}`));
      return meta.planted.filter((p) => at.has(`${p.path}:${p.line}`)).length;
    },
  },
  ...(HAS_GIT_SECRETS
    ? [
        {
          name: 'git secrets --scan',
          run: () => timed('git', ['secrets', '--scan'], TREE),
          found: (r) =>
            meta.planted.filter((p) => r.stderr.includes(p.id) || r.stdout.includes(p.id)).length,
        },
      ]
    : []),
  ...(HAS_RG
    ? [
        {
          name: "rg -j2 -c 'AKIA|ASIA'",
          run: () => timed('rg', ['-j2', '-c', 'AKIA|ASIA', '.'], TREE),
          found: (r) => meta.planted.filter((p) => r.stdout.includes(`${p.path}:`)).length,
        },
      ]
    : []),
];
// Warm the page cache, then interleave: each round runs every tool once.
for (const t of tools) t.run();
const results = new Map(tools.map((t) => [t.name, []]));
for (let i = 0; i < RUNS; i++) for (const t of tools) results.get(t.name).push(t.run());

const kg = median(results.get(tools[0].name).map((r) => r.ms));
console.log(
  `real-shaped tree: ${meta.files} files, ${(meta.bytes / 1048576).toFixed(0)} MiB, ${meta.planted.length} planted pairs; median of ${RUNS} interleaved runs`,
);
console.log(
  `${'command'.padEnd(24)} ${'median'.padStart(9)} ${'range'.padStart(15)} ${'keyguard/it'.padStart(12)} ${'peak RSS'.padStart(10)} keys found`,
);
for (const t of tools) {
  const runs = results.get(t.name);
  const ms = runs.map((r) => r.ms);
  const m = median(ms);
  console.log(
    `${t.name.padEnd(24)} ${`${m.toFixed(0)} ms`.padStart(9)} ${`${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}`.padStart(15)} ${(kg / m).toFixed(2).padStart(12)} ${`${Math.max(...runs.map((r) => r.rssMiB)).toFixed(0)} MiB`.padStart(10)} ${t.found(runs.at(-1))}/${meta.planted.length}`,
  );
}

// An empty repository: what a hook or a tiny project pays. Floor: Node's start plus one listing.
const tiny = join(ROOT, '.bench/tiny');
rmSync(tiny, { recursive: true, force: true });
mkdirSync(tiny, { recursive: true });
spawnSync('git', ['init', '-q'], { cwd: tiny });
writeFileSync(join(tiny, 'README.md'), '# tiny\n');
const tinyRuns = { kg: [], node: [], ls: [] };
for (let i = 0; i < 15; i++) {
  tinyRuns.kg.push(timed(process.execPath, [BIN, 'tree', '.'], tiny).ms);
  tinyRuns.node.push(timed(process.execPath, ['-e', '0'], tiny).ms);
  tinyRuns.ls.push(timed('git', ['ls-files'], tiny).ms);
}
const floor = median(tinyRuns.node) + median(tinyRuns.ls);
console.log(
  `tiny repository: keyguard tree . ${median(tinyRuns.kg).toFixed(0)} ms; node -e 0 + git ls-files ${floor.toFixed(0)} ms (${(median(tinyRuns.kg) / floor).toFixed(2)}x)`,
);
