import 'aws-sdk-client-mock-jest';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { api, harvested } from '../../../lambda/recording-files/index';
import { operatorEvent } from '../../support/api';
import { captureLogs, lambdaContext, logEntry } from '../fixtures';
import { harvestNotification } from './harvest-events';
import { RecordingsWorld } from './world';

const TABLE = 'OnAir-test-RecordingsTable';
const BUCKET = 'onair-test-archive';
const world = new RecordingsWorld(TABLE);
const s3 = mockClient(S3Client);
const ID = 'main-20261201t190000z';
const ROOT = `recordings/main/${ID}/`;

beforeEach(() => {
  world.reset();
  s3.reset();
  jest.useFakeTimers({
    now: new Date('2026-12-01T22:00:00Z'),
    doNotFake: ['nextTick', 'setImmediate', 'setTimeout'],
  });
  process.env.ONAIR_ARCHIVE_BUCKET = BUCKET;
  process.env.ONAIR_RECORDINGS_TABLE = TABLE;
  process.env.ONAIR_THUMBNAILS = 'true';
});
afterEach(() => jest.useRealTimers());

const part = (start: string, end: string, jobId: string, status = 'IN_PROGRESS') => ({
  start,
  end,
  jobId,
  attempt: 1,
  status,
});
function recording(overrides: Record<string, unknown> = {}) {
  return {
    recordingId: ID,
    channelId: 'main',
    sessionStart: '2026-12-01T19:00:00Z',
    sessionEnd: '2026-12-02T21:00:00Z',
    status: 'PROCESSING',
    published: false,
    partCount: 2,
    parts: {
      p01: part('2026-12-01T19:00:00.000Z', '2026-12-02T18:38:00.000Z', `${ID}-p01`, 'SUCCEEDED'),
      p02: part('2026-12-02T18:38:00.000Z', '2026-12-02T21:00:00.000Z', `${ID}-p02`),
    },
    createdAt: '2026-12-01T19:00:05Z',
    updatedAt: '2026-12-01T19:00:05Z',
    ...overrides,
  };
}

const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2200000,RESOLUTION=1280x720\nindex_1.m3u8\n';
const CHILD = (n: number) =>
  `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:4.000,\nindex_1_0000${n}.ts\n#EXT-X-ENDLIST\n`;
const body = (text: string) => ({ Body: { transformToString: async () => text } }) as never;

describe('a harvested part (EventBridge)', () => {
  test("the last part's SUCCEEDED joins the parts into one VOD at the recording root, with a poster, and the recording is READY", async () => {
    world.items.set(ID, recording());
    s3.on(GetObjectCommand, { Key: `${ROOT}p01/index.m3u8` }).resolves(body(MASTER));
    s3.on(GetObjectCommand, { Key: `${ROOT}p02/index.m3u8` }).resolves(body(MASTER));
    s3.on(GetObjectCommand, { Key: `${ROOT}p01/index_1.m3u8` }).resolves(body(CHILD(1)));
    s3.on(GetObjectCommand, { Key: `${ROOT}p02/index_1.m3u8` }).resolves(body(CHILD(2)));
    s3.on(ListObjectsV2Command, { Prefix: 'thumbnails/main/' }).resolves({
      Contents: [
        {
          Key: 'thumbnails/main/a/main_thumb.00001.jpg',
          LastModified: new Date('2026-12-01T18:00:00Z'),
          Size: 1,
        },
        {
          Key: 'thumbnails/main/a/main_thumb.00042.jpg',
          LastModified: new Date('2026-12-02T20:59:50Z'),
          Size: 1,
        },
        {
          Key: 'thumbnails/main/a/main_thumb.00043.jpg',
          LastModified: new Date('2026-12-02T23:00:00Z'),
          Size: 1,
        },
      ],
    });
    s3.on(ListObjectsV2Command, { Prefix: ROOT }).resolves({
      Contents: [
        { Key: `${ROOT}p01/index_1_00001.ts`, Size: 1_000_000 },
        { Key: `${ROOT}p02/index_1_00002.ts`, Size: 2_000_000 },
      ],
    });
    const event = harvestNotification({
      jobId: `${ID}-p02`,
      status: 'SUCCEEDED',
      manifestKey: `${ROOT}p02/index.m3u8`,
    });
    await captureLogs(() => (harvested as (e: unknown, c: unknown) => Promise<void>)(event, lambdaContext()));

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: `${ROOT}rendition_1.m3u8`,
      ContentType: 'application/vnd.apple.mpegurl',
      // docs/archive-and-clips.md "Caching": a re-join shows within five minutes
      CacheControl: 'max-age=300',
      Body: expect.stringContaining(
        'p01/index_1_00001.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:4.000,\np02/index_1_00002.ts',
      ),
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: `${ROOT}index.m3u8`,
      CacheControl: 'max-age=300',
      Body: expect.stringContaining('\nrendition_1.m3u8'),
    });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: BUCKET,
      Key: `${ROOT}poster.jpg`,
      CopySource: `${BUCKET}/thumbnails/main/a/main_thumb.00042.jpg`,
      ContentType: 'image/jpeg',
      MetadataDirective: 'REPLACE',
      CacheControl: 'public, max-age=31536000, immutable',
    });
    expect(world.items.get(ID)).toMatchObject({
      status: 'READY',
      manifestKey: `${ROOT}index.m3u8`,
      posterKey: `${ROOT}poster.jpg`,
      sizeBytes: 3_000_000,
      durationSeconds: 8,
      parts: { p02: { status: 'SUCCEEDED' } },
    });
  });

  test('an earlier part, or a part of a session still live, only records the part', async () => {
    const live = recording({ status: 'RECORDING', partCount: undefined, sessionEnd: undefined });
    live.parts.p01.status = 'IN_PROGRESS';
    world.items.set(ID, live);
    const event = harvestNotification({
      jobId: `${ID}-p01`,
      status: 'SUCCEEDED',
      manifestKey: `${ROOT}p01/index.m3u8`,
    });
    await captureLogs(() => (harvested as (e: unknown, c: unknown) => Promise<void>)(event, lambdaContext()));
    expect(world.items.get(ID)).toMatchObject({
      status: 'RECORDING',
      parts: { p01: { status: 'SUCCEEDED' } },
    });
    expect(s3.calls()).toHaveLength(0);
  });
});

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
const call = (e: APIGatewayProxyEventV2) => captureLogs(() => (api as Handler)(e));
const json = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(r.body as string);

