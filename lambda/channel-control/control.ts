import {
  ChannelState,
  DescribeChannelCommand,
  type DescribeChannelCommandOutput,
  DescribeInputCommand,
  type MediaLiveClient,
  StartChannelCommand,
  StopChannelCommand,
} from '@aws-sdk/client-medialive';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TRANSITIONAL_STATES } from '../shared/channel-state';
import { ViewerAuth } from '../shared/contract';
import { serverOf } from '../shared/destinations';
import { Conflict, NotFound } from '../shared/errors';
import type { Format } from '../shared/manifests';
import { type ChannelEntry, channelOf, type RegisteredChannel } from '../shared/registry';
import { isInputAlert, type OpenAlert, readStatuses, type StatusRecord } from '../shared/status';
import { currentThumbnail, type ThumbnailView } from './thumbnail';

export interface ControlDeps {
  readonly medialive: MediaLiveClient;
  readonly ddb: DynamoDBDocumentClient;
  /** The channel registry table's channels (lambda/shared/registry.ts). */
  readonly registry: Readonly<Record<string, RegisteredChannel>>;
  readonly statusTable: string;
  /** Host name viewers use (CloudFront or the custom domain). */
  readonly playbackDomain: string;
  /**
   * The control API's own URL (`https://<domain name the request came to>`): iam channels' session
   * URLs are on it. Without it they are paths relative to the API's URL.
   */
  readonly apiUrl?: string;
}

export interface Rung {
  readonly name: string;
  readonly width?: number;
  readonly height?: number;
  readonly maxBitrateKbps?: number;
  /** Output frame rate (frames per second); an encoder should send the same. */
  readonly framerate?: number;
  /** Closed GOP length in seconds: an encoder's keyframe interval should match it. */
  readonly gopSeconds?: number;
}

/** What the channel expects from an encoder besides the ladder (the CLI derives encoder settings from it). */
export interface EncodingView {
  /** MediaLive's input class: codec, resolution and maximum bitrate of what may be pushed. */
  readonly input?: {
    readonly codec?: string;
    readonly resolution?: string;
    readonly maximumBitrate?: string;
  };
  readonly audio?: { readonly codec: string; readonly bitrateKbps?: number; readonly sampleRate?: number };
}

export interface ChannelView {
  readonly channelId: string;
  /** Who may obtain a playback session. */
  readonly auth: ViewerAuth;
  /** Where viewers (public, jwt) or a backend (iam, SigV4) ask for a session. */
  readonly sessionUrl: string;
  readonly state: string;
  readonly channelClass?: string;
  readonly pipelinesRunning: number;
  readonly ladder: readonly Rung[];
  readonly encoding: EncodingView;
  /**
   * Ingest addresses, one per pipeline: RTMP "Server" URLs (`rtmp://<ip>:1935/<app>`) or SRT
   * listener addresses (`srt://<ip>:<port>`); never a stream key or passphrase.
   */
  readonly ingestEndpoints: readonly string[];
  readonly playbackUrls: PlaybackUrls;
  /** RUNNING with no open input alert. */
  readonly live: boolean;
  readonly liveSince?: string;
  /** The frame captured most recently while live (frame capture on); served through the CDN once recordings are. */
  readonly thumbnail?: ThumbnailView;
  readonly lastAlert?: StatusRecord['lastAlert'];
  readonly openAlerts: readonly (OpenAlert & { readonly id: string })[];
}

/**
 * Manifest URLs: MediaPackage's own paths on the distribution's host (`/out/v1/<endpoint id>/…`).
 * Each needs a signed session of the channel (`POST /api/playback/<channel>/session`).
 */
export interface PlaybackUrls {
  readonly hls: string;
  readonly dash: string;
  readonly cmaf: string;
}

/** A channel in `GET /channels`: what the registry and the status table know, no MediaLive call. */
export interface ChannelSummary {
  readonly channelId: string;
  /** Who may obtain a playback session. */
  readonly auth: ViewerAuth;
  /** SINGLE_PIPELINE or STANDARD (from the registry's pipeline count). */
  readonly channelClass: string;
  /** The ladder as registered at deploy (empty for an item registered before ladders were). */
  readonly ladder: readonly Rung[];
  /**
   * Where viewers (public, jwt) or a backend (iam, SigV4 to the control API) ask for a session;
   * an iam channel's path is relative to the control API's URL.
   */
  readonly sessionUrl: string;
  readonly playbackUrls: PlaybackUrls;
  /** The channel's MediaLive state as the health function last recorded it (absent until the first change). */
  readonly state?: string;
  readonly live: boolean;
  readonly liveSince?: string;
  readonly lastAlert?: StatusRecord['lastAlert'];
  readonly openAlerts: number;
}

