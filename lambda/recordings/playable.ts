import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RecordingStatus, recordingExpired, recordingPrefix } from '../shared/contract';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import type { Log } from '../shared/powertools';
import type { RecordingRecord } from './record';
import { readRecording } from './store';

/** What a viewer session for a recording is scoped to. */
export interface PlayableRecording {
  readonly recordingId: string;
  readonly channelId: string;
  /** The recording's folder in the archive bucket (`recordings/<channel>/<id>/`): the session covers it and nothing else. */
  readonly prefix: string;
  /** The joined master playlist, relative to the folder. */
  readonly manifest: string;
  readonly posterKey?: string;
  readonly durationSeconds?: number;
}

/**
 * The recording a viewer asks to watch, if it may be watched: unknown, or another channel's than
 * `channelId` (the session route's, when given) → 404, the same answer, so a channel's viewers
 * learn nothing of other channels' recordings; past its expiry (RECORDING_EXPIRES_AT) → 404
 * too, its files being deleted; unpublished → 403
 * (whatever the channel's viewer auth: an operator publishes it first); not READY → 409 whose
 * `status` says whether to wait (RECORDING, PROCESSING) or not (FAILED); a READY record whose
 * manifest lies outside the recording's folder → 409 too, logged: the session covers the folder
 * only, so nothing could play it; otherwise its folder and manifest. The caller checks the
 * channel's viewer auth before this.
 */
export async function playableRecording(
  deps: {
    readonly ddb: DynamoDBDocumentClient;
    readonly config: { readonly table: string };
    readonly log?: Pick<Log, 'error'>;
    /** @default - the clock */
    readonly now?: () => Date;
  },
  recordingId: string,
  channelId?: string,
): Promise<PlayableRecording> {
  const rec: RecordingRecord | undefined = await readRecording(deps, recordingId);
  if (rec?.channelId === undefined || (channelId !== undefined && rec.channelId !== channelId))
    throw new NotFound(
      channelId === undefined
        ? `no recording "${recordingId}"`
        : `channel "${channelId}" has no recording "${recordingId}"`,
      { recordingId },
    );
  // Its files are expiring (S3 lifecycle) and its record waits for DynamoDB's lazy TTL deletion.
  if (recordingExpired(rec.expiresAt, deps.now?.() ?? new Date()))
    throw new NotFound(`recording "${recordingId}" has expired`, { recordingId });
  if (!rec.published)
    throw new Forbidden(`recording "${recordingId}" is not published`, {
      recordingId,
      channelId: rec.channelId,
    });
  if (rec.status === RecordingStatus.FAILED)
    throw new Conflict(`recording "${recordingId}" failed to process`, { recordingId, status: rec.status });
  if (rec.status !== RecordingStatus.READY || rec.manifestKey === undefined)
    throw new Conflict(`recording "${recordingId}" is ${rec.status}, not READY yet`, {
      recordingId,
      status: rec.status,
    });
  const prefix = recordingPrefix(rec.channelId, rec.recordingId);
  if (!rec.manifestKey.startsWith(prefix) || rec.manifestKey.length === prefix.length) {
    // finalize writes the manifest into the folder; anything else is a corrupt record, not a wait.
    deps.log?.error('recording manifest outside its folder', {
      recordingId,
      manifestKey: rec.manifestKey,
      prefix,
    });
    throw new Conflict(`recording "${recordingId}" has no manifest in its folder`, {
      recordingId,
      status: rec.status,
    });
  }
  return {
    recordingId: rec.recordingId,
    channelId: rec.channelId,
    prefix,
    manifest: rec.manifestKey.slice(prefix.length),
    posterKey: rec.posterKey,
    durationSeconds: rec.durationSeconds,
  };
}
