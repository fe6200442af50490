/** Smoke's summary: every step's result, what the run cost, and the exit code. */
import { IngestProtocol } from '../../../lambda/shared/contract';
import { type BitrateClass, hourlyCost, PRICES, type Resolution, runCost } from '../../../lib/media/estimate';
import { CliError, ExitCode } from '../../errors';
import { encoderSettings } from '../../media/encoder';
import type { ChannelView } from '../../model';
import { channelStatus } from '../../operator';
import { duration } from '../../output';
import type { Smoke } from './runner';

/**
 * What the run cost, from the channel's status (class, ladder, and the InputSpecification the
 * status route reports as `encoding.input`; MediaLive bills the input by it) and the input type.
 * A channel that was already running is billed for the run's own minutes, without the 10-minute
 * minimum its start paid.
 */
export function smokeCost(
  status: ChannelView,
  run: { inputType?: string; minutes: number; wasRunning: boolean },
): ReturnType<typeof runCost> {
  const input = status.encoding?.input;
  const hourly = hourlyCost({
    channelClass: status.channelClass === 'STANDARD' ? 'STANDARD' : 'SINGLE_PIPELINE',
    inputType:
      run.inputType === IngestProtocol.SRT_LISTENER ? IngestProtocol.SRT_LISTENER : IngestProtocol.RTMP_PUSH,
    inputResolution: (input?.resolution ?? 'HD') as Resolution,
    inputMaximumBitrate: (input?.maximumBitrate ?? 'MAX_10_MBPS') as BitrateClass,
    framerate: encoderSettings(status).framerate,
    renditions: (status.ladder ?? []).map((r) => ({
      height: r.height ?? 720,
      maxBitrateKbps: r.maxBitrateKbps ?? 3000,
    })),
  });
  return runCost(hourly, run.minutes, run.wasRunning ? 0 : undefined);
}

/** Prints (or, with --json, answers) the summary; throws the FAILED exit when a step failed. */
export async function report(s: Smoke): Promise<void> {
  const { ctx, api, state } = s;
  const { id, view, startedAt, stoppedAt, inputType, wasRunning } = state;
  const results = s.run.results;
  const minutes = startedAt === undefined ? 0 : ((stoppedAt ?? Date.now()) - startedAt) / 60_000;
  let cost: ReturnType<typeof smokeCost> | undefined;
  let costNote = '';
  if (view && startedAt !== undefined) {
    // GET /channels has no encoding: the status route reads the channel's InputSpecification.
    const status = await channelStatus(api, id).catch(() => undefined);
    if (status?.encoding?.input === undefined) costNote = ' (input class unknown: HD ≤10 Mbit/s assumed)';
    cost = smokeCost({ ...view, ...status }, { inputType, minutes, wasRunning });
    if (wasRunning)
      costNote += `; the channel was already running: this run's ${Math.ceil(minutes)} min only, no 10-min minimum`;
  }
  const failed = results.filter((r) => !r.ok && !r.skipped);
  const summary = {
    channelId: id,
    passed: failed.length === 0 && results.length > 0,
    steps: results,
    runningMinutes: Math.round(minutes * 10) / 10,
    ...(cost
      ? {
          costUsd: {
            ...cost,
            ...(wasRunning ? { thisRunOnly: true } : {}),
            rates: `${PRICES.source} (compiled ${PRICES.compiled}${PRICES.verified ? '' : ', unverified'})`,
          },
        }
      : {}),
    elapsed: duration(Date.now() - s.run.started),
  };
  ctx.out.result(summary, () => [
    cost
      ? `cost: ~$${cost.totalUsd.toFixed(2)} (MediaLive ${cost.billedMinutes} billed min $${cost.medialiveUsd.toFixed(2)}${wasRunning ? '' : ', 10-min minimum'}; MediaPackage ingest $${cost.mediapackageUsd.toFixed(2)}; CDN extra) at lib/media/prices.json rates${costNote}`
      : 'cost: the channel was not started by this run',
    `${summary.passed ? 'smoke PASSED' : `smoke FAILED: ${failed.map((f) => f.step).join(', ')}`} in ${summary.elapsed}`,
  ]);
  if (!summary.passed)
    throw new CliError(
      `smoke failed at ${failed.map((f) => f.step).join(', ') || 'the start'}`,
      ExitCode.FAILED,
      { reported: true },
    );
}
