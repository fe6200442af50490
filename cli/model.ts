/**
 * The control API's answers as the CLI reads them (docs/operations.md). Every field the CLI does
 * not strictly need is optional: the CLI reads URLs from these answers and never builds a media
 * path itself, so it keeps working when the API adds fields or moves media paths.
 */
/** A rung of the ladder as GET /channels/{id}/status answers it (the channel-control function's own type). */
import type { Rung } from '../lambda/channel-control/control';

export type { Rung };

export interface Alert {
  readonly type: string;
  readonly pipeline?: string;
  readonly message: string;
  readonly state?: 'SET' | 'CLEARED';
  readonly at?: string;
  readonly since?: string;
  readonly id?: string;
}

export interface ChannelView {
  readonly channelId: string;
  /** Absent in `GET /channels` until the channel's first recorded state change. */
  readonly state?: string;
  readonly channelClass?: string;
  readonly pipelinesRunning?: number;
  readonly ladder?: readonly Rung[];
  readonly encoding?: {
    readonly input?: {
      readonly codec?: string;
      readonly resolution?: string;
      readonly maximumBitrate?: string;
    };
    readonly audio?: { readonly codec: string; readonly bitrateKbps?: number; readonly sampleRate?: number };
  };
  readonly ingestEndpoints?: readonly string[];
  readonly playbackUrls?: Readonly<Record<string, string>>;
  /** Where viewers obtain a session, when the API lists it. */
  readonly sessionUrl?: string;
  readonly playerUrl?: string;
  readonly live?: boolean;
  readonly liveSince?: string;
  readonly lastAlert?: Alert;
  readonly openAlerts?: readonly Alert[];
}

export interface ActionResult {
  readonly channelId: string;
  readonly state: string;
  readonly previousState: string;
  readonly changed: boolean;
}

/** An RTMP push endpoint: OBS "Server" and "Stream Key". */
export interface RtmpEndpoint {
  readonly server?: string;
  readonly streamKey: string;
}

/** An SRT listener endpoint: the complete srt:// URL (OBS, ffmpeg) and what hardware encoders ask for. */
export interface SrtEndpoint {
  /** srt://<ip>:<port>?mode=caller&passphrase=…&pbkeylen=…&latency=<µs>[&streamid=…] */
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly passphrase: string;
  readonly encryption?: string;
  readonly pbkeylen?: number;
  readonly latencyMs?: number;
  readonly streamId?: string;
}

interface IngestCommon {
  readonly channelId: string;
  readonly state: string;
  readonly rotationPending?: boolean;
  readonly inconsistent?: boolean;
}

/** GET /channels/{id}/ingest; an answer without `protocol` (an older API) is RTMP. */
export type IngestDetails =
  | (IngestCommon & { readonly protocol?: 'RTMP_PUSH'; readonly endpoints: readonly RtmpEndpoint[] })
  | (IngestCommon & { readonly protocol: 'SRT_LISTENER'; readonly endpoints: readonly SrtEndpoint[] });

/** The ingest details of an SRT listener channel. */
export type SrtIngestDetails = Extract<IngestDetails, { protocol: 'SRT_LISTENER' }>;

export function isSrt(d: IngestDetails): d is SrtIngestDetails {
  return d.protocol === 'SRT_LISTENER';
}

/** The credential each endpoint shows: the stream key, or the SRT passphrase. */
export function credentialsOf(d: IngestDetails): string[] {
  return isSrt(d) ? d.endpoints.map((e) => e.passphrase) : d.endpoints.map((e) => e.streamKey);
}

export interface ClipView {
  readonly clipId: string;
  readonly channelId: string;
  readonly status: string;
  readonly start: string;
  readonly end: string;
  readonly manifest?: string;
}

export type Format = 'hls' | 'dash' | 'cmaf';
export const FORMATS: readonly Format[] = ['hls', 'dash', 'cmaf'];

/** A viewer session (POST /playback/<channel>/session). */
export interface Session {
  readonly channelId: string;
  readonly expiresAt: string;
  /** The signed manifest URL of each format the session covers. */
  readonly urls: Partial<Record<Format, string>>;
  /** The session's cookies as a Cookie header value (from Set-Cookie, or the iam answer's `cookies`). */
  readonly cookie: string;
  /** Where the session came from (for messages). */
  readonly sessionUrl: string;
}

/** A recording as the recordings routes answer it (lambda/recordings/record.ts recordingView). */
export interface RecordingView {
  readonly recordingId: string;
  readonly channelId: string;
  /** RECORDING, PROCESSING, READY or FAILED. */
  readonly status: string;
  /** Viewers may get a session for it. */
  readonly published: boolean;
  readonly sessionStart: string;
  readonly sessionEnd: string | null;
  readonly durationSeconds: number | null;
  readonly sizeBytes: number | null;
  readonly manifestKey: string | null;
  readonly posterKey: string | null;
  readonly parts?: readonly {
    readonly part: string;
    readonly status: string;
    readonly start: string;
    readonly end: string;
  }[];
  readonly failure?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One page of GET /channels/{id}/recordings, newest first; `next` names the following page. */
export interface RecordingsPage {
  readonly channelId: string;
  readonly recordings: readonly RecordingView[];
  readonly next?: string;
}
