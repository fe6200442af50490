/**
 * Benchmarks: `npm run bench` runs every bench/*.bench.ts (or those named on the command line)
 * and prints each result as a ratio against a reference measured in the same run, so numbers
 * compare across machines. No unit test depends on timing.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface BenchResult {
  readonly name: string;
  /** Lines to print (measurements with units). */
  readonly lines: readonly string[];
  /** The headline ratio and what it means. */
  readonly ratio: { readonly value: number; readonly meaning: string };
  /** Further ratios with goals of their own, printed after the headline. */
  readonly moreRatios?: readonly { readonly value: number; readonly meaning: string }[];
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.includes(basename(f, '.bench.ts')))
    .sort();
  for (const file of files) {
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<BenchResult> };
    const r = await mod.run();
    process.stdout.write(
      `\n== ${r.name}\n${r.lines.map((l) => `  ${l}`).join('\n')}\n${[r.ratio, ...(r.moreRatios ?? [])]
        .map((x) => `  ratio: ${x.value.toFixed(2)} (${x.meaning})`)
        .join('\n')}\n`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
