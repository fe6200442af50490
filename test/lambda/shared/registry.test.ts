import 'aws-sdk-client-mock-jest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { IngestProtocol, ViewerAuth } from '../../../lambda/shared/contract';
import {
  channelOf,
  ingestProtocolOf,
  parseRegisteredChannel,
  RegistryReader,
} from '../../../lambda/shared/registry';
import { REGISTRY } from '../fixtures';
import { registeredChannel } from '../registry-fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2' }));
const main = registeredChannel('main', REGISTRY.main as never);
const studio = registeredChannel('studio', REGISTRY.studio as never, { auth: ViewerAuth.IAM });

let now = 0;
const reader = (onInvalid = jest.fn()) =>
  new RegistryReader(client, 'registry-table', { now: () => now, onInvalid });

beforeEach(() => {
  ddb.reset();
  now = 1_000_000;
  ddb.on(ScanCommand).resolves({ Items: [main, studio] });
});

test('one consistent Scan of the table, cached for the TTL; concurrent callers share it', async () => {
  const r = reader();
  const [a, b] = await Promise.all([r.all(), r.all()]);
  expect(a).toEqual({ main, studio });
  expect(b).toBe(a);
  expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 1);
  expect(ddb).toHaveReceivedCommandWith(ScanCommand, { TableName: 'registry-table', ConsistentRead: true });
  now += 59_000;
  await r.all();
  expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 1);
  now += 2_000;
  await r.all();
  expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 2);
});

test('pages through LastEvaluatedKey', async () => {
  ddb
    .on(ScanCommand)
    .resolvesOnce({ Items: [main], LastEvaluatedKey: { channelId: 'main' } })
    .resolves({ Items: [studio] });
  expect(Object.keys(await reader().all())).toEqual(['main', 'studio']);
  expect(ddb).toHaveReceivedNthCommandWith(2, ScanCommand, { ExclusiveStartKey: { channelId: 'main' } });
});

test('an unknown id is 404; it re-reads the table at most every 5 s (a channel added meanwhile is found)', async () => {
  const r = reader();
  await r.all();
  await expect(r.channel('news')).rejects.toMatchObject({
    statusCode: 404,
    message: 'unknown channel "news"',
  });
  expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 1);
  now += 5_000;
  const news = registeredChannel('news', REGISTRY.main as never);
  ddb.on(ScanCommand).resolves({ Items: [main, studio, news] });
  await expect(r.channel('news')).resolves.toEqual(news);
  expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 2);
  await expect(r.channel('toString')).rejects.toMatchObject({ statusCode: 404 });
});

test('an item that does not parse is left out and reported; the others still serve', async () => {
  const onInvalid = jest.fn();
  ddb.on(ScanCommand).resolves({ Items: [main, { channelId: 'broken', ml: 1 }] });
  expect(Object.keys(await reader(onInvalid).all())).toEqual(['main']);
  expect(onInvalid).toHaveBeenCalledWith('broken', expect.stringContaining('ml'));
});

test('a bad ladder (display only) is reported and the channel kept with ladder [], so its sessions and control still serve', async () => {
  const onInvalid = jest.fn();
  const onBadLadder = jest.fn();
  const bad = { ...studio, ladder: [{ name: '720p', width: 1280 }] };
  ddb.on(ScanCommand).resolves({ Items: [main, bad] });
  const r = new RegistryReader(client, 'registry-table', { now: () => now, onInvalid, onBadLadder });
  await expect(r.channel('studio')).resolves.toEqual({ ...studio, ladder: [] });
  expect(onInvalid).not.toHaveBeenCalled();
  expect(onBadLadder).toHaveBeenCalledWith('studio', 'ladder[0].height must be a number > 0, got undefined');
  // The writer's check (no onBadLadder) stays strict.
  expect(() => parseRegisteredChannel(bad)).toThrow('ladder[0].height must be a number > 0');
  // Any other bad field still leaves the item out.
  ddb.on(ScanCommand).resolves({ Items: [main, { ...bad, p: 3 }] });
  now += 60_000;
  expect(Object.keys(await r.all())).toEqual(['main']);
});

