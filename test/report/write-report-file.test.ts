import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeReportFile } from '../../src/report/write-report-file.js';
import { tempDir } from '../helpers/run-cli.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});
function folder(): string {
  const d = tempDir('kg-write-');
  dirs.push(d);
  return d.path;
}

function message(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('writeReportFile', () => {
  it('creates and replaces regular files, keeps a replaced file’s mode, leaves no temporary file', () => {
    const dir = folder();
    const file = join(dir, 'r.json');
    writeReportFile(file, 'one', { label: '--output r.json' });
    expect(readFileSync(file, 'utf8')).toBe('one');
    chmodSync(file, 0o640);
    writeReportFile(file, 'two', { label: '--output r.json' });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('replaces a hard-linked file without writing through the other name', () => {
    const dir = folder();
    writeFileSync(join(dir, 'elsewhere'), 'precious');
    linkSync(join(dir, 'elsewhere'), join(dir, 'r.json'));
    writeReportFile(join(dir, 'r.json'), 'report', { label: '--output r.json' });
    expect(readFileSync(join(dir, 'elsewhere'), 'utf8')).toBe('precious');
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe('report');
  });

  it('refuses a symbolic link at the target, naming it, and leaves its target untouched', () => {
    const dir = folder();
    writeFileSync(join(dir, 'victim'), 'precious');
    symlinkSync(join(dir, 'victim'), join(dir, 'r.json'));
    expect(
      message(() => writeReportFile(join(dir, 'r.json'), 'x', { label: '--output r.json' })),
    ).toBe(
      'cannot write --output r.json: it is a symbolic link, which keyguard does not follow (remove it, or name the file it points to)',
    );
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious');
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling.json'));
    expect(message(() => writeReportFile(join(dir, 'dangling.json'), 'x', { label: 'd' }))).toMatch(
      /symbolic link/,
    );
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('within a workspace: refuses a folder that is a link leading outside, allows one inside', () => {
    const outside = folder();
    const ws = folder();
    symlinkSync(outside, join(ws, 'reports'));
    const sarif = { label: 'sarif-file reports/k.sarif', within: ws, makeParents: true };
    expect(message(() => writeReportFile(join(ws, 'reports', 'k.sarif'), 'x', sarif))).toMatch(
      /^cannot write sarif-file reports\/k\.sarif: its folder reports is a symbolic link leading outside/,
    );
    expect(
      message(() => writeReportFile(join(ws, 'reports', 'a', 'b', 'k.sarif'), 'x', sarif)),
    ).toMatch(/its folder reports is a symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
    mkdirSync(join(ws, 'real'));
    symlinkSync(join(ws, 'real'), join(ws, 'inside'));
    writeReportFile(join(ws, 'inside', 'k.sarif'), 'ok', { ...sarif, label: 'sarif-file' });
    expect(readFileSync(join(ws, 'real', 'k.sarif'), 'utf8')).toBe('ok');
    writeReportFile(join(ws, 'new', 'deep', 'k.sarif'), 'ok', { ...sarif, label: 'sarif-file' });
    expect(readFileSync(join(ws, 'new', 'deep', 'k.sarif'), 'utf8')).toBe('ok');
    // A path the workflow chose outside the workspace is its own business.
    writeReportFile(join(outside, 'k.sarif'), 'ok', { ...sarif, label: 'sarif-file' });
    expect(readFileSync(join(outside, 'k.sarif'), 'utf8')).toBe('ok');
  });

  it('feeds a device it is named, and turns a write failure into one line', () => {
    writeReportFile('/dev/null', 'x', { label: '--output /dev/null' });
    expect(message(() => writeReportFile('/dev/full', 'x', { label: '--output /dev/full' }))).toBe(
      'cannot write --output /dev/full: no space left on the device (ENOSPC)',
    );
    const dir = folder();
    expect(message(() => writeReportFile(dir, 'x', { label: '--output dir' }))).toBe(
      'cannot write --output dir: it is a folder (EISDIR)',
    );
    expect(
      message(() => writeReportFile(join(dir, 'no', 'such', 'r.json'), 'x', { label: 'o' })),
    ).toBe('cannot write o: its folder does not exist (ENOENT)');
  });
});
