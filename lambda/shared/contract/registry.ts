/**
 * The channel registry: what the functions know about each channel of the deployment, written
 * by the CDK app into ONAIR_CHANNELS (lib/constructs/channel/channel-registry.ts) and read by
 * lambda/shared/registry.ts. Keys are kept short: Lambda allows 4 KiB of environment in total.
 */

/** One channel's entry. */
export interface ChannelEntry {
  /** MediaLive channel id. */
  readonly ml: string;
  /** MediaLive input id. */
  readonly in: string;
  /** Stream-key secret ARN. */
  readonly key: string;
  /** MediaPackage v1 channel id. */
  readonly mp: string;
  /** RTMP application name. */
  readonly app: string;
  /** Pipelines (RTMP endpoints): 1 for SINGLE_PIPELINE, 2 for STANDARD. */
  readonly p: 1 | 2;
}

/** Channel id → entry. */
export type Registry = Readonly<Record<string, ChannelEntry>>;
