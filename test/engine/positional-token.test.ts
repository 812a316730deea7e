import { describe, expect, it } from 'vitest';
import { brief, scanText } from './scan-text.js';

describe('positionalTokens (through detectChunk)', () => {
  it('reports an STS token passed as the argument after a pair’s secret', () => {
    const cases = [
      'credentials.NewStaticCredentials("{{ASIA}}", "{{SECRET}}", "{{TOKEN}}")',
      'new SessionAWSCredentials("{{ASIA}}", "{{SECRET}}", "{{TOKEN}}");',
      'Credentials::new("{{ASIA}}", "{{SECRET}}", Some("{{TOKEN}}".to_string()), None, "x")',
      'AwsSessionCredentials.create(\n    "{{ASIA}}",\n    "{{SECRET}}",\n    "{{TOKEN}}");',
    ];
    for (const c of cases) {
      const ids = scanText(c).reported.map((f) => f.ruleId);
      expect(ids, c).toEqual(['aws-temporary-credential-pair', 'aws-session-token']);
    }
  });

  it('does not take a token for the argument when other code stands between', () => {
    const far =
      'f("{{ASIA}}", "{{SECRET}}"); log(x, y, z, "padding padding padding"); g("{{TOKEN}}")';
    expect(scanText(far).reported.map(brief)).toEqual(['aws-temporary-credential-pair@1:4~1']);
    // A token with no pair before it is not positional either.
    expect(scanText('g("a", "b", "{{TOKEN}}")').reported).toEqual([]);
  });
});
