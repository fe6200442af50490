import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { playableRecording } from '../../../lambda/recordings/playable';
import { RecordingsWorld } from './world';

const TABLE = 'OnAir-test-RecordingsTable';
const world = new RecordingsWorld(TABLE);
const deps = {
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2' })),
  config: { table: TABLE },
};
const ID = 'main-20261201t190000z';
const record = (over: Record<string, unknown>) => ({
  recordingId: ID,
  channelId: 'main',
  sessionStart: '2026-12-01T19:00:00Z',
  status: 'READY',
  published: true,
  parts: {},
  manifestKey: `recordings/main/${ID}/index.m3u8`,
  posterKey: `recordings/main/${ID}/poster.jpg`,
  durationSeconds: 5400,
  ...over,
});

beforeEach(() => world.reset());

test('a published READY recording: its folder (what the session is scoped to) and manifest', async () => {
  world.items.set(ID, record({}));
  await expect(playableRecording(deps, ID)).resolves.toEqual({
    recordingId: ID,
    channelId: 'main',
    prefix: `recordings/main/${ID}/`,
    manifest: 'index.m3u8',
    posterKey: `recordings/main/${ID}/poster.jpg`,
    durationSeconds: 5400,
  });
});

test('a session is refused for a private (unpublished) recording: 403', async () => {
  world.items.set(ID, record({ published: false }));
  await expect(playableRecording(deps, ID)).rejects.toMatchObject({
    statusCode: 403,
    message: `recording "${ID}" is not published`,
  });
});

test('unknown: 404; not READY yet: 409', async () => {
  await expect(playableRecording(deps, ID)).rejects.toMatchObject({ statusCode: 404 });
  world.items.set(ID, record({ status: 'PROCESSING', manifestKey: undefined }));
  await expect(playableRecording(deps, ID)).rejects.toMatchObject({
    statusCode: 409,
    message: `recording "${ID}" is PROCESSING, not READY yet`,
  });
});

test("another channel's recording is a 404 for this channel's viewers, whatever its state (nothing of it is revealed)", async () => {
  world.items.set(ID, record({ published: false }));
  for (const channel of ['news', 'mainx']) {
    const err = await playableRecording(deps, ID, channel).catch((e: unknown) => e);
    expect(err).toMatchObject({
      statusCode: 404,
      message: `channel "${channel}" has no recording "${ID}"`,
      details: { recordingId: ID },
    });
  }
  await expect(playableRecording(deps, ID, 'main')).rejects.toMatchObject({ statusCode: 403 });
});

test('a FAILED recording is 409 whose status says FAILED: nothing to wait for', async () => {
  world.items.set(ID, record({ status: 'FAILED', manifestKey: undefined }));
  await expect(playableRecording(deps, ID)).rejects.toMatchObject({
    statusCode: 409,
    message: `recording "${ID}" failed to process`,
    details: { recordingId: ID, status: 'FAILED' },
  });
});

test.each([
  ['another folder', 'recordings/main/main-20261130t190000z/index.m3u8'],
  ['the bucket root', 'index.m3u8'],
  ['the folder itself', `recordings/main/${ID}/`],
])(
  'a manifest outside the folder (%s) is 409, logged: the session could not reach it',
  async (_what, key) => {
    world.items.set(ID, record({ manifestKey: key }));
    const log = { error: jest.fn() };
    await expect(playableRecording({ ...deps, log }, ID)).rejects.toMatchObject({
      statusCode: 409,
      message: `recording "${ID}" has no manifest in its folder`,
    });
    expect(log.error).toHaveBeenCalledWith('recording manifest outside its folder', {
      recordingId: ID,
      manifestKey: key,
      prefix: `recordings/main/${ID}/`,
    });
  },
);

test('past its expiry (expiresAt, the TTL DynamoDB applies lazily) a recording is gone: 404, whatever else it is', async () => {
  const expiresAt = Date.parse('2027-01-01T00:00:00Z') / 1000;
  world.items.set(ID, record({ expiresAt }));
  const at = (iso: string) => ({ ...deps, now: () => new Date(iso) });
  await expect(playableRecording(at('2026-12-31T23:59:59Z'), ID)).resolves.toMatchObject({ recordingId: ID });
  for (const iso of ['2027-01-01T00:00:00Z', '2027-01-05T00:00:00Z'])
    await expect(playableRecording(at(iso), ID)).rejects.toMatchObject({
      statusCode: 404,
      message: `recording "${ID}" has expired`,
      details: { recordingId: ID },
    });
});
