/** Names of things the CDK app creates and the functions find, tag or parse. */

/**
 * Tag on a stream-key secret recording an operator's rotation request made while the channel
 * was live (value: ISO time of the request). The only tag the functions may set or remove on a
 * secret (the IAM grant is conditioned on it).
 */
export const PENDING_ROTATION_TAG = 'onair:rotation-pending';

/**
 * The tag every MediaLive channel of a deployment carries, valued with the deployment's
 * CloudFormation stack name. The lifecycle function's grant is conditioned on it
 * (aws:ResourceTag), so safe delete can still stop a channel the current template no longer names.
 */
export const DEPLOYMENT_TAG = 'onair:deployment';

/** The status table's partition key: one record per channel id. */
export const STATUS_TABLE_KEY = 'channelId';

/** Where clips go in the archive bucket: `clips/<channel>/<clip id>/index.m3u8` (the harvest role may write only there). */
export const CLIPS_PREFIX = 'clips/';

/** The scope of the CloudFront alarms in their descriptions (channel alarms use the channel id). */
export const CDN_ALARM_SCOPE = 'cdn';

/**
 * An alarm's description: `[onair:<scope>] <what>`, scope a channel id or {@link CDN_ALARM_SCOPE}.
 * The health function maps an alarm notification to its channel by this prefix.
 */
export function alarmDescription(scope: string, what: string): string {
  return `[onair:${scope}] ${what}`;
}

/** The scope and the text of an alarm description written by {@link alarmDescription}; scope undefined for any other. */
export function parseAlarmDescription(description: string | null | undefined): {
  scope?: string;
  what: string;
} {
  const text = description ?? '';
  const m = /^\[onair:([a-z0-9-]+)\]\s*/.exec(text);
  return m ? { scope: m[1], what: text.slice(m[0].length) } : { what: text };
}
