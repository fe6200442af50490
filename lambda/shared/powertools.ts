import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/** One Logger and one Metrics per container, configured from POWERTOOLS_* environment variables. */
export const logger = new Logger();

/**
 * The logger type of every function: the Powertools Logger's own methods (a message, then objects
 * of attributes). Domain code takes one as an argument; handlers pass {@link logger}, tests a
 * silent Logger or fakes. Never log secrets, stream keys, private keys or signed URLs.
 */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Wraps a handler so that every log line of the invocation carries the Lambda context (request
 * id, function name and version, cold start). Tests may call a handler without a context.
 */
export function withLambdaContext<E, R>(
  fn: (event: E, context?: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return (event, context) => {
    if (context !== undefined) logger.addContext(context);
    return fn(event, context);
  };
}
// Pure: a function that counts nothing leaves Metrics out of its bundle (lib/build/functions.ts).
export const metrics = /* @__PURE__ */ new Metrics();

/** Business events the control plane counts (CloudWatch namespace POWERTOOLS_METRICS_NAMESPACE). */
export enum OnAirMetric {
  PLAYBACK_SESSIONS = 'PlaybackSessionsIssued',
  STREAM_KEY_ROTATIONS = 'StreamKeyRotations',
  STREAM_KEY_ROTATIONS_PENDING = 'StreamKeyRotationsPending',
  CHANNELS_AUTO_STOPPED = 'ChannelsAutoStopped',
}

/**
 * Publishes one count right away (an embedded-metric-format log line) with `ChannelId` as its
 * only dimension, so a count is one series per channel whichever function emitted it.
 */
export function countMetric(name: OnAirMetric, channelId: string, value = 1): void {
  const single = metrics.singleMetric();
  single.clearDefaultDimensions();
  single.addDimension('ChannelId', channelId);
  single.addMetric(name, MetricUnit.Count, value);
}
