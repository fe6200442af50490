import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type PlayableRecording, playableRecording } from '../recordings/playable';
import {
  RECORDING_EXPIRES_AT,
  RECORDINGS_BY_CHANNEL_INDEX,
  RecordingStatus,
  recordingExpired,
  recordingPrefix,
  type ViewerAuth,
} from '../shared/contract';
import { NotFound } from '../shared/errors';
import { json } from '../shared/http';
import type { Log } from '../shared/powertools';
import type { SessionDeps } from './session';
import { type SigningKey, setCookieHeaders, signObjectUrl, signScope } from './signing';

/** The recordings index as the session function reads it: GetItem on the table, Query on its channel index. */
export interface ViewerRecordingsDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly table: string;
}

/** Recordings per listing page: the default and the most a request may ask for. */
export const LIST_LIMIT = { default: 20, max: 50 } as const;
/**
 * How the listing reads the channel index. The index holds every recording (private, still
 * processing or failed too) and DynamoDB applies a query's Limit before its FilterExpression, so
 * a page of `limit` items may hold no published READY recording at all. The listing reads pages of
 * {@link LIST_READ.pageSize} items whatever the limit (over-reading is harmless: the cursor is the
 * last recording returned) until it has `limit`, and reads at most {@link LIST_READ.maxItems}
 * items per request: that bounds a request's read capacity and latency, and when it is reached
 * with fewer recordings than asked for (even none) the answer carries a cursor to resume from.
 */
export const LIST_READ = { pageSize: 100, maxItems: 300 } as const;

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
  ctx: { readonly log?: Pick<Log, 'error'>; readonly now?: () => Date } = {},
): Promise<PlayableRecording> {
  if (deps === undefined)
    throw new NotFound(`channel "${channelId}" has no recording "${recordingId}"`, { recordingId });
  return playableRecording({ ddb: deps.ddb, config: { table: deps.table }, ...ctx }, recordingId, channelId);
}

/**
 * A channel's published READY recordings, newest first, whose session started before `before`
 * (all when absent), leaving out those past their expiry at `now` (their files are being deleted;
 * DynamoDB's TTL removes their records later). The cursor is a session start: recording ids are `<channel>-<session start>`,
 * so no two recordings of a channel share one, and `before` resumes exactly after the last one
 * returned (or the last one the index read, when the listing stopped early).
 */
