/**
 * The function bundles: size, and the time a fresh Node process takes to import each one (what a
 * cold start pays before the handler runs): median of 5 processes per bundle, with the function's
 * synthesized environment and source maps on (every function's NODE_OPTIONS). Reference, built
 * in the same run: the same sources bundled with esbuild's defaults, as NodejsFunction did
 * (every credential provider, event streams, every SDK shape, whole package.json files and
 * mnemonist kept).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildOptions, functionBuild, PROJECT_ROOT } from '../lib/build/functions';
import { bundlesUnderTest, LAMBDA_ENV } from '../test/support/bundles';
import type { BenchResult } from './run';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Milliseconds `await import(file)` takes in a fresh process. */
function importMs(file: string, env: Record<string, string>): Promise<number> {
  const code = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', code],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${file}: ${stderr}`)) : resolve(Number(stdout.trim())),
    ),
  );
}

export async function run(): Promise<BenchResult> {
  const build = functionBuild();
  const bundles = bundlesUnderTest();
  const esbuild = await import('esbuild');
  const refDir = mkdtempSync(join(tmpdir(), 'onair-bench-ref-'));
  try {
    await esbuild.build({ ...buildOptions(PROJECT_ROOT, refDir), plugins: [], external: [], alias: {} });
    const lines: string[] = [];
    let [bytes, refBytes, ms, refMs] = [0, 0, 0, 0];
    for (const b of bundles) {
      const env = { ...LAMBDA_ENV, ...b.environment };
      const ref = join(refDir, b.entry, 'index.mjs');
      const times: number[] = [];
      const refTimes: number[] = [];
      // Interleaved so drift on a shared machine affects both alike.
      for (let i = 0; i < RUNS; i++) {
        times.push(await importMs(b.file, env));
        refTimes.push(await importMs(ref, env));
      }
      const [size, refSize] = [statSync(b.file).size, statSync(ref).size];
      bytes += size;
      refBytes += refSize;
      ms += median(times);
      refMs += median(refTimes);
      lines.push(
        `${b.entry.padEnd(20)} ${(size / 1024).toFixed(0).padStart(4)} KB  import ${median(times).toFixed(1).padStart(5)} ms` +
          `  [${times.map((t) => t.toFixed(0)).join(', ')}]   reference ${(refSize / 1024).toFixed(0).padStart(4)} KB ${median(refTimes).toFixed(1).padStart(5)} ms`,
      );
    }
    lines.push(
      `all ${bundles.length} bundles: ${(bytes / 1024).toFixed(0)} KB, imports ${ms.toFixed(0)} ms (sum of medians); reference ${(refBytes / 1024).toFixed(0)} KB, ${refMs.toFixed(0)} ms; build ${build.key}`,
    );
    return {
      name: `function bundles: size and fresh-process import time (median of ${RUNS})`,
      lines,
      ratio: {
        value: ms / refMs,
        meaning: 'import time, this build / esbuild defaults as NodejsFunction used them',
      },
    };
  } finally {
    rmSync(refDir, { recursive: true, force: true });
  }
}
