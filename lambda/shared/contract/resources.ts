/** Names of things the CDK app creates and the functions find, tag or parse. */

/**
 * Tag on a stream-key secret recording an operator's rotation request made while the channel
 * was live (value: ISO time of the request). The only tag the functions may set or remove on a
 * secret (the IAM grant is conditioned on it).
 */
export const PENDING_ROTATION_TAG = 'onair:rotation-pending';

/**
 * The tag every per-channel resource of a deployment carries (MediaLive channels, inputs and
 * input security groups, MediaPackage channels and endpoints, stream-key secrets), valued with
 * the deployment's (root) CloudFormation stack name. The functions' grants are conditioned on it
 * (aws:ResourceTag) instead of naming ARNs: the channels live in their own nested stacks, a
 * hundred channels' ARNs would outgrow a policy, and safe delete can still stop a channel the
 * current template no longer names (lib/constructs/core/deployment-tags.ts).
 */
export const DEPLOYMENT_TAG = 'onair:deployment';

/**
 * Tags that say what the control plane may do to one channel beyond describing it, valued
 * "true". A grant names the deployment tag and one of these, so a function acts only on channels
 * whose config opted in, without naming their ARNs.
 */
export const AUTO_START_TAG = 'onair:auto-start';
export const AUTO_STOP_TAG = 'onair:auto-stop';
export const AUTO_RESTART_TAG = 'onair:auto-restart';

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
