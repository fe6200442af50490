/** Formats, limits and thresholds the config, the constructs and the functions share. */

/** A channel id: a slug of 2-32 characters (config `channels[].id`, URL segments, route parameters). */
export const CHANNEL_ID_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** {@link CHANNEL_ID_PATTERN} in words, for error messages. */
export const CHANNEL_ID_RULE = '2-32 characters, a-z 0-9 and "-", starting with a letter';

/** Who may obtain a playback session for a channel (media always needs one). */
export enum ViewerAuth {
  /** Anyone: sessions stop hot-linking and enforce expiry. */
  PUBLIC = 'public',
  /** A bearer JWT from the configured issuer and audience (HTTP API JWT authorizer). */
  JWT = 'jwt',
  /** A SigV4-signed backend, calling the API endpoint directly. */
  IAM = 'iam',
}

/** The lifetime of a playback session, in seconds: 1 minute to 24 hours. */
export const SESSION_TTL_SECONDS = { min: 60, max: 86_400 } as const;

/** MediaLive accepts at most 10 CIDR rules per input security group. */
export const MAX_INPUT_CIDRS = 10;

/**
 * Stream keys are this many letters and digits (≈190 bits), whether Secrets Manager generated
 * them at deploy or a rotation did.
 */
export const STREAM_KEY_LENGTH = 32;

/**
 * MediaLive NetworkIn (Mbit/s into the channel, per pipeline) above this (10 kbit/s) means input
 * arrives: idle auto-stop and the alarms that wait for input agree on it. An RTMP push of even a
 * low-bitrate audio-only stream (AAC at 32 kbit/s plus RTMP framing) exceeds it; an unconnected
 * input stays below it.
 */
export const INPUT_PRESENT_MBPS = 0.01;
