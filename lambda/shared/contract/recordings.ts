/**
 * Recordings: what the CDK app (lib/constructs/archive/recordings.ts) and the recordings functions
 * (lambda/recordings) agree on. No SDK imports: the CDK app loads this module too.
 */

/** Where recordings go in the archive bucket: `recordings/<channel>/<recording id>/…` (the harvest role may write only there). */
export const RECORDINGS_PREFIX = 'recordings/';

/** Where MediaLive's frame capture writes a channel's JPEGs: `thumbnails/<channel>/…`. */
export const THUMBNAILS_PREFIX = 'thumbnails/';

/**
 * The frame capture output's name modifier: MediaLive names each JPEG destination prefix + name
 * modifier + `.` + a 5-digit counter from 00001 + `.jpg` (CloudFormation reference,
 * AWS::MediaLive::Channel FrameCaptureGroupSettings, Destination).
 */
export const THUMBNAIL_NAME_MODIFIER = '_thumb';

/**
 * MediaPackage v1 harvests at most 24 hours per live-to-VOD asset (MediaPackage user guide,
 * "Live-to-VOD requirements": its duration must not exceed the maximum live-to-VOD manifest
 * length, 24 hours).
 */
export const MAX_HARVEST_SECONDS = 24 * 3600;

/** How often the sweep harvests the finished parts of sessions still live. */
export const SWEEP_MINUTES = 15;

/**
 * A part is harvested at least this long after its end: MediaPackage must have received the
 * last segment (a few segment lengths), and the end time must be in the past.
 */
export const HARVEST_LAG_SECONDS = 120;

/** Slack between a part's harvest and the start of its range leaving the startover window. */
export const STARTOVER_MARGIN_SECONDS = 5 * 60;

/** Attempts per part (a FAILED harvest job is retried with a new job while its range is in the window). */
export const MAX_HARVEST_ATTEMPTS = 3;

/** A recording's life: RECORDING while live, PROCESSING from the stop to the last harvest, then READY or FAILED. */
export enum RecordingStatus {
  RECORDING = 'RECORDING',
  PROCESSING = 'PROCESSING',
  READY = 'READY',
  FAILED = 'FAILED',
}

/** The recordings table's partition key (one item per recording, plus one session marker per channel). */
export const RECORDINGS_TABLE_KEY = 'recordingId';
/** The index listing a channel's recordings by session start (newest first). */
export const RECORDINGS_BY_CHANNEL_INDEX = 'byChannel';

/**
 * The recordings table's TTL attribute (epoch seconds): set on a recording when the archive
 * expires objects (config archive.expireAfterDays), so its record goes with its files. TTL
 * deletion is lazy (typically within days), so readers also treat a past value as gone.
 */
export const RECORDING_EXPIRES_AT = 'expiresAt';

/**
 * When a recording's files start to disappear, in epoch seconds: `expireAfterDays` after its
 * session start. S3 expires an object that many days after its creation (rounded up to the next
 * midnight UTC), and no part is harvested before the session starts, so this is never later than
 * the first deletion; counting from the session end could list a recording whose first parts
 * (harvested while it was live) are already gone.
 */
export function recordingExpiresAt(sessionStart: string, expireAfterDays: number): number {
  return Math.floor(Date.parse(sessionStart) / 1000) + expireAfterDays * 86_400;
}

/** Whether a record with this {@link RECORDING_EXPIRES_AT} value is past it at `now` (none: never). */
export function recordingExpired(expiresAt: unknown, now: Date): boolean {
  return typeof expiresAt === 'number' && expiresAt <= now.getTime() / 1000;
}

/**
 * The length of one harvested part for a startover window: as long as one harvest may be
 * (24 h), but short enough that a part harvested by the sweep (every {@link SWEEP_MINUTES},
 * {@link HARVEST_LAG_SECONDS} after its end) still starts inside the window, with a margin.
 * Whole minutes. Throws when the window is too short to record at all.
 */
export function recordingPartSeconds(startoverSeconds: number): number {
  const reach = startoverSeconds - SWEEP_MINUTES * 60 - HARVEST_LAG_SECONDS - STARTOVER_MARGIN_SECONDS;
  const part = Math.floor(Math.min(MAX_HARVEST_SECONDS, reach) / 60) * 60;
  if (part < 600) {
    throw new Error(
      `a startover window of ${startoverSeconds} s is too short to record sessions: recordings need at least 1 hour`,
    );
  }
  return part;
}

/** `20261201t190000z` from a time: the compact, sortable form used in ids. */
export function compactTime(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
    .toLowerCase();
}

/** A session's recording id: `<channel>-<compact session start>`, so every event of one session names the same recording. */
export function recordingIdOf(channelId: string, sessionStart: string): string {
  return `${channelId}-${compactTime(sessionStart)}`;
}

/** The pattern of {@link recordingIdOf}. */
export const RECORDING_ID_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]-\d{8}t\d{6}z$/;

/** The folder of a recording: `recordings/<channel>/<recording id>/`. */
export function recordingPrefix(channelId: string, recordingId: string): string {
  return `${RECORDINGS_PREFIX}${channelId}/${recordingId}/`;
}
