import type { Context } from 'aws-lambda';
import { redactedFailure } from '../../shared/errors';
import { countMetric, logger, OnAirMetric, withLambdaContext } from '../../shared/powertools';
import type { Registry } from '../../shared/registry';
import { applyPendingRotation } from '../engine';
import { credentialOf } from '../kinds';
import { clients, registry } from './runtime';

/** The part of a "MediaLive Channel State Change" event this function reads. */
export interface StateChangeEvent {
  readonly 'detail-type': 'MediaLive Channel State Change';
  readonly source: 'aws.medialive';
  readonly detail: {
    readonly channel_arn: string;
    readonly state: string;
    readonly pipelines_running_count?: number;
  };
}

/** A MediaLive channel ARN ends in `:channel:<id>`. */
const CHANNEL_ARN = /:channel:[^:/]+$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state change in `event`, or the first field that does not fit: a few explicit checks (a
 * schema library would weigh on the bundle).
 */
export function parseStateChangeEvent(
  event: unknown,
):
  | { readonly ok: true; readonly value: StateChangeEvent }
  | { readonly ok: false; readonly problem: string } {
  const fail = (problem: string) => ({ ok: false as const, problem });
  if (!isObject(event)) return fail('the event is not an object');
  if (event['detail-type'] !== 'MediaLive Channel State Change')
    return fail(`detail-type: unexpected ${JSON.stringify(event['detail-type'])}`);
  if (event.source !== 'aws.medialive') return fail(`source: unexpected ${JSON.stringify(event.source)}`);
  const d = event.detail;
  if (!isObject(d)) return fail('detail: expected an object');
  if (typeof d.channel_arn !== 'string' || !CHANNEL_ARN.test(d.channel_arn))
    return fail(`detail.channel_arn: expected a MediaLive channel ARN, got ${JSON.stringify(d.channel_arn)}`);
  if (typeof d.state !== 'string') return fail(`detail.state: unexpected ${JSON.stringify(d.state)}`);
  if (d.pipelines_running_count !== undefined && !Number.isInteger(d.pipelines_running_count))
    return fail(`detail.pipelines_running_count: unexpected ${JSON.stringify(d.pipelines_running_count)}`);
  return { ok: true, value: event as unknown as StateChangeEvent };
}

/** Registry channel id of a MediaLive channel ARN (`arn:<partition>:medialive:<region>:<account>:channel:<id>`). */
export function channelIdOfArn(reg: Registry, arn: string): string | undefined {
  const mlId = arn.slice(arn.lastIndexOf(':') + 1);
  return Object.keys(reg).find((id) => reg[id]?.ml === mlId);
}

/**
 * EventBridge: applies a pending rotation of a channel's ingest credential (stream key or SRT
 * passphrase) when a channel of this deployment reaches
 * IDLE. The channel's state is read from DescribeChannel before anything changes; an event
 * reporting the stop ("STOPPED" with no pipeline left running) while DescribeChannel does not
 * say IDLE yet throws, like every error, so Lambda's asynchronous retries try again (then the
 * dead-letter queue keeps the event).
 */
export const stateChange = withLambdaContext(
  async (event: unknown, context?: Context): Promise<{ channelId?: string; result: string }> => {
    const parsed = parseStateChangeEvent(event);
    if (!parsed.ok) {
      logger.warn('ignoring an event that is not a MediaLive channel state change', {
        problem: parsed.problem,
      });
      return { result: 'ignored' };
    }
    // Every MediaLive channel of the account and Region reaches this rule (an event pattern cannot
    // name a hundred channel ARNs); only this deployment's registered channels are acted on.
    const reg = await registry();
    const channelId = channelIdOfArn(reg, parsed.value.detail.channel_arn);
    const entry = channelId === undefined ? undefined : reg[channelId];
    if (channelId === undefined || entry === undefined) {
      logger.warn('state change of a channel outside this deployment', {
        arn: parsed.value.detail.channel_arn,
      });
      return { result: 'unknown-channel' };
    }
    let result: string;
    try {
      result = await applyPendingRotation(clients, credentialOf(channelId, entry), {
        logger,
        eventState: parsed.value.detail.state,
        eventPipelinesRunning: parsed.value.detail.pipelines_running_count,
        remainingMs: context ? () => context.getRemainingTimeInMillis() : undefined,
      });
    } catch (err) {
      throw redactedFailure(err, logger, { channelId, eventState: parsed.value.detail.state });
    }
    if (result === 'rotated') countMetric(OnAirMetric.STREAM_KEY_ROTATIONS, channelId);
    logger.info('channel state change handled', { channelId, eventState: parsed.value.detail.state, result });
    return { channelId, result };
  },
);