export interface ActionResult {
  readonly statusCode: 200 | 202;
  readonly body: {
    readonly channelId: string;
    readonly state: string;
    readonly previousState: string;
    readonly changed: boolean;
  };
}

async function describe(medialive: MediaLiveClient, channelId: string, entry: ChannelEntry) {
  try {
    return await medialive.send(new DescribeChannelCommand({ ChannelId: entry.ml }));
  } catch (err) {
    if ((err as Error).name === 'NotFoundException')
      throw new NotFound(`channel "${channelId}" does not exist in MediaLive`, { channelId });
    throw err;
  }
}

function ladderOf(ch: DescribeChannelCommandOutput): Rung[] {
  return (ch.EncoderSettings?.VideoDescriptions ?? []).map((v) => {
    const h264 = v.CodecSettings?.H264Settings;
    const max = h264?.MaxBitrate;
    const fps =
      h264?.FramerateNumerator !== undefined && h264.FramerateDenominator
        ? h264.FramerateNumerator / h264.FramerateDenominator
        : undefined;
    const gop =
      h264?.GopSize === undefined
        ? undefined
        : h264.GopSizeUnits === 'FRAMES'
          ? fps && h264.GopSize / fps
          : h264.GopSize;
    return {
      name: (v.Name ?? '').replace(/^video_/, ''),
      width: v.Width,
      height: v.Height,
      maxBitrateKbps: max === undefined ? undefined : Math.round(max / 1000),
      ...(fps !== undefined ? { framerate: fps } : {}),
      ...(gop !== undefined ? { gopSeconds: gop } : {}),
    };
  });
}

function encodingOf(ch: DescribeChannelCommandOutput): EncodingView {
  const spec = ch.InputSpecification;
  const audio = ch.EncoderSettings?.AudioDescriptions?.[0]?.CodecSettings;
  return {
    ...(spec
      ? { input: { codec: spec.Codec, resolution: spec.Resolution, maximumBitrate: spec.MaximumBitrate } }
      : {}),
    ...(audio?.AacSettings
      ? {
          audio: {
            codec: 'AAC',
            bitrateKbps:
              audio.AacSettings.Bitrate === undefined
                ? undefined
                : Math.round(audio.AacSettings.Bitrate / 1000),
            sampleRate: audio.AacSettings.SampleRate,
          },
        }
      : {}),
  };
}

function playbackUrls(domain: string, entry: RegisteredChannel): PlaybackUrls {
  const url = (format: Format) => `https://${domain}${entry.media[format].path}`;
  return { hls: url('hls'), dash: url('dash'), cmaf: url('cmaf') };
}

function sessionUrl(deps: ControlDeps, entry: RegisteredChannel): string {
  // iam sessions are requested by a backend straight from the control API (SigV4 signs the Host).
  return entry.auth === ViewerAuth.IAM
    ? `${deps.apiUrl ?? ''}/playback/${entry.channelId}/session`
    : `https://${deps.playbackDomain}/api/playback/${entry.channelId}/session`;
}

async function viewOf(
  deps: ControlDeps,
  channelId: string,
  entry: RegisteredChannel,
  status: StatusRecord | undefined,
): Promise<ChannelView> {
  const [ch, input] = await Promise.all([
    describe(deps.medialive, channelId, entry),
    deps.medialive.send(new DescribeInputCommand({ InputId: entry.in })),
  ]);
  const state = ch.State ?? 'UNKNOWN';
  const openAlerts = Object.entries(status?.openAlerts ?? {}).map(([id, a]) => ({ id, ...a }));
  const running = state === ChannelState.RUNNING;
  return {
    channelId,
    auth: entry.auth,
    sessionUrl: sessionUrl(deps, entry),
    state,
    channelClass: ch.ChannelClass,
    pipelinesRunning: ch.PipelinesRunningCount ?? 0,
    ladder: ladderOf(ch),
    encoding: encodingOf(ch),
    ingestEndpoints: (input.Destinations ?? [])
      .slice(0, entry.p)
      .map((d) => serverOf(entry, d))
      .filter((u): u is string => u !== undefined),
    playbackUrls: playbackUrls(deps.playbackDomain, entry),
    live: running && !openAlerts.some((a) => isInputAlert(a.type)),
    liveSince: running ? status?.liveSince : undefined,
    thumbnail: running ? currentThumbnail(ch, status?.liveSince, new Date()) : undefined,
    lastAlert: status?.lastAlert,
    openAlerts,
  };
}

/**
 * GET /channels: every registered channel with its URLs and last recorded state. It reads the
 * registry and the status table only: a hundred channels would take two hundred MediaLive calls
 * (throttled, and past the HTTP API's 30 s); `GET /channels/{id}/status` asks MediaLive.
 */
