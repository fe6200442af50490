/**
 * The example "MediaLive Channel State Change" event of the MediaLive User Guide, as published
 * ("JSON for a state change event",
 * https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html).
 * As published, `resources` and `detail.channel_arn` name different channels: the handlers read
 * `detail.channel_arn` only, and events built here keep the example's `resources` to prove it.
 */
export const DOCUMENTED_STATE_CHANGE = {
  version: '0',
  id: 'fbcbbbe3-2541-d4a3-d819-x39f522a8ce',
  'detail-type': 'MediaLive Channel State Change',
  source: 'aws.medialive',
  account: '111122223333',
  time: '2023-03-08T18:40:59Z',
  region: 'us-west-2',
  resources: ['arn:aws:medialive:us-west-2:111122223333:channel:283886'],
  detail: {
    channel_arn: 'arn:aws:medialive:us-west-2:111122223333:channel:123456',
    state: 'DELETED',
    message: 'Deleted channel',
    pipelines_running_count: 0,
  },
} as const;

export interface StateChangeOptions {
  readonly channelArn: string;
  /** `detail.state` as MediaLive sends it: API states, and STOPPED and CREATED (see apiStateOfEvent). */
  readonly state: string;
  /** @default the example's message for DELETED; a placeholder for other states (only DELETED's is documented) */
  readonly message?: string;
  /** @default 0, as in the example */
  readonly pipelinesRunning?: number;
  /** @default the example's time */
  readonly time?: string;
}

/** A state-change event: the documented example with the channel, state, message, count and time replaced. */
export function stateChangeFromExample(o: StateChangeOptions) {
  const sample = DOCUMENTED_STATE_CHANGE;
  return {
    ...sample,
    resources: [...sample.resources],
    time: o.time ?? sample.time,
    detail: {
      ...sample.detail,
      channel_arn: o.channelArn,
      state: o.state,
      message: o.message ?? (o.state === sample.detail.state ? sample.detail.message : `Channel ${o.state}`),
      pipelines_running_count: o.pipelinesRunning ?? sample.detail.pipelines_running_count,
    },
  };
}
