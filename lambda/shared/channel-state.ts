import { ChannelState } from '@aws-sdk/client-medialive';

/** States in which MediaLive is moving a channel between IDLE and RUNNING (or editing it). */
export const TRANSITIONAL_STATES: ReadonlySet<string> = new Set([
  ChannelState.CREATING,
  ChannelState.STARTING,
  ChannelState.STOPPING,
  ChannelState.RECOVERING,
  ChannelState.UPDATING,
  ChannelState.DELETING,
]);

/** States in which the channel is gone or cannot run; nothing is billed and nothing to stop. */
export const GONE_STATES: ReadonlySet<string> = new Set([
  ChannelState.DELETED,
  ChannelState.CREATE_FAILED,
  ChannelState.UPDATE_FAILED,
]);

/** Event-only states of "MediaLive Channel State Change" events (the API never reports these). */
export enum EventOnlyState {
  /** Creation finished: the channel is IDLE. */
  CREATED = 'CREATED',
  /** A pipeline stopped: the channel is IDLE once no pipeline runs. */
  STOPPED = 'STOPPED',
}

const API_STATES: ReadonlySet<string> = new Set(Object.values(ChannelState));

/**
 * The API state (DescribeChannel's ChannelState) that a "MediaLive Channel State Change" event's
 * `detail.state` stands for; undefined for a state neither uses as far as documented.
 *
 * Events do not carry API states only. The MediaLive User Guide's example event ("JSON for a
 * state change event", https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html)
 * reports `DELETED` ("Deleted channel"), which the API also uses; "States for channels"
 * (https://docs.aws.amazon.com/medialive/latest/ug/monitor-activity-types-channel.html) lists the
 * API states and says UPDATING is not sent as an event. A stop arrives as `STOPPED` (AWS's Media
 * Replay Engine, awslabs/aws-media-replay-engine, detects a stopped channel with an EventBridge
 * rule on `detail.state: ["STOPPED"]`) with `pipelines_running_count`; delivered events name the
 * stopped `pipeline`, so a STANDARD channel is taken as idle only once that count is 0. A finished
 * creation arrives as `CREATED` ("Created channel"; seen in delivered events, not in the guide).
 * Mapping:
 * - STOPPED → IDLE when no pipeline runs any more, else STOPPING (the other pipeline is stopping);
 * - CREATED → IDLE (MediaLive creates channels idle);
 * - every API state, DELETED included, → itself.
 */
export function apiStateOfEvent(state: string, pipelinesRunning?: number): ChannelState | undefined {
  if (state === EventOnlyState.STOPPED)
    return (pipelinesRunning ?? 0) > 0 ? ChannelState.STOPPING : ChannelState.IDLE;
  if (state === EventOnlyState.CREATED) return ChannelState.IDLE;
  return API_STATES.has(state) ? (state as ChannelState) : undefined;
}

/** A MediaLive channel id from its ARN (`arn:aws:medialive:<region>:<account>:channel:<id>`). */
export function channelIdFromArn(arn: string): string | undefined {
  const m = /:channel:([^:/]+)$/.exec(arn);
  return m?.[1];
}

/** MediaLive names pipelines "0"/"1" in events and metrics and PIPELINE_0/1 in RestartChannelPipelines. */
export function pipelineIndex(pipeline: string | number | undefined): 0 | 1 | undefined {
  if (pipeline === undefined) return undefined;
  const s = String(pipeline).replace(/^PIPELINE_/, '');
  return s === '0' ? 0 : s === '1' ? 1 : undefined;
}
