import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './run';

const RUNS = 3;
/** The feature flags the CDK CLI passes from cdk.json. */
const cdkContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> })
  .context;

/** Wall time of one synth of the app as the CDK CLI runs it (fresh process, real bundling, validation on). */
function synthSeconds(config: string): number {
  const outdir = mkdtempSync(join(tmpdir(), 'onair-bench-'));
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/onair.ts'], {
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkContext, config }) },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`synth of ${config} failed: ${r.stderr}`);
  return seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<BenchResult> {
  const one: number[] = [];
  const eight: number[] = [];
  // Interleave so drift on a shared machine affects both alike.
  for (let i = 0; i < RUNS; i++) {
    one.push(synthSeconds('config/default.json'));
    eight.push(synthSeconds('config/examples/eight-channels.json'));
  }
  const a = median(one);
  const b = median(eight);
  return {
    name: 'synth wall time (bin/onair.ts as the CDK CLI runs it; median of 3)',
    lines: [
      `default config (1 channel):  ${a.toFixed(2)} s  [${one.map((x) => x.toFixed(2)).join(', ')}]`,
      `8-channel example config:     ${b.toFixed(2)} s  [${eight.map((x) => x.toFixed(2)).join(', ')}]`,
    ],
    ratio: {
      value: b / a,
      meaning: '8-channel synth time / default synth time (reference: default, same run)',
    },
  };
}
