// Tree benchmark: builds a synthetic ~200 MB tree (mixed text and binaries with planted key
// pairs), scans it with the built CLI and prints throughput, peak RSS, recall and start-up time.
// Usage: npm run bench [-- --size-mb 200 --runs 3]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean' },
    dense: { type: 'boolean' },
  },
});
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/keyguard.js');
const TREE = join(ROOT, '.bench/tree');
const TARGET_BYTES = Number(values['size-mb']) * 1024 * 1024;
const RUNS = Number(values.runs);

// Deterministic generator (mulberry32) so every run builds the same tree.
let state = 20261130;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a, n) => Array.from({ length: n }, () => a[Math.floor(random() * a.length)]).join('');
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function fakeSecret() {
  for (;;) {
    const s = pick(B64, 40);
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}
const fakeId = () => `AKIA${pick('ABCDEFGHKLMNOPQRSTUVWXYZ234567', 1)}${pick(B32, 15)}`;

// Ordinary code words; AWS-flavoured lines (region, bucket, tokens, secrets from the environment)
// appear at about the rate they do in a service repository, so the keyword prefilter is exercised
// as in real life. `--dense` makes every line mention them: the engine's worst case.
const WORDS = [
  'const',
  'return',
  'function',
  'value',
  'config',
  'user',
  'request',
  'response',
  'handler',
  'data',
  'item',
  'result',
  'error',
  'client',
  'server',
  'cache',
  'index',
  'table',
  'query',
  'await',
  'async',
  'import',
  'export',
  'string',
  'number',
  'if',
  'else',
  'for',
  'let',
  'this',
  'new',
  'map',
  'filter',
  'length',
];
const AWS_LINES = [
  "const region = process.env.AWS_REGION ?? 'us-east-1';",
  'token = await getSessionToken(request);',
  "secret = os.environ['APP_SECRET']",
  "const s3 = new S3Client({ region: 'eu-west-1' }); // aws sdk v3",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
  'client_secret: ${{ secrets.CLIENT_SECRET }}',
];
// About one file in six is AWS-flavoured (a client, a config module); in those, 2% of lines
// mention regions, secrets or tokens. `--dense` puts such lines everywhere: the worst case.
let awsFile = false;
function codeLine() {
  if (values.dense === true || (awsFile && random() < 0.02))
    return AWS_LINES[Math.floor(random() * AWS_LINES.length)];
  const n = 3 + Math.floor(random() * 9);
  const indent = ' '.repeat(2 * Math.floor(random() * 4));
  return `${indent}${Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(random() < 0.3 ? '.' : ' ')};`;
}
const TEMPLATES = [
  (id, s) => ({
    text: `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${s}\n`,
    line: 2,
  }),
  (id, s) => ({
    text: `export AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY="${s}"\n`,
    line: 1,
  }),
  (id, s) => ({
    text: `const creds = { accessKeyId: '${id}', secretAccessKey: '${s}' };\n`,
    line: 1,
  }),
  (id, s) => ({
    text: `env:\n  - name: AWS_ACCESS_KEY_ID\n    value: ${id}\n  - name: AWS_SECRET_ACCESS_KEY\n    value: ${s}\n`,
    line: 3,
  }),
  (id, s) => ({
    text: `client = boto3.client("s3", aws_access_key_id="${id}", aws_secret_access_key="${s}")\n`,
    line: 1,
  }),
];
const EXTS = ['js', 'ts', 'py', 'yaml', 'json', 'md', 'log', 'go', 'java', 'env'];

function build() {
  rmSync(TREE, { recursive: true, force: true });
  const planted = [];
  let bytes = 0;
  let n = 0;
  while (bytes < TARGET_BYTES) {
    const dir = join(TREE, `pkg${n % 97}`, `mod${n % 13}`);
    mkdirSync(dir, { recursive: true });
    if (n % 20 === 7) {
      // ~5% binaries: random bytes with NULs.
      const size = 20_000 + Math.floor(random() * 400_000);
      const buf = Buffer.alloc(size);
      for (let i = 0; i < size; i += 4)
        buf.writeUInt32LE((random() * 0xffffffff) >>> 0, i < size - 3 ? i : size - 4);
      buf[10] = 0;
      writeFileSync(join(dir, `blob${n}.bin`), buf);
      bytes += size;
    } else {
      const lines = [];
      const target = 2_000 + Math.floor(random() * 120_000);
      let size = 0;
      const plant = n % 40 === 3;
      awsFile = plant || random() < 1 / 6;
      const plantAt = plant ? Math.floor(random() * 50) : -1;
      while (size < target) {
        if (lines.length === plantAt) {
          const t = TEMPLATES[planted.length % TEMPLATES.length](fakeId(), fakeSecret());
          const file = `pkg${n % 97}/mod${n % 13}/file${n}.${EXTS[n % EXTS.length]}`;
          planted.push(`${file}:${lines.length + t.line}`);
          lines.push(t.text.trimEnd());
          size += t.text.length;
          continue;
        }
        const l = codeLine();
        lines.push(l);
        size += l.length + 1;
      }
      const text = `${lines.join('\n')}\n`;
      writeFileSync(join(dir, `file${n}.${EXTS[n % EXTS.length]}`), text);
      bytes += text.length;
    }
    n++;
  }
  writeFileSync(join(TREE, '..', 'planted.json'), JSON.stringify({ bytes, files: n, planted }));
}

function timed(args) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rssKb = Number(r.stderr.trim().split('\n').at(-1));
  return { ms, rssMiB: rssKb / 1024, status: r.status, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!existsSync(BIN) || !existsSync(join(ROOT, 'dist/cli.js')))
  throw new Error('run npm run build first');
if (!existsSync(join(TREE, '..', 'planted.json')) || values.keep !== true) {
  build();
  // A working tree, as the scanner meets one (and as git-secrets was measured): committed files.
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
    ['commit', '-qm', 'synthetic tree'],
  ]) {
    const r = spawnSync('git', args, { cwd: TREE, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
}
const meta = JSON.parse(readFileSync(join(TREE, '..', 'planted.json'), 'utf8'));
const out = join(ROOT, '.bench/tree-report.json');
const scanRuns = () => {
  timed(['tree', TREE, '-f', 'json', '-o', out]); // warm the page cache
  return Array.from({ length: RUNS }, () =>
    timed(['tree', TREE, '-f', 'json', '-o', out, '--fail-on', 'critical']),
  );
};
const runs = scanRuns();
const report = JSON.parse(readFileSync(out, 'utf8'));
const foundKeys = new Set(
  report.findings.map((f) => `${f.path.replace(/^.*?(pkg\d+\/)/, '$1')}:${f.line}`),
);
const hits = meta.planted.filter((p) => foundKeys.has(p)).length;
// The same files as a plain folder (no git): listed by a .gitignore-aware walk instead.
const parked = join(TREE, '..', 'tree.git');
renameSync(join(TREE, '.git'), parked);
let folderRuns;
try {
  folderRuns = scanRuns();
} finally {
  renameSync(parked, join(TREE, '.git'));
}
const folderBest = Math.min(...folderRuns.map((r) => r.ms));
const versionMs = median(Array.from({ length: 15 }, () => timed(['--version']).ms));
const best = Math.min(...runs.map((r) => r.ms));
const mb = meta.bytes / 1024 / 1024;
const rows = [
  [
    'tree size',
    `${mb.toFixed(1)} MiB in ${meta.files} files (${report.skipped.count} skipped: ${JSON.stringify(report.skipped.byReason)})`,
  ],
  [
    'scan time (best of runs)',
    `${best.toFixed(0)} ms (runs: ${runs.map((r) => r.ms.toFixed(0)).join(', ')})`,
  ],
  ['throughput (git working tree)', `${(mb / (best / 1000)).toFixed(0)} MiB/s (target >= 400)`],
  [
    'throughput (plain folder, walked)',
    `${(mb / (folderBest / 1000)).toFixed(0)} MiB/s (best ${folderBest.toFixed(0)} ms)`,
  ],
  [
    'peak RSS',
    `${Math.max(...runs.map((r) => r.rssMiB), ...folderRuns.map((r) => r.rssMiB)).toFixed(0)} MiB (target < 150)`,
  ],
  [
    'recall of planted pairs',
    `${hits}/${meta.planted.length} (${report.findings.length} findings in all)`,
  ],
  ['keyguard --version (median of 15)', `${versionMs.toFixed(0)} ms (target < 80)`],
];
for (const [k, v] of rows) console.log(`${k.padEnd(36)} ${v}`);