export async function listChannels(deps: ControlDeps): Promise<ChannelSummary[]> {
  const ids = Object.keys(deps.registry).sort();
  const statuses = await readStatuses(deps.ddb, deps.statusTable, ids);
  return ids.map((id) => {
    const entry = registered(deps, id);
    const status = statuses.get(id);
    const openAlerts = Object.values(status?.openAlerts ?? {});
    const running = status?.state === ChannelState.RUNNING;
    return {
      channelId: id,
      auth: entry.auth,
      channelClass: entry.p === 2 ? 'STANDARD' : 'SINGLE_PIPELINE',
      ladder: entry.ladder ?? [],
      sessionUrl: sessionUrl(deps, entry),
      playbackUrls: playbackUrls(deps.playbackDomain, entry),
      state: status?.state,
      live: running && !openAlerts.some((a) => isInputAlert(a.type)),
      liveSince: running ? status?.liveSince : undefined,
      lastAlert: status?.lastAlert,
      openAlerts: openAlerts.length,
    };
  });
}

function registered(deps: ControlDeps, channelId: string): RegisteredChannel {
  channelOf(deps.registry, channelId);
  return deps.registry[channelId] as RegisteredChannel;
}

/** GET /channels/{id}/status. */
export async function channelStatus(deps: ControlDeps, channelId: string): Promise<ChannelView> {
  const entry = registered(deps, channelId);
  const statuses = await readStatuses(deps.ddb, deps.statusTable, [channelId]);
  return viewOf(deps, channelId, entry, statuses.get(channelId));
}

function conflict(channelId: string, action: 'start' | 'stop', state: string): Conflict {
  const why = TRANSITIONAL_STATES.has(state)
    ? `the channel is ${state}; retry when it is ${action === 'start' ? 'IDLE or RUNNING' : 'RUNNING or IDLE'}`
    : `a channel in state ${state} cannot be ${action === 'start' ? 'started' : 'stopped'}`;
  return new Conflict(`cannot ${action} channel "${channelId}": ${why}`, { channelId, state }, 10);
}

/**
 * Runs StartChannel/StopChannel; a ConflictException means the state changed between our
 * DescribeChannel and the call, so the 409 reports the state as it is now.
 */
async function sendTransition<T>(
  deps: ControlDeps,
  channelId: string,
  entry: ChannelEntry,
  action: 'start' | 'stop',
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if ((err as Error).name !== 'ConflictException') throw err;
    const now = await describe(deps.medialive, channelId, entry);
    const state = now.State ?? 'UNKNOWN';
    throw new Conflict(
      `cannot ${action} channel "${channelId}": its state changed meanwhile and is now ${state}`,
      { channelId, state },
      10,
    );
  }
}

/**
 * POST /channels/{id}/start. Idempotent: RUNNING is 200 without a call; IDLE starts (202);
 * any other state is 409 with the state.
 */
export async function startChannel(deps: ControlDeps, channelId: string): Promise<ActionResult> {
  const entry = channelOf(deps.registry, channelId);
  const ch = await describe(deps.medialive, channelId, entry);
  const state = ch.State ?? 'UNKNOWN';
  if (state === ChannelState.RUNNING)
    return { statusCode: 200, body: { channelId, state, previousState: state, changed: false } };
  if (state !== ChannelState.IDLE) throw conflict(channelId, 'start', state);
  const res = await sendTransition(deps, channelId, entry, 'start', () =>
    deps.medialive.send(new StartChannelCommand({ ChannelId: entry.ml })),
  );
  return {
    statusCode: 202,
    body: { channelId, state: res.State ?? ChannelState.STARTING, previousState: state, changed: true },
  };
}

/**
 * POST /channels/{id}/stop (an operator's explicit request, so it stops a channel with input).
 * Idempotent: IDLE is 200 without a call; RUNNING or RECOVERING stops (202); any other state is
 * 409 with the state.
 */
export async function stopChannel(deps: ControlDeps, channelId: string): Promise<ActionResult> {
  const entry = channelOf(deps.registry, channelId);
  const ch = await describe(deps.medialive, channelId, entry);
  const state = ch.State ?? 'UNKNOWN';
  if (state === ChannelState.IDLE)
    return { statusCode: 200, body: { channelId, state, previousState: state, changed: false } };
  if (state !== ChannelState.RUNNING && state !== ChannelState.RECOVERING)
    throw conflict(channelId, 'stop', state);
  const res = await sendTransition(deps, channelId, entry, 'stop', () =>
    deps.medialive.send(new StopChannelCommand({ ChannelId: entry.ml })),
  );
  return {
    statusCode: 202,
    body: { channelId, state: res.State ?? ChannelState.STOPPING, previousState: state, changed: true },
  };
}
