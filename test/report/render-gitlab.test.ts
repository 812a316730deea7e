import { describe, expect, it } from 'vitest';
import { GITLAB_REPORT_VERSION, renderGitlab } from '../../src/report/render-gitlab.js';
import { leaks } from '../helpers/fake-keys.js';
import { CTX, sampleOutcome } from './report-fixture.js';

interface Vulnerability {
  id: string;
  name: string;
  description: string;
  severity: string;
  scanner: { id: string; name: string };
  location: { file: string; start_line: number; end_line: number; commit: { sha: string } };
  identifiers: { type: string; name: string; value: string; url?: string }[];
  raw_source_code_extract: string;
}

interface Report {
  version: string;
  scan: {
    type: string;
    status: string;
    start_time: string;
    end_time: string;
    analyzer: { id: string; name: string; version: string; vendor: { name: string } };
    scanner: { id: string; name: string; version: string; vendor: { name: string } };
  };
  vulnerabilities: Vulnerability[];
}

describe('renderGitlab', () => {
  it('writes a secret-detection report with the fields GitLab requires', () => {
    const { outcome } = sampleOutcome();
    const report = JSON.parse(
      renderGitlab(outcome, CTX, { now: Date.UTC(2026, 10, 30, 6, 0, 0) }),
    ) as Report;
    expect(report.version).toBe(GITLAB_REPORT_VERSION);
    expect(report.scan).toMatchObject({
      type: 'secret_detection',
      status: 'success',
      start_time: '2026-11-30T05:59:59',
      end_time: '2026-11-30T06:00:00',
    });
    for (const tool of [report.scan.analyzer, report.scan.scanner])
      expect(tool).toEqual({
        id: 'keyguard',
        name: 'keyguard',
        version: '9.9.9',
        vendor: { name: 'keyguard' },
      });
    expect(report.vulnerabilities.length).toBe(2);
    const [pair, lone] = report.vulnerabilities;
    expect(pair).toMatchObject({
      name: 'AWS access key pair',
      severity: 'High',
      scanner: { id: 'keyguard', name: 'keyguard' },
      location: {
        file: 'config/creds.ini',
        start_line: 2,
        end_line: 2,
        commit: { sha: '0000000' },
      },
    });
    expect(pair?.identifiers[0]).toMatchObject({
      type: 'keyguard_rule_id',
      value: 'aws-access-key-pair',
    });
    expect(pair?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lone?.severity).toBe('Low');
  });

  it('never holds the secret: the extract is the masked line', () => {
    const { outcome, pairs } = sampleOutcome();
    const text = renderGitlab(outcome, CTX);
    expect(leaks(text, pairs)).toEqual([]);
    const report = JSON.parse(text) as Report;
    expect(report.vulnerabilities[0]?.raw_source_code_extract).toMatch(/AKIA\*{12}/);
  });

  it('gives a finding the same id on every run', () => {
    const { outcome } = sampleOutcome();
    const a = JSON.parse(renderGitlab(outcome, CTX, { now: 1 })) as Report;
    const b = JSON.parse(renderGitlab(outcome, CTX, { now: 2 })) as Report;
    expect(a.vulnerabilities.map((v) => v.id)).toEqual(b.vulnerabilities.map((v) => v.id));
  });
});
