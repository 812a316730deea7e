import { describe, expect, it } from 'vitest';
import { fakeCredentials, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt } from '../helpers/run-cli.js';

// Nothing scanned leaves keyguard raw: every format, every place a scanned text is shown.

assertBuilt();
const tempRepo = useTempRepos();

const FORMATS = ['human', 'json', 'sarif', 'github', 'markdown', 'gitlab'] as const;

describe('commit messages in history reports', () => {
  it('never show a key pair held in the subject and the body, in any format', () => {
    const r = tempRepo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const subject = fakeCredentials(31);
    const body = fakeCredentials(32);
    const sha = r.commitAll(
      `rotate ${subject.keyId} ${subject.secret} for staging\n\n` +
        `old: aws_access_key_id=${body.keyId}\naws_secret_access_key=${body.secret}\n`,
    );
    const values = [subject.keyId, subject.secret, body.keyId, body.secret];
    for (const format of FORMATS) {
      const res = r.keyguard(['history', '--format', format]);
      expect(res.code, `${format}: ${res.stderr}`).toBe(1);
      const out = res.stdout + res.stderr;
      for (const v of values) expect(out, `${format} shows a raw value`).not.toContain(v);
      // Nor a piece long enough to narrow a value down (the redacted forms keep four characters).
      for (const v of values)
        for (let i = 0; i + 8 <= v.length; i++) expect(out).not.toContain(v.slice(i, i + 8));
    }
    const json = JSON.parse(r.keyguard(['history', '--format', 'json']).stdout) as {
      findings: { path: string; commit?: { sha: string; message?: string } }[];
    };
    const inMessage = json.findings.filter((f) => f.path === '<commit message>');
    expect(inMessage.length).toBeGreaterThan(0);
    for (const f of inMessage) {
      expect(f.commit?.sha).toBe(sha);
      // The subject, readable around its masked values; the body is shown only as finding lines.
      expect(f.commit?.message).toMatch(/^rotate AKIA\*+.{4} \*+.{4} for staging$/);
    }
  });
});