test('a failed Scan fails the call and is retried by the next one', async () => {
  ddb
    .on(ScanCommand)
    .rejectsOnce(new Error('throttled'))
    .resolves({ Items: [main] });
  const r = reader();
  await expect(r.all()).rejects.toThrow('throttled');
  await expect(r.all()).resolves.toEqual({ main });
});

test('a missing table name is a deployment error', () => {
  expect(() => new RegistryReader(client, '')).toThrow('ONAIR_REGISTRY_TABLE is not set');
});

describe('a registry item is checked field by field (a deployment error names the field)', () => {
  test.each([
    [{ channelId: '' }, 'channelId must be a non-empty string, got ""'],
    [{ in: '' }, 'in must be a non-empty string, got ""'],
    [{ owner: undefined }, 'owner must be a non-empty string, got undefined'],
    [{ p: 3 }, 'p must be 1 or 2, got 3'],
    [{ auth: 'open' }, 'auth must be one of public, jwt, iam, got "open"'],
    [{ idleMinutes: -1 }, 'idleMinutes must be a whole number ≥ 0, got -1'],
    [{ autoRestart: 'yes' }, 'autoRestart must be a boolean, got "yes"'],
    [
      { media: { ...main.media, dash: { path: '/live/main/dash/index.mpd', host: 'h' } } },
      'media.dash.path must be /out/v1/<32 hex digits>/<file>',
    ],
    [
      { media: { ...main.media, cmaf: { path: main.media.cmaf.path, host: '' } } },
      'media.cmaf.host must be a non-empty string',
    ],
  ])('%j fails: %s', (over, message) => {
    expect(() => parseRegisteredChannel({ ...main, ...over })).toThrow(message);
  });

  test('a ladder, when present, is a non-empty list of named rungs with positive numbers', () => {
    const rung = {
      name: '720p',
      width: 1280,
      height: 720,
      maxBitrateKbps: 3000,
      framerate: 30,
      gopSeconds: 2,
    };
    const withLadder = { ...main, ladder: [rung] };
    expect(parseRegisteredChannel(withLadder)).toBe(withLadder);
    expect(() => parseRegisteredChannel({ ...main, ladder: [] })).toThrow(
      'ladder must be a non-empty list, got []',
    );
    expect(() => parseRegisteredChannel({ ...main, ladder: [{ ...rung, framerate: '30' }] })).toThrow(
      'ladder[0].framerate must be a number > 0, got "30"',
    );
    expect(() => parseRegisteredChannel({ ...main, ladder: [{ ...rung, name: '' }] })).toThrow(
      'ladder[0].name must be a non-empty string',
    );
  });

  test('a good item passes unchanged', () => {
    expect(parseRegisteredChannel(main)).toBe(main);
    expect(() => parseRegisteredChannel([])).toThrow('not an object');
  });

  test('channelOf: an unknown channel is a 404, prototype names included', () => {
    expect(channelOf(REGISTRY, 'studio').p).toBe(2);
    expect(() => channelOf(REGISTRY, 'toString')).toThrow('unknown channel "toString"');
  });

  test('an item names its input type only for SRT (absent: RTMP push)', () => {
    const srt = { ...main, t: IngestProtocol.SRT_LISTENER as const };
    expect(parseRegisteredChannel(srt)).toEqual(srt);
    expect(ingestProtocolOf(srt)).toBe(IngestProtocol.SRT_LISTENER);
    expect(ingestProtocolOf(main)).toBe(IngestProtocol.RTMP_PUSH);
    expect(() => parseRegisteredChannel({ ...main, t: 'RTMP_PUSH' })).toThrow(
      't must be absent (RTMP_PUSH) or "SRT_LISTENER", got "RTMP_PUSH"',
    );
  });
});
