import { describe, expect, it } from 'vitest';
import { shownName } from '../../src/model/shown-name.js';
import { fakePair } from '../helpers/fake-keys.js';

const shownId = (id: string) => `${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}`;

/** A fake secret with its digits, `+` and `/` made letters, then `extra` put at its middle. */
function lettersOnly(extra: string): string {
  const s = fakePair().secret.replace(/[0-9+/]/g, (c) =>
    'QWERTYUIOPzx'.charAt('0123456789+/'.indexOf(c)),
  );
  return `${s.slice(0, 20)}${extra}${s.slice(21)}`;
}

describe('shownName', () => {
  it('masks a key ID anywhere, and a run that reads as a secret, in a folder of its own or not', () => {
    const { id, secret } = fakePair();
    const clean = secret.replaceAll('/', 'Q');
    expect(shownName(`backup/${id}_notes.txt`)).toBe(`backup/${shownId(id)}_notes.txt`);
    expect(shownName(`keys/${clean}.txt`)).toBe(`keys/${'*'.repeat(36)}${clean.slice(-4)}.txt`);
    // After the words of its folders: the secret is judged from where its folder starts.
    expect(shownName(`config/deploy/${clean}`)).toBe(
      `config/deploy/${'*'.repeat(36)}${clean.slice(-4)}`,
    );
    const digitless = lettersOnly('+');
    expect(shownName(`s=${digitless}`)).toBe(`s=${'*'.repeat(36)}${digitless.slice(-4)}`);
  });

  it('hides what the engine found in the name, a secret of letters and slashes too', () => {
    // Letters and a slash only: no digit or `+`, so no run the heuristic would hide on its own.
    const secret = lettersOnly('/');
    const { id } = fakePair();
    const name = `${id}/aws_secret_access_key=${secret}`;
    expect(shownName(name)).toContain(secret);
    const at = name.indexOf(secret);
    const shown = shownName(name, [
      [0, id.length],
      [at, at + secret.length],
    ]);
    expect(shown).toBe(`${shownId(id)}/aws_secret_access_key=${'*'.repeat(36)}${secret.slice(-4)}`);
    // Shown twice is shown once: a masked name passed through again stays as it is.
    expect(shownName(shown)).toBe(shown);
    // Spans that overlap or reach past the end are joined and cut to the name.
    expect(
      shownName('abcdefgh-ijkl', [
        [2, 6],
        [4, 9],
        [11, 99],
      ]),
    ).toBe('ab*******ij**');
  });

  it('leaves ordinary paths as they are: words, versions, hashes, a random folder among words', () => {
    for (const name of [
      'src/main/java/com/example/v2/UserService.java',
      'packages/ui/src/components/Button2/Button2Group.tsx',
      'node_modules/merge2/README.md',
      'lib/perl/5.36.0/I18N/LangTags/Detect.pm',
      'std/char/struct.DecodeUtf16Error.html',
      'objects/pack/pack-5f2c9e0d4b1a3e7f8c6d2b9a0e1f3c5d7b9a2e4f.pack',
      'data/DownloadsMetadata/fa657351d8e89c40ba6b82c4b1f5e1b5e50a1638ffe0a5dba0d8805c190a05f8.json',
      '/tmp/kg-git-Ab3xYz/home/.config/keyguard/config.json',
      'AKIA-is-how-a-key-ID-starts.md',
      'refs/heads/feature/JIRA-1234-add-S3-upload',
    ]) {
      expect(shownName(name)).toBe(name);
    }
  });
});
