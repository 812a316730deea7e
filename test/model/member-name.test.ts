import { describe, expect, it } from 'vitest';
import { memberName } from '../../src/model/member-name.js';
import { fakePair } from '../helpers/fake-keys.js';

describe('memberName', () => {
  it('masks a key ID and a secret-shaped run, glued to other text or not', () => {
    const { id, secret } = fakePair();
    const shown = memberName(`backup/${id}_${secret}.txt!aws_access_key_id=${id}`);
    expect(shown).not.toContain(id);
    expect(shown).not.toContain(secret.slice(0, 36));
    expect(shown).toContain(`${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}`);
    expect(shown).toContain(secret.slice(-4));
    expect(shown.startsWith('backup/')).toBe(true);
  });

  it('masks a secret without digits, and a secret cut at one of its slashes', () => {
    const noDigit = 'AbcdEfghIjkl+nopQrstUvwxYzabCdefGhijKlmn';
    expect(memberName(`s=${noDigit}`)).toBe(`s=${'*'.repeat(36)}Klmn`);
    expect(memberName('c.gz!Vb6Nm5Hj0Kl2Qw8Er4')).toBe(`c.gz!${'*'.repeat(14)}8Er4`);
  });

  it('leaves ordinary names, hashes and long paths as they are', () => {
    for (const name of [
      'BOOT-INF/classes/application.properties',
      'objects/pack/pack-5f2c9e0d4b1a3e7f8c6d2b9a0e1f3c5d7b9a2e4f.pack',
      'node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/lodash.js',
      'META-INF/MANIFEST.MF',
      'AKIA-is-how-a-key-ID-starts.md',
      'com/example/ApplicationConfigurationLoader.class',
    ]) {
      expect(memberName(name)).toBe(name);
    }
  });
});
