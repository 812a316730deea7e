import { describe, expect, it } from 'vitest';
import { labelOf, readLabel } from '../../src/engine/label.js';
import { createLineIndex } from '../../src/engine/line-index.js';
import type { CompiledLabels } from '../../src/model/rule.js';
import { PACK } from './scan-text.js';

const V = 'VALUE0';

function labels(ruleId: string): CompiledLabels {
  const rule = PACK.rules.find((r) => r.id === ruleId);
  if (rule?.labels === undefined) throw new Error(`${ruleId} has no labels`);
  return rule.labels;
}

const SECRET = labels('aws-secret-access-key');
const TOKEN = labels('aws-session-token');

/** The label of the first `VALUE0` in `text`. */
function labelIn(text: string, which = SECRET): string {
  return labelOf(createLineIndex(text), text.indexOf(V), which);
}

describe('labelOf', () => {
  it.each([
    `aws_secret_access_key = ${V}`,
    `AWS_SECRET_ACCESS_KEY="${V}"`,
    `  secretAccessKey: '${V}',`,
    `PROD_AWS_SECRET_ACCESS_KEY=${V}`,
    `--aws-secret-access-key=${V}`,
    `<SecretAccessKey>${V}</SecretAccessKey>`,
    `{"awsSecret":"${V}"}`,
    `{\\"secretAccessKey\\":\\"${V}\\"}`,
    `cloud.aws.credentials.secret-key=${V}`,
    `hc.set("fs.s3a.secret.key", "${V}")`,
    `<add key="AWSSecretKey" value="${V}" />`,
    `AWS Secret Access Key [None]: ${V}`,
    `<tr><td>AWS Secret Access Key</td><td>${V}</td></tr>`,
    `| AWS_SECRET_ACCESS_KEY | \`${V}\` |`,
    `export const secretAccessKey: string = '${V}';`,
    `pub const AWS_SECRET_ACCESS_KEY: &str = "${V}";`,
    `aws_secret_access_key=SecretStr("${V}")`,
    `"text": "AWS_SECRET_ACCESS_KEY:\\n${V}"`,
    `aws ssm put-parameter --name /prod/aws_secret_access_key --value ${V}`,
    `UPDATE settings SET value = '${V}' WHERE name = 'aws_secret_access_key';`,
    `AWS_SECRET_ACCESS_KEY = “${V}”`,
  ])('reads a strong label on the value line: %s', (line) => {
    expect(labelIn(line)).toBe('strong');
  });

  it.each([
    `aws_secret_access_key=3D${V}`,
    `aws_secret_access_key: =E2=80=9C${V}=E2=80=9D`,
    `aws_secret_access_key\\x3d${V}`,
    `"aws_secret_access_key\\u003d${V}"`,
  ])('reads a strong label through an escaped "=" or quote: %s', (line) => {
    expect(labelIn(line)).toBe('strong');
  });

  it.each([
    `- name: AWS_SECRET_ACCESS_KEY\n  value: ${V}`,
    `{\n  "name": "AWS_SECRET_ACCESS_KEY",\n  "value": "${V}"\n}`,
    `<name>fs.s3a.secret.key</name>\n<value>${V}</value>`,
    `<key>AWSSecretKey</key>\n<string>${V}</string>`,
    `aws_secret_access_key: >-\n  ${V}`,
    `- name: AWS_SECRET_ACCESS_KEY\n  # rotated in March\n  value: ${V}`,
    `# AWS secret access key for the backup user\n${V}`,
    `- Name: AWS_SECRET_ACCESS_KEY\n\n  Value: ${V}`,
  ])('reads the name on the line before a carrier or a bare value: %j', (text) => {
    expect(labelIn(text)).toBe('strong');
  });

  it('does not borrow the line before when the value line has its own name', () => {
    expect(labelIn(`AWS_SECRET_ACCESS_KEY=\${X}\nOTHER_SETTING=${V}`)).toBe('none');
    expect(labelIn(`<add key="AWSSecretKey" value="" />\n<add key="Foo" value="${V}" />`)).toBe(
      'none',
    );
  });

  it('counts generic names only with AWS context nearby', () => {
    expect(labelIn(`provider "aws" {\n  secret_key = "${V}"\n}`)).toBe('weak');
    expect(labelIn(`'s3' => [\n  'secret' => '${V}',\n]`)).toBe('weak');
    expect(labelIn(`[oauth]\nsecret = ${V}`)).toBe('none');
  });

  it('never takes framework signing keys or other services’ secrets as AWS labels', () => {
    expect(labelIn(`AWS_REGION = "us-east-1"\nSECRET_KEY = "${V}"`)).toBe('none');
    expect(labelIn(`AWS_REGION=us-east-1\nJWT_SECRET=${V}`)).toBe('none');
    expect(labelIn(`AWS_REGION=us-east-1\nCOGNITO_CLIENT_SECRET=${V}`)).toBe('none');
  });

  it('reads session-token labels', () => {
    expect(labelIn(`aws_session_token = ${V}`, TOKEN)).toBe('strong');
    expect(labelIn(`X-Amz-Security-Token: ${V}`, TOKEN)).toBe('strong');
    expect(labelIn(`"token": "${V}"`, TOKEN)).toBe('none');
  });
});

describe('readLabel', () => {
  const read = (text: string) => readLabel(createLineIndex(text), text.indexOf(V), SECRET);

  it('marks names that say the value is something else', () => {
    for (const name of [
      'checksum',
      'sha1',
      'integrity',
      'etag',
      'commit',
      'jwt_secret',
      'x-api-key',
    ]) {
      expect(read(`${name}: ${V}`), name).toMatchObject({ strength: 'none', other: true });
    }
    expect(read(`value: ${V}`).other).toBe(false);
  });

  // `_x_` is Markdown for `*x*`: the name before it must say the same (a weak label, a digest's
  // name that keeps a value from pairing), not vanish behind an empty `__` name.
  it('reads the name before underscore emphasis as before **', () => {
    for (const mark of ['_', '__']) {
      expect(labelIn(`AWS deploy user\nits secret ${mark}${V}${mark}`), mark).toBe('weak');
      expect(read(`checksum: ${mark}${V}${mark}`), mark).toMatchObject({ other: true });
      expect(read(`password: ${mark}${V}${mark}`), mark).toMatchObject({ named: 'credential' });
    }
  });

  it('marks encrypted values (SOPS, jasypt) as other, whatever the name', () => {
    expect(read(`aws_secret_access_key: ENC[AES256_GCM,data:${V},iv:x,type:str]`)).toMatchObject({
      strength: 'none',
      other: true,
    });
    expect(read(`aws.secret=ENC(${V})`).other).toBe(true);
  });

  it('reports weak names before the context check (pairing treats them as labelled)', () => {
    expect(read(`[oauth]\nsecret = ${V}`).strength).toBe('weak');
  });
});
