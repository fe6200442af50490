import { ChannelState } from '@aws-sdk/client-medialive';
import { INPUT_PRESENT_MBPS } from '../shared/contract';
import { isInputAlert, type StatusRecord } from '../shared/status';

/** Share of the window's minutes that must have datapoints before idleness counts as proven. */
export const MIN_COVERAGE = 0.8;
/**
 * The newest datapoint of every pipeline must be at most this old: CloudWatch publishes
 * MediaLive metrics 1–3 minutes late, and input that began in those minutes is not in them yet.
 */
export const MAX_DATA_AGE_MS = 3 * 60_000;

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

/** The parts of the status record (kept by the health function) the decision reads. */
export type IdleStatus = Pick<StatusRecord, 'liveSince' | 'openAlerts' | 'lastAlert' | 'inputClearedAt'>;

export interface IdleInputs {
  readonly state: string;
  /** 0 disables auto-stop. */
  readonly idleMinutes: number;
  readonly now: number;
  /** 1 for SINGLE_PIPELINE, 2 for STANDARD. */
  readonly pipelines: number;
  /** The channel's status record, read right before deciding; undefined when there is none. */
  readonly status?: IdleStatus;
  /** Samples of the last `idleMinutes` minutes. */
  readonly samples: readonly InputSample[];
}

export type IdleDecision =
  | {
      readonly stop: false;
      readonly reason:
        | 'disabled'
        | 'not-running'
        | 'too-young'
        | 'receiving-input'
        | 'insufficient-data'
        | 'input-alert-cleared'
        | 'no-input-alert';
    }
  | { readonly stop: true; readonly reason: 'idle' };

export function hasInput(s: InputSample): boolean {
  return (s.networkInMbps ?? 0) > INPUT_PRESENT_MBPS || (s.frameRate ?? 0) > 0;
}

/**
 * A MediaLive alert that says a pipeline has no usable input ("Initial Probe Taking Longer Than
 * Expected" while waiting for the first input, RTMP and video-not-detected alerts after a loss).
 * Audio-only alerts are left out: they stay open while video arrives.
 */
export function isNoInputAlert(type: string): boolean {
  return isInputAlert(type) && !/audio/i.test(type);
}

/** Epoch ms of the latest moment the status record shows input returning (an input alert cleared). */
function inputReturnedAt(status: IdleStatus | undefined): number {
  const times = [status?.inputClearedAt];
  const last = status?.lastAlert;
  if (last?.state === 'CLEARED' && isInputAlert(last.type)) times.push(last.at);
  return Math.max(
    ...times.map((t) => (t === undefined ? Number.NaN : Date.parse(t))).filter((t) => !Number.isNaN(t)),
    Number.NEGATIVE_INFINITY,
  );
}

/** Whether every pipeline has had a MediaLive no-input alert open since `before` or earlier. */
function everyPipelineAlertedSince(
  status: IdleStatus | undefined,
  pipelines: number,
  before: number,
): boolean {
  const alerts = Object.entries(status?.openAlerts ?? {})
    // MediaLive's own alerts only (CloudWatch alarms are keyed `alarm:<name>` and carry no pipeline).
    .filter(([id, a]) => !id.startsWith('alarm:') && a.pipeline !== undefined && isNoInputAlert(a.type))
    .filter(([, a]) => Date.parse(a.since) <= before);
  for (let p = 0; p < pipelines; p++) if (!alerts.some(([, a]) => a.pipeline === String(p))) return false;
  return true;
}

/**
 * Whether a channel has had no input for its whole idle window. Two independent proofs are
 * required, and every doubt keeps the channel running:
 * - metrics: datapoints cover the window (≥ 80 % of its minutes, reaching back to its start),
 *   the newest of every pipeline is at most 3 minutes old, and no minute shows input;
 * - events: every pipeline has had a MediaLive no-input alert open for the whole window, and no
 *   input alert cleared within it. MediaLive raises and clears these within seconds, so they
 *   cover the minutes CloudWatch has not published yet. No status record means no proof.
 */
export function decideIdle(i: IdleInputs): IdleDecision {
  if (i.idleMinutes <= 0) return { stop: false, reason: 'disabled' };
  if (i.state !== ChannelState.RUNNING) return { stop: false, reason: 'not-running' };
  const windowMs = i.idleMinutes * 60_000;
  const start = i.now - windowMs;
  const since = i.status?.liveSince === undefined ? Number.NaN : Date.parse(i.status.liveSince);
  if (!Number.isNaN(since) && since > start) return { stop: false, reason: 'too-young' };
  const inWindow = i.samples.filter((s) => s.timestamp >= start && s.timestamp <= i.now);
  if (inWindow.some(hasInput)) return { stop: false, reason: 'receiving-input' };
  const minutes = new Set(inWindow.map((s) => Math.floor(s.timestamp / 60_000)));
  const oldest = Math.min(...inWindow.map((s) => s.timestamp));
  const fresh = Array.from({ length: i.pipelines }, (_, p) =>
    Math.max(...inWindow.filter((s) => s.pipeline === p).map((s) => s.timestamp)),
  ).every((newest) => i.now - newest <= MAX_DATA_AGE_MS);
  // The data must reach back to the start of the window, not just be plentiful at its end.
  if (minutes.size < Math.ceil(i.idleMinutes * MIN_COVERAGE) || oldest - start > 2 * 60_000 || !fresh)
    return { stop: false, reason: 'insufficient-data' };
  if (inputReturnedAt(i.status) >= start) return { stop: false, reason: 'input-alert-cleared' };
  if (!everyPipelineAlertedSince(i.status, i.pipelines, start))
    return { stop: false, reason: 'no-input-alert' };
  return { stop: true, reason: 'idle' };
}
