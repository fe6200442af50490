import { z } from 'zod';

/** "MediaLive Channel State Change" (MediaLive user guide: JSON for a state change event). */
export const stateChangeEvent = z.object({
  'detail-type': z.literal('MediaLive Channel State Change'),
  source: z.literal('aws.medialive'),
  time: z.string(),
  resources: z.array(z.string()).optional(),
  detail: z.object({
    channel_arn: z.string(),
    state: z.string(),
    message: z.string().optional(),
    pipelines_running_count: z.number().int().optional(),
  }),
});
export type StateChangeEvent = z.infer<typeof stateChangeEvent>;

/** "MediaLive Channel Alert" (MediaLive user guide: JSON for an alert event). */
export const alertEvent = z.object({
  'detail-type': z.literal('MediaLive Channel Alert'),
  source: z.literal('aws.medialive'),
  time: z.string(),
  resources: z.array(z.string()).optional(),
  detail: z.object({
    alarm_state: z.enum(['SET', 'CLEARED']),
    alarm_id: z.string().min(1),
    alert_type: z.string(),
    pipeline: z.union([z.string(), z.number()]).optional(),
    channel_arn: z.string(),
    message: z.string().optional(),
  }),
});
export type AlertEvent = z.infer<typeof alertEvent>;

/** A CloudWatch alarm state change as SNS delivers it (the JSON in Sns.Message). */
export const alarmMessage = z.object({
  AlarmName: z.string(),
  AlarmDescription: z.string().nullish(),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  OldStateValue: z.string().optional(),
  NewStateReason: z.string().optional(),
  StateChangeTime: z.string().optional(),
  Region: z.string().optional(),
});
export type AlarmMessage = z.infer<typeof alarmMessage>;

export const snsEvent = z.object({
  Records: z
    .array(z.object({ EventSource: z.literal('aws:sns'), Sns: z.object({ Message: z.string() }) }))
    .min(1),
});

export const healthEvent = z.union([stateChangeEvent, alertEvent, snsEvent]);
export type HealthEvent = z.infer<typeof healthEvent>;

/** Alarm descriptions start with `[onair:<channel id>]` or `[onair:cdn]` (see lib/constructs/alarms.ts). */
export function alarmScope(description: string | null | undefined): string | undefined {
  const m = /^\[onair:([a-z0-9-]+)\]/.exec(description ?? '');
  return m?.[1];
}
