import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeContext } from '../../src/engine/decode/find-encoded.js';
import { CHAIN_REACH_LINES } from '../../src/engine/decode/find-split.js';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { createRandom, expandPlaceholders } from '../../src/rules/expand-placeholders.js';
import { type FakePair, fakePair } from '../helpers/fake-keys.js';
import { createRepo } from '../helpers/git-repo.js';

const SCRIPT = resolve(import.meta.dirname, '../../bin/keyguard-pre-commit');
const CORPUS = resolve(import.meta.dirname, '../../fixtures/corpus');

/**
 * The script's own added-line pattern (POSIX ERE; the same syntax in JavaScript here): the `-e`
 * argument that starts `^\+.*(`, its `$name` parts filled in from the script's `name='…'` lines.
 */
function prefilterSource(): string {
  const script = readFileSync(SCRIPT, 'utf8');
  const parts = new Map<string, string>();
  for (const m of script.matchAll(/^([a-z0-9_]+)='([^']*)'$/gm)) parts.set(m[1] ?? '', m[2] ?? '');
  const quoted = /-e '(\^\\\+\.\*\([^']+)'/.exec(script)?.[1];
  const double = /-e "(\^\\\\\+\.\*\([^"]+)"/.exec(script)?.[1];
  const pattern =
    quoted ??
    double?.replace(/\\\\/g, '\\').replace(/\$([a-z0-9_]+)/g, (whole, name: string) => {
      const part = parts.get(name);
      if (part === undefined) throw new Error(`${whole} is not set in bin/keyguard-pre-commit`);
      return part;
    });
  if (pattern === undefined) throw new Error('pattern not found in bin/keyguard-pre-commit');
  return pattern;
}

function prefilter(): RegExp {
  return new RegExp(prefilterSource());
}

/** Cuts `text` into consecutive pieces: map over the lengths, in order. */
function cut(text: string): (length: number) => string {
  let at = 0;
  return (length) => {
    at += length;
    return text.slice(at - length, at);
  };
}

