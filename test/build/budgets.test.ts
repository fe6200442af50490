import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { functionBuild } from '../../lib/build/functions';

/**
 * Size budgets of the function bundles (index.mjs, bytes as written; the source map is extra),
 * the same for every bundle: no allowances. A bundle is what Lambda loads and parses on every
 * cold start.
 *
 * Where the bytes go: the SDK's shared core (@smithy/core, @aws-sdk/core, the signer, the HTTP
 * handler) ~190 KB in every bundle, Powertools Logger ~20 KB (Metrics ~10 KB where counted),
 * zod/mini ~20 KB where a function parses requests; then each client (MediaLive ~64 KB, its
 * channel shapes mostly; DynamoDB ~40 KB with the DocumentClient and its codec; SNS ~21 KB plus
 * ~10 KB of the query protocol; CloudWatch ~17 KB; Secrets Manager ~13 KB). A failure lists the
 * top contributors.
 */
const KB = 1024;
/** Each bundle: what Lambda loads and parses on a cold start. */
const BUNDLE_BUDGET = 350 * KB;
/**
 * Every bundle together. Functions of one concern that share their SDK clients share a bundle
 * (lambda/channels, lambda/stream-keys, lambda/archive), so the SDK core is carried once per
 * concern. 2.5 MB held for seven bundles; the recordings concern added an eighth
 * (lambda/recording-files: S3 and DynamoDB, which cannot join lambda/archive under the per-bundle
 * budget) and took the total to 2,551 KB, so the budget was 2.6 MB for a while. Back to 2.5 MB by
 * trimming what the clients carry, not by merging bundles (playback-session and signing-key in one
 * bundle measured 373 KB, over the per-bundle budget; ~337 KB only without their zod parsers):
 * each client's package.json down to its version (-47 KB) and mnemonist's LRU cache in DynamoDB's
 * endpoint cache replaced (-48 KB), both in lib/build/functions.ts. Measured then: 2,465 KB for
 * eight bundles (recording-files with the event-stream support its S3 client imports at load, which
 * it had lacked, +9 KB), 35 KB of room.
 */
const TOTAL_BUDGET = 2_500 * KB;

const build = functionBuild();
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

/** The inputs that put the most bytes into an output, by package (or source folder) and by file. */
function topContributors(output: Metafile['outputs'][string], count = 10): string {
  const files = Object.entries(output.inputs).map(([file, i]) => ({ file, bytes: i.bytesInOutput }));
  const groups = new Map<string, number>();
  for (const { file, bytes } of files) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    groups.set(pkg, (groups.get(pkg) ?? 0) + bytes);
  }
  const top = (rows: [string, number][]) =>
    rows
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, bytes]) => `    ${kb(bytes).padStart(9)}  ${name}`)
      .join('\n');
  return `  by package:\n${top([...groups])}\n  by file:\n${top(files.map((f) => [f.file, f.bytes]))}`;
}

const bundles = build.entries.map((entry) => {
  const output = build.metafile.outputs[`${entry}/index.mjs`];
  return { entry, output, bytes: statSync(join(build.bundleDir(entry), 'index.mjs')).size };
});

test.each(bundles)('$entry/index.mjs stays within its budget', ({ entry, output, bytes }) => {
  if (bytes > BUNDLE_BUDGET) {
    throw new Error(
      `${entry}/index.mjs is ${kb(bytes)}, over the ${kb(BUNDLE_BUDGET)} budget. Top contributors:\n${topContributors(output)}`,
    );
  }
});

test('all bundles together stay within the total budget', () => {
  const total = bundles.reduce((sum, b) => sum + b.bytes, 0);
  if (total > TOTAL_BUDGET) {
    const sizes = bundles.map((b) => `    ${kb(b.bytes).padStart(9)}  ${b.entry}`).join('\n');
    const merged = { bytes: total, inputs: {} as Metafile['outputs'][string]['inputs'] };
    for (const b of bundles)
      for (const [file, i] of Object.entries(b.output.inputs)) {
        const prev = merged.inputs[file]?.bytesInOutput ?? 0;
        merged.inputs[file] = { bytesInOutput: prev + i.bytesInOutput };
      }
    throw new Error(
      `the bundles total ${kb(total)}, over the ${kb(TOTAL_BUDGET)} budget:\n${sizes}\nTop contributors:\n${topContributors(merged as Metafile['outputs'][string])}`,
    );
  }
});

test('the metafile describes the bundles as written', () => {
  for (const b of bundles) expect(b.output.bytes).toBe(b.bytes);
});
