import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { addOnAir } from '../../lib/app';
import { functionBuild } from '../../lib/build/functions';
import { loadConfig } from '../../lib/config/load';
import type { OnAirConfig } from '../../lib/config/schema';
import { testApp } from '../helpers';

/** A synthesized function built by lib/build/functions.ts. */
export interface SynthesizedFunction {
  /** The bundle: lambda/<entry>/index.ts. */
  readonly entry: string;
  /** The bundle's export Lambda calls (`Handler: index.<export>`). */
  readonly handler: string;
  /** Its environment from the template; values CloudFormation resolves become placeholders. */
  readonly environment: Record<string, string>;
}

/** What a bundle needs to load as Lambda loads it. */
export interface BundleUnderTest {
  readonly entry: string;
  /** Absolute path of index.mjs. */
  readonly file: string;
  /** The exports the app's functions name as their handler. */
  readonly handlers: readonly string[];
  /** The environment of (the first of) the functions running it. */
  readonly environment: Record<string, string>;
}

const PLACEHOLDER = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:placeholder-AbCdEf';

/** Every function of the app for `config` that runs a bundle of the function build. */
export function synthesizedFunctions(config: OnAirConfig): SynthesizedFunction[] {
  const build = functionBuild();
  // The CDK CLI asks for asset metadata; a plain App leaves it out.
  const app = testApp({ 'aws:cdk:enable-asset-metadata': true });
  addOnAir(app, config, { nag: false });
  const assembly = app.synth();
  const out: SynthesizedFunction[] = [];
  for (const stack of app.node.children.filter(Stack.isStack)) {
    const { Resources } = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<
        string,
        {
          Type: string;
          Metadata?: Record<string, string>;
          Properties: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
        }
      >;
    };
    for (const r of Object.values(Resources)) {
      const asset = r.Metadata?.['aws:asset:path'];
      if (r.Type !== 'AWS::Lambda::Function' || asset === undefined) continue;
      // Asset staging is off in tests: the path is the function's folder of the build.
      if (resolve(dirname(asset)) !== build.dir) continue;
      const vars = r.Properties.Environment?.Variables ?? {};
      out.push({
        entry: basename(asset),
        handler: (r.Properties.Handler ?? '').replace(/^index\./, ''),
        environment: Object.fromEntries(
          Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : PLACEHOLDER]),
        ),
      });
    }
  }
  return out;
}

/**
 * Every function bundle with the environment the app gives it (the default config, with
 * scheduled key rotation so that function is synthesized too).
 */
export function bundlesUnderTest(): BundleUnderTest[] {
  const build = functionBuild();
  const config = loadConfig('config/default.json');
  const functions = synthesizedFunctions({
    ...config,
    streamKey: { ...config.streamKey, rotateEveryDays: 30 },
  });
  return build.entries.map((entry) => {
    const running = functions.filter((f) => f.entry === entry);
    const first = running[0];
    if (first === undefined) throw new Error(`no synthesized function runs lambda/${entry}`);
    return {
      entry,
      file: join(build.bundleDir(entry), 'index.mjs'),
      handlers: [...new Set(running.map((f) => f.handler))].sort(),
      environment: first.environment,
    };
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
 * Lambda runtime would load the bundle: alone in its folder (a copy outside the project, whose
 * node_modules would otherwise supply any module the build left out), with source maps on and
 * only the given environment. Asynchronous, so a fake AWS endpoint in this process can answer it.
 */
export async function runWithBundle(
  file: string,
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const task = await mkdtemp(join(tmpdir(), 'onair-task-'));
  try {
    for (const f of [file, `${file}.map`]) await copyFile(f, join(task, basename(f)));
    const copy = join(task, basename(file));
    const code = `const mod = await import(${JSON.stringify(pathToFileURL(copy).href)});\n${script}`;
    return await new Promise((done) => {
      execFile(
        process.execPath,
        ['--enable-source-maps', '--input-type=module', '-e', code],
        { cwd: task, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
  } finally {
    await rm(task, { recursive: true, force: true });
  }
}
