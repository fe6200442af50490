import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  CHANNEL_ID_PATTERN,
  CHANNEL_ID_RULE,
  RECORDING_ID_PATTERN,
  RECORDINGS_BY_CHANNEL_INDEX,
  RecordingStatus,
  recordingPrefix,
} from '../shared/contract';
import { BadRequest, Conflict, NotFound } from '../shared/errors';
import { listAll } from './finalize';
import { type RecordingRecord, recordingView } from './record';

export interface RecordingsApiDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly table: string;
  readonly bucket: string;
}

/**
 * Requests are checked with a few explicit checks rather than zod: the bundle that serves these
 * routes also carries the S3 client, and stays within its size budget (test/build/budgets.test.ts).
 */

/** The `{recordingId}` of a route; a malformed one is a 400. */
export function recordingIdParam(params: Readonly<Record<string, string | undefined>> | undefined): string {
  const id = params?.recordingId;
  if (id === undefined || !RECORDING_ID_PATTERN.test(id))
    throw new BadRequest(
      `invalid path: expected a recording id such as "main-20261201t190000z", got ${JSON.stringify(id)}`,
    );
  return id;
}

/** The `{id}` (channel) of a route; a malformed one is a 400. */
export function channelIdParam(params: Readonly<Record<string, string | undefined>> | undefined): string {
  const id = params?.id;
  if (id === undefined || !CHANNEL_ID_PATTERN.test(id))
    throw new BadRequest(
      `invalid path: expected a channel id (${CHANNEL_ID_RULE}), got ${JSON.stringify(id)}`,
    );
  return id;
}

/** Query of GET /channels/{id}/recordings. */
export interface ListQuery {
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly next?: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses the listing's query: `from`/`to` ISO 8601 times with an offset, `limit` 1-100, `next` as returned; nothing else. */
export function parseListQuery(query: Readonly<Record<string, string | undefined>> | undefined): ListQuery {
  const q = query ?? {};
  const problems: string[] = [];
  for (const k of Object.keys(q))
    if (!['from', 'to', 'limit', 'next'].includes(k))
      problems.push(`${k}: not a parameter (from, to, limit, next)`);
  for (const k of ['from', 'to'] as const) {
    const v = q[k];
    if (v !== undefined && (!ISO_TIME.test(v) || Number.isNaN(Date.parse(v))))
      problems.push(`${k}: expected an ISO 8601 time such as "2026-12-01T18:00:00Z"`);
  }
  if (q.limit !== undefined && !/^([1-9]\d?|100)$/.test(q.limit)) problems.push('limit: expected 1-100');
  if (q.next !== undefined && q.next.length > 2048) problems.push('next: not a token this listing returned');
  if (problems.length > 0) throw new BadRequest(`invalid query: ${problems.join('; ')}`);
  return { from: q.from, to: q.to, limit: q.limit === undefined ? undefined : Number(q.limit), next: q.next };
}

const encodeToken = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
function decodeToken(token: string, channelId: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf-8')) as Record<string, unknown>;
    if (
      key.channelId === channelId &&
      typeof key.recordingId === 'string' &&
      typeof key.sessionStart === 'string'
    )
      return key;
  } catch {}
  throw new BadRequest('next: not a token this listing returned');
}

/** A channel's recordings, newest first, `limit` per page (default 25), optionally between two session starts. */
export async function listRecordings(deps: RecordingsApiDeps, channelId: string, q: ListQuery) {
  const values: Record<string, unknown> = { ':ch': channelId };
  let cond = 'channelId = :ch';
  if (q.from !== undefined && q.to !== undefined) {
    if (Date.parse(q.to) < Date.parse(q.from))
      throw new BadRequest(`to (${q.to}) is before from (${q.from})`);
    cond += ' AND sessionStart BETWEEN :from AND :to';
    values[':from'] = new Date(q.from).toISOString();
    values[':to'] = new Date(q.to).toISOString();
  } else if (q.from !== undefined) {
    cond += ' AND sessionStart >= :from';
    values[':from'] = new Date(q.from).toISOString();
  } else if (q.to !== undefined) {
    cond += ' AND sessionStart <= :to';
    values[':to'] = new Date(q.to).toISOString();
  }
  const res = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.table,
      IndexName: RECORDINGS_BY_CHANNEL_INDEX,
      KeyConditionExpression: cond,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: q.limit ?? 25,
      ExclusiveStartKey: q.next === undefined ? undefined : decodeToken(q.next, channelId),
    }),
  );
  return {
    channelId,
    recordings: ((res.Items ?? []) as RecordingRecord[]).map(recordingView),
    ...(res.LastEvaluatedKey ? { next: encodeToken(res.LastEvaluatedKey) } : {}),
  };
}

async function read(deps: RecordingsApiDeps, recordingId: string): Promise<RecordingRecord | undefined> {
  const res = await deps.ddb.send(
    new GetCommand({ TableName: deps.table, Key: { recordingId }, ConsistentRead: true }),
  );
  return res.Item as RecordingRecord | undefined;
}

export async function getRecording(deps: RecordingsApiDeps, recordingId: string) {
  const rec = await read(deps, recordingId);
  if (rec?.channelId === undefined) throw new NotFound(`no recording "${recordingId}"`, { recordingId });
  return recordingView(rec);
}

/**
 * Removes a recording's objects, then its record; repeatable (a missing one is already gone:
 * 204). A recording still being recorded is a 409: the sweep would harvest into it again.
 */
export async function deleteRecording(deps: RecordingsApiDeps, recordingId: string): Promise<number> {
  const rec = await read(deps, recordingId);
  if (rec?.channelId === undefined) return 0;
  if (rec.status === RecordingStatus.RECORDING)
    throw new Conflict(`recording "${recordingId}" is still live; stop the channel first`, { recordingId });
  const objects = await listAll(deps.s3, deps.bucket, recordingPrefix(rec.channelId, recordingId));
  for (let i = 0; i < objects.length; i += 1000) {
    const res = await deps.s3.send(
      new DeleteObjectsCommand({
        Bucket: deps.bucket,
        Delete: { Objects: objects.slice(i, i + 1000).map((o) => ({ Key: o.Key })), Quiet: true },
      }),
    );
    if (res.Errors?.length)
      throw new Error(`S3 refused to delete ${res.Errors.length} object(s): ${res.Errors[0].Code}`);
  }
  await deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key: { recordingId } }));
  return objects.length;
}

/**
 * Publishes (viewers may obtain sessions for it) or unpublishes a recording. A FAILED recording
 * is not published (409): no viewer could play it, and its session would only say so. Unpublishing
 * is always allowed.
 */
export async function setPublished(deps: RecordingsApiDeps, recordingId: string, published: boolean) {
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: { recordingId },
        UpdateExpression: 'SET published = :p, updatedAt = :now',
        ...(published
          ? {
              ConditionExpression: 'attribute_exists(channelId) AND #status <> :failed',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':p': true,
                ':now': new Date().toISOString(),
                ':failed': RecordingStatus.FAILED,
              },
            }
          : {
              ConditionExpression: 'attribute_exists(channelId)',
              ExpressionAttributeValues: { ':p': false, ':now': new Date().toISOString() },
            }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return recordingView(res.Attributes as RecordingRecord);
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    // Which condition failed: a read tells a missing recording from a FAILED one.
    const rec = published ? await read(deps, recordingId) : undefined;
    if (rec?.channelId !== undefined)
      throw new Conflict(`recording "${recordingId}" failed to process; it cannot be published`, {
        recordingId,
        status: rec.status,
      });
    throw new NotFound(`no recording "${recordingId}"`, { recordingId });
  }
}
