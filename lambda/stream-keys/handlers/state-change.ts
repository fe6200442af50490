import type { Context } from 'aws-lambda';
import { redactedFailure } from '../../shared/errors';
import { countMetric, logger, OnAirMetric, withLambdaContext } from '../../shared/powertools';
import type { Registry } from '../../shared/registry';
import * as z from '../../shared/zod';
import { applyPendingRotation } from '../engine';
import { credentialOf } from '../kinds';
import { clients, registry } from './runtime';

/** The part of a "MediaLive Channel State Change" event this function reads. */
export const stateChangeEvent = z.object({
  'detail-type': z.literal('MediaLive Channel State Change'),
  source: z.literal('aws.medialive'),
  detail: z.object({
    channel_arn: z.string().check(z.regex(/:channel:[^:/]+$/, 'expected a MediaLive channel ARN')),
    state: z.string(),
    pipelines_running_count: z.optional(z.int()),
  }),
});

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
    const parsed = stateChangeEvent.safeParse(event);
    if (!parsed.success) {
      logger.warn('ignoring an event that is not a MediaLive channel state change');
      return { result: 'ignored' };
    }
    // Every MediaLive channel of the account and Region reaches this rule (an event pattern cannot
    // name a hundred channel ARNs); only this deployment's registered channels are acted on.
    const reg = await registry();
    const channelId = channelIdOfArn(reg, parsed.data.detail.channel_arn);
    const entry = channelId === undefined ? undefined : reg[channelId];
    if (channelId === undefined || entry === undefined) {
      logger.warn('state change of a channel outside this deployment', {
        arn: parsed.data.detail.channel_arn,
      });
      return { result: 'unknown-channel' };
    }
    let result: string;
    try {
      result = await applyPendingRotation(clients, credentialOf(channelId, entry), {
        logger,
        eventState: parsed.data.detail.state,
        eventPipelinesRunning: parsed.data.detail.pipelines_running_count,
        remainingMs: context ? () => context.getRemainingTimeInMillis() : undefined,
      });
    } catch (err) {
      throw redactedFailure(err, logger, { channelId, eventState: parsed.data.detail.state });
    }
    if (result === 'rotated') countMetric(OnAirMetric.STREAM_KEY_ROTATIONS, channelId);
    logger.info('channel state change handled', { channelId, eventState: parsed.data.detail.state, result });
    return { channelId, result };
  },
);