export async function publishedRecordings(
  deps: ViewerRecordingsDeps | undefined,
  channelId: string,
  q: { readonly before?: string; readonly limit: number; readonly now: Date },
): Promise<RecordingsPage> {
  if (deps === undefined) return { recordings: [] };
  const found: ListedRecording[] = [];
  let start: Record<string, unknown> | undefined;
  for (let read = 0; read < LIST_READ.maxItems && found.length < q.limit; ) {
    const limit = Math.min(LIST_READ.pageSize, LIST_READ.maxItems - read);
    const res = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.table,
        IndexName: RECORDINGS_BY_CHANNEL_INDEX,
        KeyConditionExpression:
          q.before === undefined ? 'channelId = :ch' : 'channelId = :ch AND sessionStart < :before',
        FilterExpression: 'published = :yes AND #status = :ready',
        ProjectionExpression: `recordingId, sessionStart, sessionEnd, durationSeconds, posterKey, ${RECORDING_EXPIRES_AT}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':ch': channelId,
          ':yes': true,
          ':ready': RecordingStatus.READY,
          ...(q.before === undefined ? {} : { ':before': q.before }),
        },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    read += res.ScannedCount ?? limit;
    for (const item of res.Items ?? []) {
      if (recordingExpired(item[RECORDING_EXPIRES_AT], q.now)) continue;
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
    if (start === undefined) break;
  }
  if (found.length > q.limit || (found.length === q.limit && start !== undefined)) {
    const page = found.slice(0, q.limit);
    return { recordings: page, next: page[page.length - 1].startedAt };
  }
  if (start !== undefined) {
    // Stopped at LIST_READ.maxItems with fewer than asked for: resume after the last key read.
    const at = start.sessionStart;
    return { recordings: found, ...(typeof at === 'string' ? { next: at } : {}) };
  }
  return { recordings: found };
}

/**
 * A recording's session (docs/signed-playback.md): the same shape as {@link SessionResponse},
 * with `recording` instead of `format`; the policy covers the recording's folder only.
 */
export interface RecordingSessionResponse {
  readonly channelId: string;
  readonly recording: {
    readonly id: string;
    readonly durationSeconds: number | null;
    /** Signed with the session's policy (the poster lies in the recording's folder). */
    readonly posterUrl?: string;
  };
  readonly expiresAt: string;
  readonly url: string;
  /** `/recordings/<channel>/<id>/<manifest>` */
  readonly manifestPath: string;
  /** `/recordings/<channel>/<id>/`: the cookies' Path and what the policy covers. */
  readonly cookiePath: string;
  readonly cookies?: Readonly<Record<string, string>>;
}

/** A page of a channel's published recordings, each poster signed for the session's lifetime. */
export interface RecordingsListResponse {
  readonly channelId: string;
  readonly recordings: readonly {
    readonly id: string;
    readonly startedAt: string;
    readonly endedAt: string | null;
    readonly durationSeconds: number | null;
    readonly posterUrl: string | null;
  }[];
  /** When the poster URLs stop working. */
  readonly expiresAt: string;
  /** Pass as `before` for the next page. */
  readonly next?: string;
}

/** A checked request: the channel, its viewer auth and who asked, the address to bind to. */
export interface Issue {
  readonly channelId: string;
  readonly mode: ViewerAuth;
  readonly subject: Record<string, string>;
  readonly sourceIp?: string;
  readonly backend: boolean;
  readonly deps: SessionDeps;
}

/**
 * A session for one published READY recording of the route's channel: cookies and a signed
 * manifest URL under one custom policy whose resource is the recording's folder,
 * `https://<domain>/recordings/<channel>/<id>/*`.
 */
export async function recordingSession(
  ctx: Issue,
  recordingId: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const { deps, channelId } = ctx;
  const rec = await viewerRecording(deps.recordings, channelId, recordingId, {
    log: deps.log,
    now: deps.now,
  });
  const key: SigningKey = await deps.keys.forNow(deps.now());
  const pathPrefix = `/${rec.prefix}`;
  const scope = signScope(key, {
    domain: deps.config.domain,
    pathPrefix,
    manifestPath: `${pathPrefix}${rec.manifest}`,
    now: deps.now(),
    ttlSeconds: deps.config.ttlSeconds,
    sourceIp: ctx.sourceIp,
  });
  deps.log.info('recording session issued', {
    channelId,
    recordingId,
    auth: ctx.mode,
    ...ctx.subject,
    keyPairId: key.keyPairId,
    expiresAt: scope.expiresAt.toISOString(),
    boundToIp: ctx.sourceIp !== undefined,
  });
  deps.issued?.(channelId);
  const poster = rec.posterKey?.startsWith(rec.prefix)
    ? `https://${deps.config.domain}/${rec.posterKey}?${scope.query}`
    : undefined;
  const body: RecordingSessionResponse = {
    channelId,
    recording: {
      id: rec.recordingId,
      durationSeconds: rec.durationSeconds ?? null,
      ...(poster ? { posterUrl: poster } : {}),
    },
    expiresAt: scope.expiresAt.toISOString(),
    url: scope.url,
    manifestPath: scope.manifestPath,
    cookiePath: scope.pathPrefix,
    ...(ctx.backend ? { cookies: scope.cookies } : {}),
  };
  return json(200, body, {}, ctx.backend ? undefined : setCookieHeaders(scope));
}

/** The channel's published READY recordings, newest first, each poster signed for exactly itself. */
export async function recordingsList(
  ctx: Issue,
  q: { readonly before?: string; readonly limit?: number },
): Promise<APIGatewayProxyStructuredResultV2> {
  const { deps, channelId } = ctx;
  const now = deps.now();
  const page = await publishedRecordings(deps.recordings, channelId, {
    before: q.before,
    limit: q.limit ?? LIST_LIMIT.default,
    now,
  });
  // The key is read only when there is a poster to sign.
  const key: SigningKey | undefined = page.recordings.some((r) => r.posterKey !== undefined)
    ? await deps.keys.forNow(now)
    : undefined;
  const expiresAt = new Date((Math.floor(now.getTime() / 1000) + deps.config.ttlSeconds) * 1000);
  const body: RecordingsListResponse = {
    channelId,
    recordings: page.recordings.map((r) => ({
      id: r.id,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      durationSeconds: r.durationSeconds,
      posterUrl:
        r.posterKey === undefined || key === undefined
          ? null
          : signObjectUrl(key, {
              url: `https://${deps.config.domain}/${r.posterKey}`,
              now,
              ttlSeconds: deps.config.ttlSeconds,
              sourceIp: ctx.sourceIp,
            }),
    })),
    expiresAt: expiresAt.toISOString(),
    ...(page.next === undefined ? {} : { next: page.next }),
  };
  return json(200, body);
}
