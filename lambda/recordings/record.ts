import type { RecordingStatus } from '../shared/contract';

/** One harvested part as the index keeps it. */
export interface PartRecord {
  readonly start: string;
  readonly end: string;
  /** The current harvest job (`<recording id>-p01`, `…-p01-r2` for a retry). */
  readonly jobId: string;
  readonly attempt: number;
  /** IN_PROGRESS, SUCCEEDED or FAILED (MediaPackage's harvest job statuses). */
  readonly status: string;
  readonly message?: string;
}

/** A recording in the index (one DynamoDB item). */
export interface RecordingRecord {
  readonly recordingId: string;
  readonly channelId: string;
  readonly sessionStart: string;
  readonly sessionEnd?: string;
  readonly status: RecordingStatus;
  readonly published: boolean;
  /** By {@link partKey}. */
  readonly parts: Readonly<Record<string, PartRecord>>;
  /** Number of parts once the session has ended. */
  readonly partCount?: number;
  readonly durationSeconds?: number;
  readonly sizeBytes?: number;
  /** The joined master playlist (set when READY). */
  readonly manifestKey?: string;
  readonly posterKey?: string;
  readonly failure?: string;
  /** Epoch seconds when its files start to expire (RECORDING_EXPIRES_AT, the table's TTL); absent: never. */
  readonly expiresAt?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the API shows of a recording. */
export function recordingView(r: RecordingRecord) {
  return {
    recordingId: r.recordingId,
    channelId: r.channelId,
    status: r.status,
    published: r.published,
    sessionStart: r.sessionStart,
    sessionEnd: r.sessionEnd ?? null,
    durationSeconds: r.durationSeconds ?? null,
    sizeBytes: r.sizeBytes ?? null,
    manifestKey: r.manifestKey ?? null,
    posterKey: r.posterKey ?? null,
    parts: Object.keys(r.parts)
      .sort()
      .map((k) => ({ part: k, ...r.parts[k] })),
    ...(r.failure ? { failure: r.failure } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** The key of a channel's session marker in the recordings table (not a recording; no channelId, so not listed). */
export function markerKey(channelId: string): { recordingId: string } {
  return { recordingId: `live#${channelId}` };
}

/** A channel's session marker: the open session, and when the last one ended. */
export interface SessionMarker {
  readonly recordingId: string;
  readonly openId?: string;
  readonly openStart?: string;
  readonly lastEnd?: string;
}
