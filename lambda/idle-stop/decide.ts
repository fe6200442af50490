import { ChannelState } from '@aws-sdk/client-medialive';

/**
 * MediaLive NetworkIn (Mbit/s into the channel, per pipeline) above this counts as input. An
 * RTMP push of even an audio-only stream exceeds it; an unconnected input stays below it.
 */
export const NETWORK_IN_THRESHOLD_MBPS = 0.05;
/** Share of the window's minutes that must have datapoints before idleness counts as proven. */
export const MIN_COVERAGE = 0.8;

/** One minute of input metrics of one pipeline (either metric may be missing). */
export interface InputSample {
  /** Epoch milliseconds (start of the minute). */
  readonly timestamp: number;
  readonly pipeline: number;
  /** Maximum NetworkIn in the minute, Mbit/s. */
  readonly networkInMbps?: number;
  /** Maximum InputVideoFrameRate in the minute. */
  readonly frameRate?: number;
}

export interface IdleInputs {
  readonly state: string;
  /** 0 disables auto-stop. */
  readonly idleMinutes: number;
  readonly now: number;
  /** ISO time the channel reached RUNNING (from the status record), if known. */
  readonly liveSince?: string;
  /** Samples of the last `idleMinutes` minutes. */
  readonly samples: readonly InputSample[];
}

export type IdleDecision =
  | {
      readonly stop: false;
      readonly reason: 'disabled' | 'not-running' | 'too-young' | 'receiving-input' | 'insufficient-data';
    }
  | { readonly stop: true; readonly reason: 'idle' };

export function hasInput(s: InputSample): boolean {
  return (s.networkInMbps ?? 0) > NETWORK_IN_THRESHOLD_MBPS || (s.frameRate ?? 0) > 0;
}

/**
 * Whether a channel has had no input for its whole idle window. Every doubt keeps the channel
 * running: any minute with input, a channel younger than the window, or too few datapoints
 * (right after a start, or a metrics gap) is never stopped.
 */
export function decideIdle(i: IdleInputs): IdleDecision {
  if (i.idleMinutes <= 0) return { stop: false, reason: 'disabled' };
  if (i.state !== ChannelState.RUNNING) return { stop: false, reason: 'not-running' };
  const windowMs = i.idleMinutes * 60_000;
  const since = i.liveSince === undefined ? Number.NaN : Date.parse(i.liveSince);
  if (!Number.isNaN(since) && i.now - since < windowMs) return { stop: false, reason: 'too-young' };
  const inWindow = i.samples.filter((s) => s.timestamp >= i.now - windowMs && s.timestamp <= i.now);
  if (inWindow.some(hasInput)) return { stop: false, reason: 'receiving-input' };
  const minutes = new Set(inWindow.map((s) => Math.floor(s.timestamp / 60_000)));
  const oldest = Math.min(...inWindow.map((s) => s.timestamp));
  // The data must reach back to the start of the window, not just be plentiful at its end.
  if (minutes.size < Math.ceil(i.idleMinutes * MIN_COVERAGE) || i.now - oldest < windowMs - 2 * 60_000)
    return { stop: false, reason: 'insufficient-data' };
  return { stop: true, reason: 'idle' };
}
