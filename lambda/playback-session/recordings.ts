import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type PlayableRecording, playableRecording } from '../recordings/playable';
import { RECORDINGS_BY_CHANNEL_INDEX, RecordingStatus, recordingPrefix } from '../shared/contract';
import { NotFound } from '../shared/errors';

/** The recordings index as the session function reads it: GetItem on the table, Query on its channel index. */
export interface ViewerRecordingsDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly table: string;
}

/** Recordings per listing page: the default and the most a request may ask for. */
export const LIST_LIMIT = { default: 20, max: 50 } as const;
/**
 * Index pages read per listing at most. The channel index holds every recording (private, still
 * processing or failed too) and a filter applies after DynamoDB's Limit, so one page may hold
 * fewer published READY recordings than asked for: a few more pages are read, then the listing
 * stops with a cursor rather than read a channel's whole history in one request.
 */
export const LIST_MAX_QUERIES = 5;

/** A published READY recording as the viewers' listing shows it. */
export interface ListedRecording {
  readonly id: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationSeconds: number | null;
  /** The poster's object key, when the recording has one. */
  readonly posterKey?: string;
}

export interface RecordingsPage {
  readonly recordings: readonly ListedRecording[];
  /** Pass as `before` for the next page; absent on the last one. */
  readonly next?: string;
}

/** The recording a viewer of `channelId` asks to watch (404 / 403 / 409 as {@link playableRecording} says). */
export function viewerRecording(
  deps: ViewerRecordingsDeps | undefined,
  channelId: string,
  recordingId: string,
): Promise<PlayableRecording> {
  if (deps === undefined)
    throw new NotFound(`channel "${channelId}" has no recording "${recordingId}"`, { recordingId });
  return playableRecording({ ddb: deps.ddb, config: { table: deps.table } }, recordingId, channelId);
}

/**
 * A channel's published READY recordings, newest first, whose session started before `before`
 * (all when absent). The cursor is a session start: recording ids are `<channel>-<session start>`,
 * so no two recordings of a channel share one, and `before` resumes exactly after the last one
 * returned (or the last one the index read, when the listing stopped early).
 */
export async function publishedRecordings(
  deps: ViewerRecordingsDeps | undefined,
  channelId: string,
  q: { readonly before?: string; readonly limit: number },
): Promise<RecordingsPage> {
  if (deps === undefined) return { recordings: [] };
  const found: ListedRecording[] = [];
  let start: Record<string, unknown> | undefined;
  for (let i = 0; i < LIST_MAX_QUERIES; i++) {
    const res = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.table,
        IndexName: RECORDINGS_BY_CHANNEL_INDEX,
        KeyConditionExpression:
          q.before === undefined ? 'channelId = :ch' : 'channelId = :ch AND sessionStart < :before',
        FilterExpression: 'published = :yes AND #status = :ready',
        ProjectionExpression: 'recordingId, sessionStart, sessionEnd, durationSeconds, posterKey',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':ch': channelId,
          ':yes': true,
          ':ready': RecordingStatus.READY,
          ...(q.before === undefined ? {} : { ':before': q.before }),
        },
        ScanIndexForward: false,
        Limit: q.limit,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of res.Items ?? []) {
      const id = String(item.recordingId);
      // Only a poster in the recording's own folder: the distribution serves nothing else.
      const poster =
        typeof item.posterKey === 'string' && item.posterKey.startsWith(recordingPrefix(channelId, id))
          ? item.posterKey
          : undefined;
      found.push({
        id,
        startedAt: String(item.sessionStart),
        endedAt: typeof item.sessionEnd === 'string' ? item.sessionEnd : null,
        durationSeconds: typeof item.durationSeconds === 'number' ? item.durationSeconds : null,
        ...(poster === undefined ? {} : { posterKey: poster }),
      });
    }
    start = res.LastEvaluatedKey;
    if (start === undefined || found.length >= q.limit) break;
  }
  if (found.length > q.limit || (found.length === q.limit && start !== undefined)) {
    const page = found.slice(0, q.limit);
    return { recordings: page, next: page[page.length - 1].startedAt };
  }
  if (start !== undefined) {
    // Stopped after LIST_MAX_QUERIES pages with fewer than asked for: resume after the last key read.
    const at = start.sessionStart;
    return { recordings: found, ...(typeof at === 'string' ? { next: at } : {}) };
  }
  return { recordings: found };
}
