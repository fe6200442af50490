import * as z from '../shared/zod';

/** "MediaLive Channel State Change" (MediaLive user guide: JSON for a state change event). */
export const stateChangeEvent = z.object({
  'detail-type': z.literal('MediaLive Channel State Change'),
  source: z.literal('aws.medialive'),
  time: z.string(),
  resources: z.optional(z.array(z.string())),
  detail: z.object({
    channel_arn: z.string(),
    state: z.string(),
    message: z.optional(z.string()),
    pipelines_running_count: z.optional(z.int()),
  }),
});
export type StateChangeEvent = z.infer<typeof stateChangeEvent>;

/** "MediaLive Channel Alert" (MediaLive user guide: JSON for an alert event). */
export const alertEvent = z.object({
  'detail-type': z.literal('MediaLive Channel Alert'),
  source: z.literal('aws.medialive'),
  time: z.string(),
  resources: z.optional(z.array(z.string())),
  detail: z.object({
    alarm_state: z.enum(['SET', 'CLEARED']),
    alarm_id: z.string().check(z.minLength(1)),
    alert_type: z.string(),
    pipeline: z.optional(z.union([z.string(), z.number()])),
    channel_arn: z.string(),
    message: z.optional(z.string()),
  }),
});
export type AlertEvent = z.infer<typeof alertEvent>;

/** A CloudWatch alarm state change as SNS delivers it (the JSON in Sns.Message). */
export const alarmMessage = z.object({
  AlarmName: z.string(),
  AlarmDescription: z.nullish(z.string()),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  OldStateValue: z.optional(z.string()),
  NewStateReason: z.optional(z.string()),
  StateChangeTime: z.optional(z.string()),
  Region: z.optional(z.string()),
});
export type AlarmMessage = z.infer<typeof alarmMessage>;

export const snsEvent = z.object({
  Records: z
    .array(z.object({ EventSource: z.literal('aws:sns'), Sns: z.object({ Message: z.string() }) }))
    .check(z.minLength(1)),
});

export const healthEvent = z.union([stateChangeEvent, alertEvent, snsEvent]);
export type HealthEvent = z.infer<typeof healthEvent>;
