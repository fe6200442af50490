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