/** The lines that grep itself, run as the script runs it, does not match. */
function grepMisses(lines: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kg-prefilter-'));
  try {
    const file = join(dir, 'added');
    writeFileSync(file, lines.map((l) => `+${l}\n`).join(''));
    const r = spawnSync('grep', ['-vE', '-e', prefilterSource(), file], {
      env: { ...process.env, LC_ALL: 'C' },
      encoding: 'utf8',
    });
    if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
    return r.stdout === ''
      ? []
      : r.stdout
          .slice(0, -1)
          .split('\n')
          .map((l) => l.slice(1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every text the engine is known to find something in: rule examples and the corpus positives. */
function positives(): { name: string; text: string }[] {
  const out = BUILTIN_PACK.rules.flatMap((r) =>
    r.examples.match.map((e, i) => ({
      name: `${r.id} match ${i}`,
      text: expandPlaceholders(e, 1000 + i),
    })),
  );
  for (const dir of readdirSync(CORPUS).filter((d) => d.startsWith('ng.'))) {
    const input = readdirSync(join(CORPUS, dir)).find((f) => f !== 'expected.json');
    if (input === undefined) continue;
    out.push({
      name: dir,
      text: expandPlaceholders(readFileSync(join(CORPUS, dir, input), 'utf8'), 7),
    });
  }
  return out;
}

const hex = (c: string, width: number) =>
  c.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');
const urlEscape = (c: string) => `%${hex(c, 2)}`;

/**
 * Every way the engine's decoders (src/engine/decode/find-escaped.ts) write one character, and
 * escapes of those escapes (decoding goes two levels deep).
 */
const ESCAPES: Readonly<Record<string, (c: string) => string>> = {
  url: urlEscape,
  'url, lower-case hex': (c) => `%${hex(c, 2).toLowerCase()}`,
  '\\u': (c) => `\\u${hex(c, 4)}`,
  '\\u{}': (c) => `\\u{${hex(c, 1)}}`,
  '\\x': (c) => `\\x${hex(c, 2).toLowerCase()}`,
  'decimal entity': (c) => `&#${c.charCodeAt(0)};`,
  'hex entity': (c) => `&#x${hex(c, 1).toLowerCase()};`,
  'url of url': (c) => `%25${hex(c, 2)}`,
  'url of \\u': (c) => `%5Cu${hex(c, 4)}`,
  '\\u of JSON': (c) => `\\\\u${hex(c, 4)}`,
  'entity of entity': (c) => `&amp;#${c.charCodeAt(0)};`,
  'numeric entity of entity': (c) => `&#38;#${c.charCodeAt(0)};`,
  '\\u of entity': (c) => `\\u0026#${c.charCodeAt(0)};`,
  'entity of url': (c) => `&#37;${hex(c, 2)}`,
};

/** Where an encoded key ID is written: anywhere at all, or after a secret's label. */
const ID_CONTEXTS: Readonly<Record<string, (v: string) => string>> = {
  json: (v) => `{"AccessKeyId": "${v}"}`,
  url: (v) => `https://example.com/upload?key=${v}&x=1`,
  env: (v) => `AWS_ACCESS_KEY_ID=${v}`,
  html: (v) => `<input name="key" value="${v}">`,
  labelled: (v) => `aws_secret_access_key = "${v}"`,
  'labelled, bare': (v) => `aws_secret_access_key=${v}`,
  'label above': (v) => `aws_secret_access_key:\n  ${v}`,
};
/** A secret alone is reported only after its label. */
const SECRET_CONTEXTS: Readonly<Record<string, (v: string) => string>> = {
  labelled: (v) => `aws_secret_access_key = "${v}"`,
  'labelled, bare': (v) => `aws_secret_access_key=${v}`,
  'label above': (v) => `aws_secret_access_key:\n  ${v}`,
};

/** base64 (or base64url) of `value` with `before` bytes ahead of it: each alignment in a run. */
function base64(value: string, before: number, after: number, url = false, pad = true): string {
  // Not letters or digits, which would make the key ID part of a longer word.
  const text = `${':'.repeat(before)}${value}${';'.repeat(after)}`;
  const out = Buffer.from(text).toString(url ? 'base64url' : 'base64');
  return pad ? out : out.replace(/=+$/, '');
}

/** The key-shaped values the tests encode: a pair for each key-ID prefix, made at test time. */
function pairs(): FakePair[] {
  return ['AKIA', 'ASIA', 'ABIA', 'ACCA'].map((p) => fakePair(p));
}

/** Encoded texts, by name, for every encoding of a key ID or secret the engine decodes. */
function encodedCases(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const add = (name: string, contexts: Record<string, (v: string) => string>, v: string) => {
    for (const [where, put] of Object.entries(contexts))
      out.push({ name: `${name} (${where})`, text: put(v) });
  };
  for (const { id, secret } of pairs()) {
    const p = id.slice(0, 4);
    for (const [how, write] of Object.entries(ESCAPES)) {
      // Each of the prefix's letters escaped (any later one leaves the prefix readable), and all.
      for (let i = 0; i < 4; i++) {
        add(
          `${p}: letter ${i} as ${how}`,
          ID_CONTEXTS,
          id.slice(0, i) + write(id.charAt(i)) + id.slice(i + 1),
        );
      }
      add(`${p}: every letter as ${how}`, ID_CONTEXTS, [...id].map(write).join(''));
      // A secret with one character escaped (which breaks a run of plain characters), and all.
      for (const i of [0, 19, 39]) {
        add(
          `secret: character ${i} as ${how}`,
          SECRET_CONTEXTS,
          secret.slice(0, i) + write(secret.charAt(i)) + secret.slice(i + 1),
        );
      }
      add(`secret: every character as ${how}`, SECRET_CONTEXTS, [...secret].map(write).join(''));
    }
    for (let before = 0; before < 3; before++) {
      for (const after of [0, 1, 2, 9]) {
        for (const url of [false, true]) {
          for (const pad of [true, false]) {
            const shape = `${url ? 'base64url' : 'base64'} at offset ${before}+${after}${pad ? '' : ', unpadded'}`;
            add(`${p}: ${shape}`, ID_CONTEXTS, base64(id, before, after, url, pad));
            // Encoded twice (a .dockerconfigjson inside a Secret's data), each layer at each offset.
            add(
              `${p}: ${shape}, twice`,
              ID_CONTEXTS,
              base64(base64(id, before, 0), after % 3, 0, url, pad),
            );
            // An escaped first letter, then base64.
            for (const escaped of [
              `%41${id.slice(1)}`,
              `%41%${hex(id.charAt(1), 2)}${id.slice(2)}`,
              `\\u0041${id.slice(1)}`,
              `&#65;${id.slice(1)}`,
              `&#x41;${id.slice(1)}`,
            ]) {
              add(
                `${p}: ${shape} of ${escaped.slice(0, 6)}`,
                ID_CONTEXTS,
                base64(escaped, before, after, url, pad),
              );
            }
          }
        }
        // A secret's label, then base64 of what holds the key (what a Kubernetes Secret writes).
        add(
          `secret: base64 at offset ${before}+${after}`,
          SECRET_CONTEXTS,
          base64(secret, before, after),
        );
        // base64url of text whose `?` and `~` come out as `_` and `-`, cutting every plain run.
        const cut = `${'?~'.repeat(before + 1)}\\x41${id.slice(1)}${'?~>'.repeat(after + 4)}`;
        add(
          `${p}: base64url of \\x41… cut by ?~ at ${before}+${after}`,
          SECRET_CONTEXTS,
          base64(cut, before, 0, true),
        );
      }
      // base64 with one of its first characters URL-escaped (a token in a query string).
      const b = base64(id, before, 3);
      for (let i = 0; i < 6; i++) {
        add(
          `${p}: base64 at offset ${before}, character ${i} as url`,
          ID_CONTEXTS,
          b.slice(0, i) + urlEscape(b.charAt(i)) + b.slice(i + 1),
        );
      }
    }
  }
  return out;
}

/** Findings of the engine in `text` whose lines (the value's and its partner's) the pattern misses. */
function misses(
  pack: ReturnType<typeof compilePacks>,
  pattern: RegExp,
  name: string,
  text: string,
): { found: boolean; missed: string[]; lines: string[] } {
  const lines = text.split('\n');
  const missed: string[] = [];
  const own: string[] = [];
  const findings = detectChunk(
    { source: 'staged', path: name, text },
    pack,
    EMPTY_ENGINE_ALLOWLIST,
  );
  for (const f of findings) {
    // A staged finding needs an added line holding one of its values: the primary or the partner.
    const at = [f.location, ...(f.partner === undefined ? [] : [f.partner])].map(
      (l) => lines[l.line - 1] ?? '',
    );
    own.push(...at);
    if (!at.some((l) => pattern.test(`+${l}`))) missed.push(`${name}:${f.location.line}`);
  }
  return { found: findings.length > 0, missed, lines: own };
}

describe('bin/keyguard-pre-commit', () => {
  const pattern = prefilter();
  const pack = compilePacks([{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }], {
    enable: BUILTIN_PACK.rules.map((r) => r.id),
  });

  it('lets through no line the engine reports: its pattern is a superset of every finding', () => {
    const cases = positives();
    expect(cases.length).toBeGreaterThan(20);
    const missed: string[] = [];
    for (const c of cases) {
      const lines = c.text.split('\n');
      for (const f of detectChunk(
        { source: 'staged', path: c.name, text: c.text },
        pack,
        EMPTY_ENGINE_ALLOWLIST,
      )) {
        // A staged finding needs an added line holding one of its values: the primary or the partner.
        const own = [f.location, ...(f.partner === undefined ? [] : [f.partner])];
        if (!own.some((l) => pattern.test(`+${lines[l.line - 1] ?? ''}`)))
          missed.push(`${c.name}:${f.location.line}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('lets through no encoding of a key ID or secret that the engine decodes, at any offset', () => {
    const found = new Set<string>();
    const missed: string[] = [];
    const lines: string[] = [];
    for (const c of encodedCases()) {
      const r = misses(pack, pattern, c.name, c.text);
      if (r.found) found.add(c.name);
      missed.push(...r.missed);
      lines.push(...r.lines);
    }
    expect(missed).toEqual([]);
    // grep itself, not only its JavaScript reading, lets none of them through.
    expect(grepMisses(lines)).toEqual([]);
    // The engine does decode these (else the check above would prove nothing): what an attacker's
    // review found the prefilter letting through, base64 of a key ID at each offset in a run,
    // `\u0041KIA…` and `%41KIA…`.
    for (const p of ['AKIA', 'ASIA', 'ABIA', 'ACCA']) {
      for (let before = 0; before < 3; before++) {
        expect(found).toContain(`${p}: base64 at offset ${before}+0 (env)`);
        expect(found).toContain(`${p}: base64 at offset ${before}+9 (env)`);
        expect(found).toContain(`${p}: base64url at offset ${before}+2, unpadded (json)`);
        expect(found).toContain(`${p}: base64 at offset ${before}+0, twice (env)`);
        expect(found).toContain(`${p}: base64 at offset ${before}+0 of \\u0041 (json)`);
        expect(found).toContain(`${p}: base64url of \\x41… cut by ?~ at ${before}+1 (labelled)`);
      }
      expect(found).toContain(`${p}: letter 0 as \\u (json)`);
      expect(found).toContain(`${p}: letter 0 as url (url)`);
      expect(found).toContain(`${p}: letter 0 as url of url (url)`);
      expect(found).toContain(`${p}: letter 1 as url, lower-case hex (labelled)`);
      expect(found).toContain(`${p}: letter 2 as \\x (labelled)`);
      expect(found).toContain(`${p}: letter 0 as decimal entity (html)`);
      expect(found).toContain(`${p}: letter 3 as hex entity (labelled)`);
      expect(found).toContain(`${p}: letter 1 as \\u of entity (labelled, bare)`);
      expect(found).toContain(`${p}: every letter as \\u{} (json)`);
    }
    expect(found).toContain('secret: character 19 as decimal entity (labelled)');
    expect(found).toContain('secret: character 19 as \\u{} (labelled)');
    expect(found).toContain('secret: base64 at offset 1+9 (label above)');
  });

  it('lets through a secret written in pieces when its label is on an added line', () => {
    const { secret } = fakePair();
    const [a, b] = [secret.slice(0, 20), secret.slice(20)];
    const texts = [
      `aws_secret_access_key = "${a}" + "${b}"\n`,
      `AWS_SECRET_ACCESS_KEY: >-\n  ${a}\n  ${b}\n`,
      `creds = {"secret": "${a}" "${b}", "cloud": "aws"}\n`,
    ];
    for (const text of texts) {
      const found = detectChunk(
        { source: 'staged', path: 'x.txt', text },
        pack,
        EMPTY_ENGINE_ALLOWLIST,
      );
      // The engine reports it: otherwise this test would prove nothing.
      expect(found.length, text).toBeGreaterThan(0);
      // Every line is added, as in the commit that adds the text: one of them must hand over.
      const lines = text.split('\n').filter((l) => l !== '');
      expect(grepMisses(lines).length, text).toBeLessThan(lines.length);
    }
  });

  // A key ID glued to `_` or to an escaped `=` still holds its prefix, and a secret is still a run
  // of 40: the script's pattern needs no change for these shapes, and this keeps it so.
  it('lets through a key pair in underscore emphasis or glued to an escaped "="', () => {
    const { id, secret } = fakePair();
    const texts = [
      `The deploy key is __${id}__, its secret __${secret}__.\n`,
      `- aws_access_key_id: _${id}_\n- aws_secret_access_key: _${secret}_\n`,
      `aws_access_key_id=3D${id}\naws_secret_access_key=3D${secret}\n`,
      `"aws_access_key_id\\x3d${id}\\naws_secret_access_key\\x3D${secret}"\n`,
      `"aws_access_key_id\\u003d${id}\\naws_secret_access_key\\u003d${secret}"\n`,
      `<h2>AWS</h2>\n<p>Key: =E2=80=9C${id}=E2=80=9D</p>\n<p>Secret: =E2=80=9C${secret}=E2=80=9D</p>\n`,
    ];
    const lines: string[] = [];
    for (const text of texts) {
      const r = misses(pack, pattern, 'notes.md', text);
      // The engine reports it: otherwise this test would prove nothing.
      expect(r.found, text).toBe(true);
      expect(r.missed, text).toEqual([]);
      lines.push(...r.lines);
    }
    expect(grepMisses(lines)).toEqual([]);
  });

  it('lets through every base64 fingerprint the engine looks for, alone on a line', () => {
    const ctx = decodeContext(pack);
    expect(ctx).toBeDefined();
    const words = [...(ctx?.phases.keys() ?? [])];
    expect(words.length).toBeGreaterThan(40);
    expect(words.filter((w) => !pattern.test(`+${w}`))).toEqual([]);
    expect(grepMisses(words)).toEqual([]);
  });

  it('lets through no key ID or secret with escapes mixed at random, one or two layers deep', () => {
    const random = createRandom(20_240_611);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const escapes = Object.values(ESCAPES);
    const mix = (s: string, p: number) =>
      [...s].map((c) => (random() < p ? pick(escapes)(c) : c)).join('');
    const contexts = [...Object.values(ID_CONTEXTS)];
    let found = 0;
    const missed: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const { id, secret } = pick(pairs());
      let value = random() < 0.6 ? id : secret;
      const layers = 1 + Math.floor(random() * 2);
      for (let k = 0; k < layers; k++) {
        value =
          random() < 0.7
            ? mix(value, pick([0.05, 0.2, 0.5, 1]))
            : base64(value, Math.floor(random() * 3), Math.floor(random() * 4), random() < 0.5);
      }
      const r = misses(pack, pattern, `mix ${i}`, pick(contexts)(value));
      if (r.found) found++;
      missed.push(...r.missed);
    }
    expect(missed).toEqual([]);
    expect(found).toBeGreaterThan(200);
  });

  it('answers alone for a clean change, and hands anything suspicious to the full scan', () => {
    const r = createRepo();
    try {
      r.write('a.txt', 'one\n');
      r.git('add', 'a.txt');
      // As a hook: silent when clean. KEYGUARD_VERBOSE=1 says which path answered.
      const silent = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      });
      expect(silent.status).toBe(0);
      expect(silent.stdout + silent.stderr).toBe('');
      const verbose = { ...r.env, KEYGUARD_VERBOSE: '1' };
      const clean = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: verbose,
        encoding: 'utf8',
      });
      expect(clean.status).toBe(0);
      expect(clean.stderr).toMatch(/nothing in the staged changes can hold an AWS key/);
      r.write('b.txt', `value = "${'Ab3'.repeat(14)}"\n`);
      r.git('add', 'b.txt');
      const quietFull = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      });
      expect(quietFull.status).toBe(0);
      expect(quietFull.stdout + quietFull.stderr).toBe('');
      const full = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: verbose,
        encoding: 'utf8',
      });
      // A 40-character run reached the full scan, which found it unlabelled and unpaired: clean.
      expect(full.status).toBe(0);
      expect(full.stdout).toMatch(/no AWS credentials found/);
    } finally {
      r.cleanup();
    }
  });

  it("hands every change to the full scan while the user's own config exists (it may add rules)", () => {
    const r = createRepo();
    try {
      r.write('a.txt', 'one\n');
      r.git('add', 'a.txt');
      const hook = (env: Record<string, string>) =>
        spawnSync('keyguard-pre-commit', [], { cwd: r.dir, env, encoding: 'utf8' });
      expect(hook(r.env).status).toBe(0);
      // A broken config stops the commit only if the full scan reads it.
      const home = r.env.HOME as string;
      const xdg = join(home, 'elsewhere');
      mkdirSync(join(xdg, 'keyguard'), { recursive: true });
      writeFileSync(join(xdg, 'keyguard', 'config.json'), '{ broken');
      const viaXdg = hook({ ...r.env, XDG_CONFIG_HOME: xdg });
      expect(viaXdg.status).toBe(2);
      expect(viaXdg.stderr).toContain('config.json');
      expect(hook(r.env).status).toBe(0);
      // Without XDG_CONFIG_HOME (or with a relative one), the home folder's .config.
      mkdirSync(join(home, '.config', 'keyguard'), { recursive: true });
      writeFileSync(join(home, '.config', 'keyguard', 'config.json'), '{ broken');
      const { XDG_CONFIG_HOME: _, ...noXdg } = r.env;
      expect(hook(noXdg).status).toBe(2);
      expect(hook({ ...noXdg, XDG_CONFIG_HOME: 'relative' }).status).toBe(2);
    } finally {
      r.cleanup();
    }
  });

  it('blocks, as the hook, the encoded key IDs it once let through without starting Node', () => {
    const r = createRepo();
    try {
      const { id } = fakePair();
      const lines = [
        `AWS_ACCESS_KEY_ID: ${Buffer.from(id).toString('base64')}`,
        `{"k": "\\u0041${id.slice(1)}"}`,
        `https://example.com/?k=%41${id.slice(1)}`,
      ];
      for (const [i, line] of lines.entries()) {
        r.write(`t${i}.txt`, `${line}\n`);
        r.git('add', `t${i}.txt`);
        const res = spawnSync('keyguard-pre-commit', [], {
          cwd: r.dir,
          env: r.env,
          encoding: 'utf8',
        });
        expect(res.status, line).toBe(1);
        expect(res.stdout).not.toContain(id);
        r.git('rm', '-q', '--cached', `t${i}.txt`);
      }
    } finally {
      r.cleanup();
    }
  });

  it('shows as many unchanged lines around a change as a secret in pieces reaches below its label', () => {
    expect(readFileSync(SCRIPT, 'utf8')).toMatch(new RegExp(`^context=${CHAIN_REACH_LINES}$`, 'm'));
  });

  it('blocks pieces of a secret added under a key ID and label already committed', () => {
    const r = createRepo();
    try {
      const { id, secret } = fakePair();
      const hook = () =>
        spawnSync('keyguard-pre-commit', [], { cwd: r.dir, env: r.env, encoding: 'utf8' });
      // What the hook hands over to, run by hand: it must find the pair, or the test proves nothing.
      const fullScan = () =>
        spawnSync('keyguard', ['staged', '-f', 'json'], {
          cwd: r.dir,
          env: r.env,
          encoding: 'utf8',
        });
      const filler = Array.from({ length: 40 }, (_, i) => `x${i} = ${i}`).join('\n');
      const before = `AWS_ACCESS_KEY_ID = "${id}"\nAWS_SECRET_ACCESS_KEY = (\n)\n${filler}\n`;
      r.write('settings.py', before);
      r.git('add', 'settings.py');
      r.git('commit', '-q', '--no-verify', '-m', 'an ID, and a secret to come');
      // A change far below the label (more lines than any chain reaches) still answers alone.
      r.write('settings.py', `${before}x_last = 1\n`);
      r.git('add', 'settings.py');
      const far = hook();
      expect(far.status, far.stderr).toBe(0);
      expect(far.stdout + far.stderr).toBe('');
      // Twenty characters a line: no 40-character run, no label, no key ID on an added line.
      const pieces = `AWS_SECRET_ACCESS_KEY = (\n    "${secret.slice(0, 20)}"\n    "${secret.slice(20)}"\n)\n`;
      r.write('settings.py', before.replace('AWS_SECRET_ACCESS_KEY = (\n)\n', pieces));
      r.git('add', 'settings.py');
      // The full scan finds the pair (at the key ID's unchanged line): otherwise this proves nothing.
      const staged = fullScan();
      expect(staged.status, staged.stderr).toBe(1);
      const res = hook();
      expect(res.status, res.stdout).toBe(1);
      expect(res.stdout).toContain('aws-access-key-pair');
      expect(res.stdout + res.stderr).not.toContain(secret);
      // As far as a chain reaches: a key ID in pieces over 12 lines, then a secret in 12 pieces,
      // its last piece changed 24 lines below the key ID's first.
      r.git('reset', '-q', '--hard');
      const idPieces = ['AKIA', ...[2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1].map(cut(id.slice(4)))];
      const secretPieces = [4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3].map(cut(secret));
      const chained = (last: string) =>
        `id: ${idPieces[0]}\n${idPieces
          .slice(1)
          .map((p) => `  ${p}\n`)
          .join('')}s = ${secretPieces
          .slice(0, -1)
          .map((p) => `"${p}" +\n`)
          .join('  ')}  "${last}"\n`;
      r.write('chained.yml', chained('zzz'));
      r.git('add', 'chained.yml');
      r.git('commit', '-q', '--no-verify', '-m', 'a chain, its last piece wrong');
      r.write('chained.yml', chained(secretPieces.at(-1) as string));
      r.git('add', 'chained.yml');
      const chain = fullScan();
      expect(chain.status, chain.stderr).toBe(1);
      expect(hook().status).toBe(1);
    } finally {
      r.cleanup();
    }
  });

  it('reads labels as the engine does, without separators between their letters', () => {
    for (const label of ['A_WS_KEY', 'SE_CRET', 'Se.cret', 'aws-access.key', 'Amazon.Api.Key']) {
      expect(grepMisses([`${label} = "abcd" + "efgh"`]), label).toEqual([]);
    }
  });

  it('hands over a line that is not valid UTF-8 (grep runs on bytes, not characters)', () => {
    const r = createRepo();
    try {
      // Latin-1 text: in a UTF-8 locale grep's `.` does not match the byte 0xE9, and the key after
      // it used to slip past the prefilter.
      const { id } = fakePair();
      r.write(
        'notes.txt',
        Buffer.concat([Buffer.from('caf\xe9', 'latin1'), Buffer.from(` ${id}\n`)]),
      );
      r.git('add', 'notes.txt');
      const res = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: { ...r.env, LC_ALL: 'C.UTF-8' },
        encoding: 'utf8',
      });
      expect(res.status, res.stderr).toBe(1);
      expect(res.stdout).toMatch(/1 finding/);
      expect(res.stdout).not.toContain(id);
    } finally {
      r.cleanup();
    }
  });

  it('drops NODE_EXTRA_CA_CERTS for the full scan unless --verify may open a connection', () => {
    const r = createRepo();
    try {
      // The script beside a stand-in `keyguard` that reports what it was started with.
      const bin = join(r.dir, '.bin');
      mkdirSync(bin);
      copyFileSync(SCRIPT, join(bin, 'keyguard-pre-commit'));
      writeFileSync(
        join(bin, 'keyguard'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
        '#!/bin/sh\necho "certs=${NODE_EXTRA_CA_CERTS-unset} args=$*"\n',
      );
      chmodSync(join(bin, 'keyguard'), 0o755);
      chmodSync(join(bin, 'keyguard-pre-commit'), 0o755);
      r.write('b.txt', `value = "${'Ab3'.repeat(14)}"\n`);
      r.git('add', 'b.txt');
      const run = (...args: string[]) =>
        spawnSync(join(bin, 'keyguard-pre-commit'), args, {
          cwd: r.dir,
          env: { ...r.env, NODE_EXTRA_CA_CERTS: '/corp/ca.pem' },
          encoding: 'utf8',
        }).stdout.trim();
      expect(run()).toBe('certs=unset args=staged --quiet');
      expect(run('--format', 'json')).toBe('certs=unset args=staged --quiet --format json');
      expect(run('--verify')).toBe('certs=/corp/ca.pem args=staged --quiet --verify');
    } finally {
      r.cleanup();
    }
  });
});
