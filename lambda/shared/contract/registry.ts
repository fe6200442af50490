/**
 * The channel registry: what the functions know about each channel of the deployment, written
 * by the CDK app into ONAIR_CHANNELS (lib/constructs/channel/channel-registry.ts) and read by
 * lambda/shared/registry.ts. Keys are kept short: Lambda allows 4 KiB of environment in total.
 */

import type { IngestProtocol } from './ingest';

/** One channel's entry. */
export interface ChannelEntry {
  /** MediaLive channel id. */
  readonly ml: string;
  /** MediaLive input id. */
  readonly in: string;
  /** The ingest credential's secret ARN: the RTMP stream key or the SRT passphrase. */
  readonly key: string;
  /** MediaPackage v1 channel id. */
  readonly mp: string;
  /** RTMP application name (the channel id). */
  readonly app: string;
  /** Pipelines (ingest endpoints): 1 for SINGLE_PIPELINE, 2 for STANDARD. */
  readonly p: 1 | 2;
  /**
   * The input type, set only for SRT_LISTENER (an absent one is RTMP_PUSH: every byte of the
   * registry counts).
   */
  readonly t?: IngestProtocol.SRT_LISTENER;
}

/** Channel id → entry. */
export type Registry = Readonly<Record<string, ChannelEntry>>;