describe('operator routes (events from the synthesized routes)', () => {
  const ready = (id: string, start: string, published = false) => ({
    ...recording({ recordingId: id, sessionStart: start, status: 'READY', published }),
  });

  test('GET /channels/{id}/recordings: newest first, paged, filtered by session start; unknown channel 404', async () => {
    world.items.set('a', ready('main-20261201t190000z', '2026-12-01T19:00:00Z'));
    world.items.set('b', ready('main-20261202t190000z', '2026-12-02T19:00:00Z'));
    world.items.set('c', ready('main-20261203t190000z', '2026-12-03T19:00:00Z'));
    world.items.set('live#main', { recordingId: 'live#main', openId: 'x' });
    const { result: page1 } = await call(operatorEvent('GET', '/channels/main/recordings?limit=2'));
    expect(page1.statusCode).toBe(200);
    expect(json(page1).recordings.map((r: { recordingId: string }) => r.recordingId)).toEqual([
      'main-20261203t190000z',
      'main-20261202t190000z',
    ]);
    const next = json(page1).next as string;
    const { result: page2 } = await call(
      operatorEvent('GET', `/channels/main/recordings?limit=2&next=${next}`),
    );
    expect(json(page2).recordings.map((r: { recordingId: string }) => r.recordingId)).toEqual([
      'main-20261201t190000z',
    ]);
    expect(json(page2).next).toBeUndefined();
    const { result: filtered } = await call(
      operatorEvent('GET', '/channels/main/recordings?from=2026-12-02T00:00:00Z&to=2026-12-02T23:59:59Z'),
    );
    expect(json(filtered).recordings).toHaveLength(1);
    const { result: bad } = await call(
      operatorEvent('GET', '/channels/main/recordings?limit=0&since=yesterday'),
    );
    expect(bad.statusCode).toBe(400);
    expect(json(bad).message).toBe(
      'invalid query: since: not a parameter (from, to, limit, next); limit: expected 1-100',
    );
    const { result: unknown } = await call(operatorEvent('GET', '/channels/nope/recordings'));
    expect(unknown.statusCode).toBe(404);
  });

  test('GET /recordings/{recordingId}: the recording, 404 when there is none, 400 for a malformed id', async () => {
    world.items.set(ID, ready(ID, '2026-12-01T19:00:00Z'));
    const { result } = await call(operatorEvent('GET', `/recordings/${ID}`));
    expect(result.statusCode).toBe(200);
    expect(json(result)).toMatchObject({
      recordingId: ID,
      channelId: 'main',
      status: 'READY',
      published: false,
    });
    expect((await call(operatorEvent('GET', '/recordings/main-20991201t190000z'))).result.statusCode).toBe(
      404,
    );
    expect((await call(operatorEvent('GET', '/recordings/live%23main'))).result.statusCode).toBe(400);
  });

  test('DELETE /recordings/{recordingId}: removes the objects, then the record; again: 204; while live: 409', async () => {
    world.items.set(ID, ready(ID, '2026-12-01T19:00:00Z'));
    const keys = Array.from({ length: 1500 }, (_, i) => `${ROOT}p01/index_1_${i}.ts`);
    s3.on(ListObjectsV2Command, { Prefix: ROOT })
      .resolvesOnce({
        Contents: keys.slice(0, 1000).map((Key) => ({ Key, Size: 1 })),
        IsTruncated: true,
        NextContinuationToken: 't',
      })
      .resolvesOnce({ Contents: keys.slice(1000).map((Key) => ({ Key, Size: 1 })) });
    s3.on(DeleteObjectsCommand).resolves({});
    const { result, logs } = await call(operatorEvent('DELETE', `/recordings/${ID}`));
    expect(result.statusCode).toBe(204);
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectsCommand, 2);
    expect(s3).toHaveReceivedNthSpecificCommandWith(2, DeleteObjectsCommand, {
      Bucket: BUCKET,
      Delete: { Objects: keys.slice(1000).map((Key) => ({ Key })), Quiet: true },
    });
    expect(world.items.has(ID)).toBe(false);
    expect(logEntry(logs, 'recording deleted')).toMatchObject({ recordingId: ID, objects: 1500 });
    expect((await call(operatorEvent('DELETE', `/recordings/${ID}`))).result.statusCode).toBe(204);

    world.items.set(ID, { ...ready(ID, '2026-12-01T19:00:00Z'), status: 'RECORDING' });
    expect((await call(operatorEvent('DELETE', `/recordings/${ID}`))).result.statusCode).toBe(409);
  });

  test('DELETE keeps the record when S3 refuses an object, so a retry finishes it', async () => {
    world.items.set(ID, ready(ID, '2026-12-01T19:00:00Z'));
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${ROOT}index.m3u8`, Size: 1 }] });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: `${ROOT}index.m3u8`, Code: 'AccessDenied' }] });
    expect((await call(operatorEvent('DELETE', `/recordings/${ID}`))).result.statusCode).toBe(500);
    expect(world.items.has(ID)).toBe(true);
  });

  test('POST …/publish refuses a FAILED recording (409, unchanged); …/unpublish still takes it down', async () => {
    world.items.set(ID, { ...ready(ID, '2026-12-01T19:00:00Z'), status: 'FAILED' });
    const { result } = await call(operatorEvent('POST', `/recordings/${ID}/publish`));
    expect(result.statusCode).toBe(409);
    expect(json(result)).toEqual({
      error: 'Conflict',
      message: `recording "${ID}" failed to process; it cannot be published`,
      recordingId: ID,
      status: 'FAILED',
    });
    expect(world.items.get(ID)).toMatchObject({ published: false });
    expect(world.ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { recordingId: ID },
      UpdateExpression: 'SET published = :p, updatedAt = :now',
      ConditionExpression: 'attribute_exists(channelId) AND #status <> :failed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':p': true, ':now': expect.any(String), ':failed': 'FAILED' },
      ReturnValues: 'ALL_NEW',
    });
    // published by default before it failed: the operator can still unpublish it
    world.items.set(ID, { ...ready(ID, '2026-12-01T19:00:00Z', true), status: 'FAILED' });
    expect((await call(operatorEvent('POST', `/recordings/${ID}/unpublish`))).result.statusCode).toBe(200);
    expect(world.items.get(ID)).toMatchObject({ published: false });
  });

  test('POST …/publish and …/unpublish set published; an unknown recording is 404', async () => {
    world.items.set(ID, ready(ID, '2026-12-01T19:00:00Z'));
    const { result, logs } = await call(operatorEvent('POST', `/recordings/${ID}/publish`));
    expect(result.statusCode).toBe(200);
    expect(json(result)).toMatchObject({ recordingId: ID, published: true });
    expect(logEntry(logs, 'recording published')).toMatchObject({ recordingId: ID });
    expect(world.items.get(ID)).toMatchObject({ published: true });
    await call(operatorEvent('POST', `/recordings/${ID}/unpublish`));
    expect(world.items.get(ID)).toMatchObject({ published: false });
    expect(
      (await call(operatorEvent('POST', '/recordings/main-20991201t190000z/publish'))).result.statusCode,
    ).toBe(404);
    expect(world.items.has('main-20991201t190000z')).toBe(false);
  });
});
