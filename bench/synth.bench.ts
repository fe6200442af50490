/**
 * Synth wall time of the app as the CDK CLI runs it (a fresh `node --import tsx` process with
 * CDK_OUTDIR and CDK_CONTEXT_JSON: what `npx cdk synth -q` spawns, without the CLI's own start-up),
 * built-in CloudFormation validation on, the function build cached. Reference: a one-bucket CDK
 * app synthesized the same way in the same run. Goals: default config ≤ 2.5× the one-bucket app;
 * the hundred-channel example (101 stacks) ≤ 4× the default config.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionBuild } from '../lib/build/functions';
import type { BenchResult } from './run';

const RUNS = 5;
/** The feature flags the CDK CLI passes from cdk.json. */
const cdkContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> })
  .context;

/** Wall time of one synth of `app` in a fresh process. */
function synthSeconds(app: string, context: Record<string, unknown> = {}): number {
  const outdir = mkdtempSync(join(tmpdir(), 'onair-bench-'));
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', app], {
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkContext, ...context }),
    },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(outdir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`synth of ${app} ${JSON.stringify(context)} failed: ${r.stderr}`);
  return seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const fmt = (xs: number[]) => `${median(xs).toFixed(2)} s  [${xs.map((x) => x.toFixed(2)).join(', ')}]`;

export async function run(): Promise<BenchResult> {
  functionBuild(); // a cold build would land in the first sample
  const bucket: number[] = [];
  const one: number[] = [];
  const eight: number[] = [];
  const hundred: number[] = [];
  // Interleaved so drift on a shared machine affects all alike.
  for (let i = 0; i < RUNS; i++) {
    bucket.push(synthSeconds('bench/one-bucket-app.ts'));
    one.push(synthSeconds('bin/onair.ts', { config: 'config/default.json' }));
    eight.push(synthSeconds('bin/onair.ts', { config: 'config/examples/eight-channels.json' }));
    hundred.push(synthSeconds('bin/onair.ts', { config: 'config/examples/hundred-channels.json' }));
  }
  const [b, a, e, h] = [median(bucket), median(one), median(eight), median(hundred)];
  return {
    name: `synth wall time (a fresh app process as the CDK CLI runs it; median of ${RUNS})`,
    lines: [
      `one-bucket CDK app (reference):  ${fmt(bucket)}`,
      `default config (1 channel):      ${fmt(one)}`,
      `8-channel example config:        ${fmt(eight)}`,
      `100-channel example config:      ${fmt(hundred)}`,
      `8-channel / default:             ${(e / a).toFixed(2)}`,
      `100-channel / one-bucket app:    ${(h / b).toFixed(2)}`,
    ],
    ratio: { value: a / b, meaning: 'default synth / one-bucket app synth (goal ≤ 2.5)' },
    moreRatios: [{ value: h / a, meaning: '100-channel synth / default synth (goal ≤ 4)' }],
  };
}
