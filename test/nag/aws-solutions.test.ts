import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addOnAir } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';
import { testApp } from '../helpers';

interface Report {
  pluginReports?: {
    pluginName: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    suppressedViolations?: {
      ruleName: string;
      reason?: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

/** Synthesizes with cdk-nag AwsSolutions and returns the validation report. */
function nagReport(configPath: string): Report {
  const app = testApp();
  addOnAir(app, loadConfig(configPath), { nag: true });
  let failure: unknown;
  try {
    app.synth();
  } catch (err) {
    failure = err;
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
  // With cdk.json's annotationsInValidationReport flag the report also lists OnAir's own
  // warnings (e.g. open ingest); those are deliberate and shown to the user at synth.
  const open = (report.pluginReports ?? []).flatMap((r) =>
    r.violations
      .filter((v) => !v.ruleName.startsWith('Annotation::onair:'))
      .map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`),
  );
  expect(open).toEqual([]);
  expect(failure).toBeUndefined();
  return report;
}

test.each(['config/default.json', 'config/examples/eight-channels.json'])(
  'cdk-nag AwsSolutions: no unacknowledged finding for %s',
  (path) => {
    const report = nagReport(path);
    const suppressed = (report.pluginReports ?? []).flatMap((r) => r.suppressedViolations ?? []);
    // Each acknowledgement carries a reason a reviewer can judge, and sits on a specific resource.
    for (const s of suppressed) {
      expect((s.reason ?? '').length).toBeGreaterThan(40);
      for (const c of s.violatingConstructs) expect(c.constructPath.split('/').length).toBeGreaterThan(2);
    }
  },
);

test('a finding nobody acknowledged fails the synth', () => {
  const app = testApp();
  const { platform } = addOnAir(app, loadConfig('config/default.json'), { nag: true });
  // A bucket without access logs or a TLS-only policy trips S1/S10 and must surface.
  new s3.Bucket(platform, 'Careless');
  expect(() => app.synth()).toThrow();
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
  const rules = (report.pluginReports ?? []).flatMap((r) => r.violations.map((v) => v.ruleName));
  expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
});
