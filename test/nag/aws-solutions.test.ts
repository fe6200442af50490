import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack, Validations } from 'aws-cdk-lib';
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

/**
 * Every acknowledgement in the app (Validations.of(scope).acknowledge), read from construct
 * metadata: cdk-nag 3 skips acknowledged findings without listing them in the report.
 */
function acknowledgements(app: App): { path: string; id: string; reason: string; isStack: boolean }[] {
  return app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id,
          reason,
          isStack: Stack.isStack(c),
        })),
      ),
  );
}

/** Synthesizes with cdk-nag AwsSolutions and returns the validation report and acknowledgements. */
function nagReport(configPath: string): { report: Report; acks: ReturnType<typeof acknowledgements> } {
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
  return { report, acks: acknowledgements(app) };
}

test.each(['config/default.json', 'config/examples/eight-channels.json', 'config/examples/srt.json'])(
  'cdk-nag AwsSolutions: no unacknowledged finding for %s',
  (path) => {
    const { acks } = nagReport(path);
    expect(acks.length).toBeGreaterThan(20);
    // Each acknowledgement carries a reason a reviewer can judge, and sits on a specific
    // construct below a stack, never on the app or a whole stack.
    for (const a of acks) {
      expect({ ...a, long: a.reason.length > 40 }).toMatchObject({ long: true, isStack: false });
      expect(a.path.split('/').length).toBeGreaterThanOrEqual(2);
      expect(a.id).toMatch(/^Annotation::AwsSolutions-[A-Z]+\d+/);
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
