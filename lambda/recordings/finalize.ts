import {
  CopyObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RecordingStatus, recordingPrefix, THUMBNAILS_PREFIX } from '../shared/contract';
import { type HarvestedPart, joinParts, masterUris } from './manifests';
import type { RecordingRecord } from './record';
import { fail, isConditionFailed, parseJobId, type StoreDeps } from './store';

export interface FilesDeps extends StoreDeps {
  readonly s3: S3Client;
  readonly config: {
    readonly table: string;
    readonly bucket: string;
    /** MediaLive captures frames into thumbnails/: recordings get a poster. */
    readonly thumbnails: boolean;
  };
}

/** The joined master playlist of a recording, relative to its folder. */
export const RECORDING_MANIFEST = 'index.m3u8';
/** The poster of a recording, relative to its folder. */
export const RECORDING_POSTER = 'poster.jpg';

async function text(s3: S3Client, bucket: string, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await res.Body?.transformToString('utf-8')) ?? '';
}

/** Every object under `prefix` (ListObjectsV2 pages of 1000). */
export async function listAll(s3: S3Client, bucket: string, prefix: string) {
  const out: { Key: string; Size: number; LastModified?: Date }[] = [];
  let token: string | undefined;
  do {
    const res = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of res.Contents ?? [])
      if (o.Key) out.push({ Key: o.Key, Size: o.Size ?? 0, LastModified: o.LastModified });
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/**
 * The newest frame MediaLive captured for the channel during the session, copied next to the
 * recording (frame captures are numbered per channel start and overwritten by the next session).
 */
async function copyPoster(
  deps: FilesDeps,
  rec: RecordingRecord,
  folder: string,
): Promise<string | undefined> {
  if (!deps.config.thumbnails) return undefined;
  const from = Date.parse(rec.sessionStart);
  const to = Date.parse(rec.sessionEnd ?? deps.now().toISOString()) + 60_000;
  const frames = (await listAll(deps.s3, deps.config.bucket, `${THUMBNAILS_PREFIX}${rec.channelId}/`))
    .filter(
      (o) => o.Key.endsWith('.jpg') && o.LastModified && +o.LastModified >= from && +o.LastModified <= to,
    )
    .sort((a, b) => +(a.LastModified as Date) - +(b.LastModified as Date));
  const frame = frames.at(-1);
  if (frame === undefined) return undefined;
  const key = `${folder}${RECORDING_POSTER}`;
  await deps.s3.send(
    new CopyObjectCommand({
      Bucket: deps.config.bucket,
      Key: key,
      CopySource: `${deps.config.bucket}/${frame.Key.split('/').map(encodeURIComponent).join('/')}`,
      ContentType: 'image/jpeg',
      MetadataDirective: 'REPLACE',
      // The poster is chosen once, from frames that no longer change after the session.
      CacheControl: 'public, max-age=31536000, immutable',
    }),
  );
  return key;
}

/**
 * Every part harvested: joins them into one VOD at the recording's root (master and one
 * playlist per rendition), sizes it, gives it a poster and marks it READY. Repeatable: the
 * files are rewritten the same and only a PROCESSING recording becomes READY.
 */
export async function finalize(deps: FilesDeps, rec: RecordingRecord): Promise<void> {
  const folder = recordingPrefix(rec.channelId, rec.recordingId);
  const bucket = deps.config.bucket;
  const parts: HarvestedPart[] = [];
  for (const key of Object.keys(rec.parts).sort()) {
    const master = await text(deps.s3, bucket, `${folder}${key}/index.m3u8`);
    const children: Record<string, string> = {};
    for (const uri of masterUris(master))
      children[uri] = await text(deps.s3, bucket, `${folder}${key}/${uri}`);
    parts.push({ folder: `${key}/`, masterName: 'index.m3u8', master, children });
  }
  let joined: ReturnType<typeof joinParts>;
  try {
    joined = joinParts(parts);
  } catch (err) {
    await fail(deps, rec.recordingId, `the harvested parts cannot be joined: ${(err as Error).message}`);
    return;
  }
  const put = (name: string, body: string) =>
    deps.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${folder}${name}`,
        Body: body,
        ContentType: 'application/vnd.apple.mpegurl',
        // Once READY nothing rewrites a recording's playlists (#EXT-X-PLAYLIST-TYPE:VOD), but the
        // join is repeatable and a repaired recording is joined again under the same URLs: five
        // minutes bounds how long browsers and CloudFront keep a stale copy, for one small S3
        // GET per edge every five minutes. Segments (the harvest's) and the poster stay long.
        CacheControl: 'max-age=300',
      }),
    );
  for (const [name, body] of Object.entries(joined.children)) await put(name, body);
  await put(RECORDING_MANIFEST, joined.master);
  const posterKey = await copyPoster(deps, rec, folder);
  const sizeBytes = (await listAll(deps.s3, bucket, folder)).reduce((n, o) => n + o.Size, 0);
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.config.table,
        Key: { recordingId: rec.recordingId },
        UpdateExpression:
          'SET #status = :ready, manifestKey = :m, sizeBytes = :size, durationSeconds = :d, updatedAt = :now' +
          (posterKey ? ', posterKey = :poster' : ''),
        ConditionExpression: '#status = :processing',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':ready': RecordingStatus.READY,
          ':processing': RecordingStatus.PROCESSING,
          ':m': `${folder}${RECORDING_MANIFEST}`,
          ':size': sizeBytes,
          ':d': joined.durationSeconds,
          ':now': deps.now().toISOString(),
          ...(posterKey ? { ':poster': posterKey } : {}),
        },
      }),
    );
    deps.log.info('recording ready', {
      recordingId: rec.recordingId,
      sizeBytes,
      durationSeconds: joined.durationSeconds,
    });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}

/**
 * A part's harvest job succeeded: the part is recorded, and once every part of an ended
 * session has succeeded the recording is joined and READY. Other jobs' notifications (clips,
 * superseded attempts) change nothing.
 */
export async function onHarvestSucceeded(deps: FilesDeps, jobId: string): Promise<void> {
  const ids = parseJobId(jobId);
  if (ids === undefined) return;
  let updated: RecordingRecord;
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.config.table,
        Key: { recordingId: ids.recordingId },
        UpdateExpression: 'SET parts.#p.#s = :ok, updatedAt = :now',
        ConditionExpression: 'parts.#p.jobId = :job',
        ExpressionAttributeNames: { '#p': ids.part, '#s': 'status' },
        ExpressionAttributeValues: { ':ok': 'SUCCEEDED', ':job': jobId, ':now': deps.now().toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    updated = res.Attributes as RecordingRecord;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    deps.log.info('harvest notification for no current part', { jobId });
    return;
  }
  const keys = Object.keys(updated.parts);
  const complete =
    updated.status === RecordingStatus.PROCESSING &&
    updated.partCount === keys.length &&
    keys.every((k) => updated.parts[k].status === 'SUCCEEDED');
  if (complete) await finalize(deps, updated);
}
