import type { Command } from 'commander';
import type { ControlApi } from '../api';
import { pollMs, sleep } from '../context';
import { CliError, ExitCode } from '../errors';
import type { ClipView } from '../model';
import { clipStatus, createClip } from '../operator';
import { duration, type Output } from '../output';
import { parseSeconds, type Run, timeoutOption } from './common';

/** The range to cut: the last N seconds, or --from/--to (ISO 8601). */
export function clipRange(
  o: { last?: string; from?: string; to?: string },
  now: Date,
): { start: string; end: string } {
  if (o.last !== undefined) {
    if (o.from !== undefined || o.to !== undefined)
      throw new CliError('use --last or --from/--to, not both', ExitCode.USAGE);
    let s: number;
    try {
      s = parseSeconds(o.last);
    } catch (err) {
      throw new CliError(`--last: ${(err as Error).message}`, ExitCode.USAGE);
    }
    return { start: new Date(now.getTime() - s * 1000).toISOString(), end: now.toISOString() };
  }
  if (o.from === undefined)
    throw new CliError(
      'say what to cut: --last 60s, or --from <time> [--to <time>] (ISO 8601, e.g. 2026-12-01T18:00:00Z)',
      ExitCode.USAGE,
    );
  const iso = (what: string, v: string) => {
    const t = Date.parse(v);
    if (Number.isNaN(t) || !/T\d/.test(v))
      throw new CliError(
        `${what} must be an ISO 8601 time such as 2026-12-01T18:00:00Z, got "${v}"`,
        ExitCode.USAGE,
      );
    return new Date(t).toISOString();
  };
  return { start: iso('--from', o.from), end: o.to === undefined ? now.toISOString() : iso('--to', o.to) };
}

/** Polls a clip until it is SUCCEEDED or FAILED. */
export async function waitForClip(
  api: ControlApi,
  out: Output,
  id: string,
  clip: ClipView,
  timeoutMs: number,
): Promise<ClipView> {
  const started = Date.now();
  let c = clip;
  while (c.status !== 'SUCCEEDED' && c.status !== 'FAILED') {
    if (Date.now() - started > timeoutMs)
      throw new CliError(
        `clip ${c.clipId} is still ${c.status} after ${duration(timeoutMs)}: \`onair clip-status\` is not needed, re-run with a longer --timeout`,
        ExitCode.TIMEOUT,
        { ...c },
      );
    out.progress(`clip ${c.clipId}: ${c.status} (${duration(Date.now() - started)})`);
    await sleep(pollMs(5));
    c = await clipStatus(api, id, c.clipId);
  }
  out.endProgress();
  return c;
}

export function register(program: Command, run: Run): void {
  timeoutOption(
    program
      .command('clip')
      .description('cut a clip of the recent stream into the archive bucket (MediaPackage harvest)')
      .argument('<channel>', 'channel id')
      .option('--last <duration>', 'the last 60s, 5m, …')
      .option('--from <time>', 'start, ISO 8601')
      .option('--to <time>', 'end, ISO 8601 (default now)')
      .option('--wait', 'wait until the clip SUCCEEDED or FAILED'),
    15,
  ).action((id: string, o: { last?: string; from?: string; to?: string; wait?: boolean; timeout: string }) =>
    run(async (ctx) => {
      const range = clipRange(o, new Date());
      const api = await ctx.api();
      let clip = await createClip(api, id, range);
      if (o.wait) clip = await waitForClip(api, ctx.out, id, clip, Number(o.timeout) * 60_000);
      ctx.out.result(
        clip,
        () =>
          `clip ${clip.clipId}: ${clip.status}, ${clip.start} → ${clip.end}${clip.manifest ? `, ${clip.manifest}` : ''}`,
      );
      if (clip.status === 'FAILED')
        throw new CliError(
          `clip ${clip.clipId} FAILED: MediaPackage could not harvest the range (is it inside the startover window and was the channel live?)`,
          ExitCode.FAILED,
          { reported: true },
        );
    }),
  );
}
