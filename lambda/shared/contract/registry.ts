/**
 * The channel registry: what the functions know about each channel of the deployment. One item
 * per channel in the registry table, written at deploy by the channel's own stack (a
 * Custom::OnAirChannelRegistration resource, lib/constructs/channel/channel-registry.ts and
 * lambda/channel-registration) and read by lambda/shared/registry.ts. The entry's keys stay short
 * as they were in the environment variable that held the registry before.
 */
import type { Format } from '../manifests';
import type { IngestProtocol } from './ingest';
import type { ViewerAuth } from './limits';

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

/** Where one format of a channel is played: its manifest's public path and the endpoint's host. */
export interface MediaLocation {
  /** `/out/v1/<endpoint path id>/<manifest>`: the viewer path is MediaPackage's own. */
  readonly path: string;
  /** The MediaPackage host the route table sends the path id to. */
  readonly host: string;
}

/**
 * A rung of the channel's ABR ladder as configured (what `GET /channels` shows without asking
 * MediaLive; `GET /channels/{id}/status` reads the same from the channel's encoder settings).
 */
export interface RegisteredRung {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly maxBitrateKbps: number;
  /** Output frames per second. */
  readonly framerate: number;
  /** Closed GOP length in seconds (an encoder's keyframe interval should match it). */
  readonly gopSeconds: number;
}

/** A channel's item in the registry table (key {@link REGISTRY_TABLE_KEY}). */
export interface RegisteredChannel extends ChannelEntry {
  readonly channelId: string;
  /** Who may obtain a playback session (config channels[].playback.auth). */
  readonly auth: ViewerAuth;
  /** Minutes RUNNING without input before idle-stop stops it; 0 never (config autoStopIdleMinutes). */
  readonly idleMinutes: number;
  /** Failed pipelines are restarted automatically (config autoRestart). */
  readonly autoRestart: boolean;
  /** `false`: the channel's sessions are not recorded (config archive false); absent: recorded. */
  readonly record?: false;
  /** The ladder, highest rung first (absent in items written before it was registered). */
  readonly ladder?: readonly RegisteredRung[];
  readonly media: Readonly<Record<Format, MediaLocation>>;
  /** The custom resource that wrote the item, `<stack id>/<logical id>`. */
  readonly owner: string;
  /** ISO time of the write. */
  readonly registeredAt: string;
}

/** The registry table's partition key. */
export const REGISTRY_TABLE_KEY = 'channelId';

/** The custom resource type each channel's stack declares to register the channel. */
export const REGISTRATION_RESOURCE_TYPE = 'Custom::OnAirChannelRegistration';
