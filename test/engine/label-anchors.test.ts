import { describe, expect, it } from 'vitest';
import { labelAnchorOffsets } from '../../src/engine/label-anchors.js';
import { findKeywords } from '../../src/engine/prefilter.js';
import type { CompiledRule } from '../../src/model/rule.js';
import { PACK } from './scan-text.js';

const rule = (id: string) => PACK.rules.find((r) => r.id === id) as CompiledRule;
const SECRET = rule('aws-secret-access-key');
const TOKEN = rule('aws-session-token');

/** The keywords of `r` that anchor it in `text`, as the text they start. */
function anchors(text: string, r: CompiledRule): string[] {
  const offsets = labelAnchorOffsets(text, r, findKeywords(text, PACK.rules));
  return offsets.sort((a, b) => a - b).map((at) => text.slice(at, at + 4));
}

describe('labelAnchorOffsets', () => {
  it('keeps a keyword inside a name the labels accept, with or without the word secret', () => {
    for (const name of [
      'aws_access_key',
      'AWS_KEY',
      'aws_key',
      'AWS_ACCESS_KEY',
      'aws_sec_key',
      'aws_secret_access_key',
      'secret',
      'spring.cloud.aws.credentials.secret-key',
    ]) {
      expect(anchors(`${name} = "v"`, SECRET).length, name).toBeGreaterThan(0);
    }
  });

  it('keeps a camelCase, kebab, dotted or spaced AWS name (the `aws` words)', () => {
    for (const name of [
      'awsKey',
      'AwsAccessKey',
      'AWSKEY',
      'AWSAccessKey',
      'aws-key',
      'AWS-ACCESS-KEY',
      'aws.access.key',
      'aws access key',
      'AWS Access Key',
    ]) {
      expect(anchors(`${name}: v`, SECRET).length, name).toBeGreaterThan(0);
    }
  });

  it('drops an `aws` word whose name says no key or secret', () => {
    for (const text of ['AwsRegion: v', 'awsAccount = v', 'aws-amplify: v', 'AWS Account: v']) {
      expect(anchors(text, SECRET), text).toEqual([]);
    }
  });

  it('reads a phrase around the keyword, as label reading does', () => {
    expect(anchors('AWS Secret Access Key [None]: v', SECRET)).toEqual(['cret']);
    expect(anchors('the AWS signing _key: v', SECRET)).toEqual(['_key']);
  });

  it('drops a keyword in a name that is no label', () => {
    for (const text of [
      'CACHE_KEY = "v"',
      'api_key: v',
      'MONGO_KEY=v',
      'primary_key = v',
      '// a discrete step, concrete and secretive',
      'client_secret = v',
    ]) {
      expect(anchors(text, SECRET), text).toEqual([]);
    }
  });

  it('keeps a keyword inside a value as long as the rule promises (the STS marker of a token)', () => {
    const token = `IQoJb3JpZ2luX2Vj${'Ab1+'.repeat(30)}`;
    expect(anchors(`x = ${token}`, TOKEN)).toEqual(['JpZ2']);
    // The same marker in a short run is nothing.
    expect(anchors('x = b3JpZ2lu', TOKEN)).toEqual([]);
    // A secret keyword inside a 40-character run anchors too (the run may be the value).
    expect(anchors(`${'A1b2'.repeat(5)}secret${'C3d4'.repeat(5)}`, SECRET)).toEqual(['cret']);
  });

  it('anchors every keyword of a rule without labels or value promise', () => {
    const { labels: _labels, ...bare } = SECRET;
    expect(anchors('CACHE_KEY = v', bare)).toEqual(['_KEY']);
  });

  it('stays linear on a long line of keywords', () => {
    const text = 'MONGO_KEY '.repeat(100_000);
    const started = Date.now();
    expect(anchors(text, SECRET)).toEqual([]);
    // A generous ceiling that only a quadratic walk would reach.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
