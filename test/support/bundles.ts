import { execFile } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { addOnAir } from '../../lib/app';
import { functionBuild } from '../../lib/build/functions';
import { loadConfig } from '../../lib/config/load';
import { testApp } from '../helpers';

/** What a bundle needs to load as Lambda loads it. */
export interface BundleUnderTest {
  readonly entry: string;
  /** Absolute path of index.mjs. */
  readonly file: string;
  /** The function's environment from the synthesized template; values CloudFormation resolves become placeholders. */
  readonly environment: Record<string, string>;
}

const PLACEHOLDER = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:placeholder-AbCdEf';

/**
 * Every function bundle with the environment the app gives it (the default config, with
 * scheduled key rotation so that function is synthesized too).
 */
export function bundlesUnderTest(): BundleUnderTest[] {
  const build = functionBuild();
  // The CDK CLI asks for asset metadata; a plain App leaves it out.
  const app = testApp({ 'aws:cdk:enable-asset-metadata': true });
  const config = loadConfig('config/default.json');
  addOnAir(app, { ...config, streamKey: { ...config.streamKey, rotateEveryDays: 30 } }, { nag: false });
  const assembly = app.synth();
  const environments = new Map<string, Record<string, string>>();
  for (const stack of app.node.children.filter(Stack.isStack)) {
    const { Resources } = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<
        string,
        {
          Type: string;
          Metadata?: Record<string, string>;
          Properties: { Environment?: { Variables?: Record<string, unknown> } };
        }
      >;
    };
    for (const r of Object.values(Resources)) {
      const asset = r.Metadata?.['aws:asset:path'];
      if (r.Type !== 'AWS::Lambda::Function' || asset === undefined) continue;
      // Asset staging is off in tests: the path is the function's folder of the build.
      if (resolve(dirname(asset)) !== build.dir) continue;
      const vars = r.Properties.Environment?.Variables ?? {};
      environments.set(
        basename(asset),
        Object.fromEntries(
          Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : PLACEHOLDER]),
        ),
      );
    }
  }
  return build.entries.map((entry) => {
    const environment = environments.get(entry);
    if (environment === undefined) throw new Error(`no synthesized function runs lambda/${entry}`);
    return { entry, file: join(build.bundleDir(entry), 'index.mjs'), environment };
  });
}

/** Lambda's own variables (credentials are the role's; any value serves a local endpoint). */
export const LAMBDA_ENV = {
  AWS_REGION: 'us-west-2',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
  AWS_LAMBDA_FUNCTION_NAME: 'bundle-test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;

/**
 * Runs `script` (an ES module body; `mod` is the imported bundle) in a fresh Node process, as the
 * Lambda runtime would load the bundle: with source maps on and only the given environment.
 * Asynchronous, so a fake AWS endpoint in this process can answer it.
 */
export function runWithBundle(
  file: string,
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const code = `const mod = await import(${JSON.stringify(pathToFileURL(file).href)});\n${script}`;
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', code],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
