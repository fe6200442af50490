import 'aws-sdk-client-mock-jest';
import {
  CloudFrontKeyValueStoreClient,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeOriginEndpointCommand, MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BACKOFF_CAP_MS,
  backoffMs,
  MAX_WRITE_ATTEMPTS,
  onEvent,
  type RegistrationDeps,
} from '../../../lambda/channel-registration/registration';
import { awsError } from '../fixtures';
import { MEDIAPACKAGE_HOST, pathIdOf } from '../registry-fixtures';

const kvs = mockClient(CloudFrontKeyValueStoreClient);
const mp = mockClient(MediaPackageClient);
const ddb = mockClient(DynamoDBDocumentClient);

const KVS_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/0123abcd-4567-89ef-0123-456789abcdef';
const TABLE = 'registry-table';
const STACK = 'arn:aws:cloudformation:us-west-2:111122223333:stack/OnAir-test-Channelmain-ABC/1';
const OWNER = `${STACK}/Registration`;
const NOW = new Date('2026-12-01T10:00:00Z');
const id = (format: 'hls' | 'dash' | 'cmaf', channel = 'main') => pathIdOf(channel, format);
const url = (pathId: string, file: string, host = MEDIAPACKAGE_HOST) =>
  `https://${host}/out/v1/${pathId}/${file}`;

const sleeps: number[] = [];
const deps = (over: Partial<RegistrationDeps> = {}): RegistrationDeps => ({
  kvs: new CloudFrontKeyValueStoreClient({ region: 'us-east-1' }),
  kvsArn: KVS_ARN,
  mediapackage: new MediaPackageClient({ region: 'us-west-2' }),
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2' })),
  tableName: TABLE,
  now: () => NOW,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  random: () => 0.5,
  log: { info: () => {}, warn: () => {}, error: () => {} },
  ...over,
});

/** Properties as CloudFormation sends them: every leaf a string. */
const properties = (hls = id('hls'), dash = id('dash')) => ({
  ServiceToken: 'arn:aws:lambda:us-west-2:111122223333:function:provider',
  ChannelId: 'main',
  Entry: {
    ml: '1234567',
    in: '7654321',
    key: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:main-key-AbCdEf',
    mp: 'OnAir-test-main',
    app: 'main',
    p: '2',
    auth: 'jwt',
    idleMinutes: '45',
    autoRestart: 'true',
    ladder: [
      {
        name: '720p',
        width: '1280',
        height: '720',
        maxBitrateKbps: '3000',
        framerate: '30',
        gopSeconds: '2',
      },
    ],
  },
  Endpoints: {
    hls: { Id: 'OnAir-test-main-hls', Url: url(hls, 'index.m3u8') },
    dash: { Id: 'OnAir-test-main-dash', Url: url(dash, 'index.mpd') },
    cmaf: { Id: 'OnAir-test-main-cmaf' },
  },
});

const base = {
  ServiceToken: 'x',
  ResponseURL: 'https://example.com/r',
  StackId: STACK,
  RequestId: 'req',
  LogicalResourceId: 'Registration',
  ResourceType: 'Custom::OnAirChannelRegistration',
};
const create = (props = properties()) =>
  ({ ...base, RequestType: 'Create', ResourceProperties: props }) as CloudFormationCustomResourceEvent;
const update = (props: object, old: object) =>
  ({
    ...base,
    RequestType: 'Update',
    PhysicalResourceId: 'onair-channel-main',
    ResourceProperties: props,
    OldResourceProperties: old,
  }) as unknown as CloudFormationCustomResourceEvent;
const remove = (props: object = properties()) =>
  ({
    ...base,
    RequestType: 'Delete',
    PhysicalResourceId: 'onair-channel-main',
    ResourceProperties: props,
  }) as unknown as CloudFormationCustomResourceEvent;

/** The registry item a Create of properties() writes. */
const item = (owner = OWNER, ids = { hls: id('hls'), dash: id('dash'), cmaf: id('cmaf') }) => ({
  channelId: 'main',
  ml: '1234567',
  in: '7654321',
  key: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:main-key-AbCdEf',
  mp: 'OnAir-test-main',
  app: 'main',
  p: 2,
  auth: 'jwt',
  idleMinutes: 45,
  autoRestart: true,
  ladder: [{ name: '720p', width: 1280, height: 720, maxBitrateKbps: 3000, framerate: 30, gopSeconds: 2 }],
  media: {
    hls: { path: `/out/v1/${ids.hls}/index.m3u8`, host: MEDIAPACKAGE_HOST },
    dash: { path: `/out/v1/${ids.dash}/index.mpd`, host: MEDIAPACKAGE_HOST },
    cmaf: { path: `/out/v1/${ids.cmaf}/hls/index.m3u8`, host: MEDIAPACKAGE_HOST },
  },
  owner,
  registeredAt: NOW.toISOString(),
});

beforeEach(() => {
  for (const m of [kvs, mp, ddb]) m.reset();
  sleeps.length = 0;
  mp.on(DescribeOriginEndpointCommand, { Id: 'OnAir-test-main-cmaf' }).resolves({
    CmafPackage: { HlsManifests: [{ Id: 'hls', Url: url(id('cmaf'), 'hls/index.m3u8') }] },
  });
  kvs.on(DescribeKeyValueStoreCommand).resolves({ ETag: 'etag-1', KvsARN: KVS_ARN });
  kvs.on(UpdateKeysCommand).resolves({ ETag: 'etag-2', ItemCount: 3, TotalSizeInBytes: 300 });
  kvs.on(GetKeyCommand).rejects(awsError('ResourceNotFoundException', 404));
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('Create', () => {
  test("puts the channel's three endpoints into the route table and its entry into the registry", async () => {
    const res = await onEvent(deps(), create());
    expect(res).toEqual({
      PhysicalResourceId: 'onair-channel-main',
      Data: {
        HlsPath: `/out/v1/${id('hls')}/index.m3u8`,
        DashPath: `/out/v1/${id('dash')}/index.mpd`,
        CmafPath: `/out/v1/${id('cmaf')}/hls/index.m3u8`,
      },
    });
    // CloudFormation's Url is empty for CMAF: the manifest's URL comes from MediaPackage
    expect(mp).toHaveReceivedCommandWith(DescribeOriginEndpointCommand, { Id: 'OnAir-test-main-cmaf' });
    expect(kvs).toHaveReceivedCommandWith(DescribeKeyValueStoreCommand, { KvsARN: KVS_ARN });
    expect(kvs).toHaveReceivedCommandTimes(UpdateKeysCommand, 1);
    expect(kvs.commandCalls(UpdateKeysCommand)[0]?.args[0].input).toEqual({
      KvsARN: KVS_ARN,
      IfMatch: 'etag-1',
      Puts: [
        { Key: id('hls'), Value: MEDIAPACKAGE_HOST },
        { Key: id('dash'), Value: MEDIAPACKAGE_HOST },
        { Key: id('cmaf'), Value: MEDIAPACKAGE_HOST },
      ],
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { channelId: 'main' },
      ConsistentRead: true,
    });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Item: item() });
  });

  test('each endpoint keeps its own host (MediaPackage does not promise one host per account)', async () => {
    const other = 'dce3793146fef017.mediapackage.us-west-2.amazonaws.com';
    const props = properties();
    props.Endpoints.dash.Url = url(id('dash'), 'index.mpd', other);
    await onEvent(deps(), create(props));
    expect(kvs.commandCalls(UpdateKeysCommand)[0]?.args[0].input.Puts).toContainEqual({
      Key: id('dash'),
      Value: other,
    });
  });

  test('a URL the edge could not route fails the deployment, naming it', async () => {
    const props = properties();
    props.Endpoints.hls.Url = 'https://example.com/out/v1/not-an-id/index.m3u8';
    await expect(onEvent(deps(), create(props))).rejects.toThrow(
      'channel main, hls endpoint: "https://example.com/out/v1/not-an-id/index.m3u8" is not https://<host>/out/v1/<32 hex digits>/<manifest>',
    );
    expect(kvs).toHaveReceivedCommandTimes(UpdateKeysCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
  });

  test('a CMAF endpoint without an HLS manifest URL fails naming the endpoint', async () => {
    mp.on(DescribeOriginEndpointCommand).resolves({ CmafPackage: { HlsManifests: [] } });
    await expect(onEvent(deps(), create())).rejects.toThrow(
      'MediaPackage origin endpoint OnAir-test-main-cmaf has no CMAF HLS manifest URL',
    );
  });

  test('properties of the wrong shape fail before any write', async () => {
    const props = { ...properties(), Entry: { ...properties().Entry, p: '3' } };
    await expect(onEvent(deps(), create(props))).rejects.toThrow(
      'invalid registration properties: Entry.p must be 1 or 2, got "3"',
    );
    expect(kvs).toHaveReceivedCommandTimes(UpdateKeysCommand, 0);
  });

  test('a ladder rung whose number does not parse fails naming the rung and field', async () => {
    const [rung] = properties().Entry.ladder;
    const props = {
      ...properties(),
      Entry: { ...properties().Entry, ladder: [{ ...rung, height: 'tall' }] },
    };
    await expect(onEvent(deps(), create(props))).rejects.toThrow(
      'invalid registration properties: Entry.ladder[0].height must be a number > 0, got "tall"',
    );
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
  });
});

describe('conflicting writes (the ETag is store-wide: channel stacks deployed together race)', () => {
  test('a 409 re-reads the ETag and writes again after a jittered wait', async () => {
    kvs
      .on(DescribeKeyValueStoreCommand)
      .resolvesOnce({ ETag: 'etag-1' })
      .resolvesOnce({ ETag: 'etag-2' })
      .resolves({ ETag: 'etag-3' });
    kvs
      .on(UpdateKeysCommand)
      .rejectsOnce(awsError('ConflictException', 409))
      .rejectsOnce(awsError('ConflictException', 409))
      .resolves({ ETag: 'etag-4' });
    await onEvent(deps(), create());
    expect(kvs.commandCalls(UpdateKeysCommand).map((c) => c.args[0].input.IfMatch)).toEqual([
      'etag-1',
      'etag-2',
      'etag-3',
    ]);
    // full jitter: half (random 0.5) of 200 ms, then of 400 ms
    expect(sleeps).toEqual([100, 200]);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  test('a ValidationException about the ETag is a conflict too; any other is not retried', async () => {
    kvs
      .on(UpdateKeysCommand)
      .rejectsOnce(
        Object.assign(awsError('ValidationException', 400), { message: 'Invalid If-Match: ETag mismatch' }),
      )
      .resolves({});
    await onEvent(deps(), create());
    expect(kvs).toHaveReceivedCommandTimes(UpdateKeysCommand, 2);

    kvs
      .on(UpdateKeysCommand)
      .rejects(Object.assign(awsError('ValidationException', 400), { message: 'bad key' }));
    await expect(onEvent(deps(), create())).rejects.toThrow('bad key');
  });

  test.each(['AccessDeniedException', 'ServiceQuotaExceededException', 'ResourceNotFoundException'])(
    '%s fails at once, without retrying or writing the registry',
    async (name) => {
      kvs.on(UpdateKeysCommand).rejects(awsError(name, 403));
      await expect(onEvent(deps(), create())).rejects.toMatchObject({ name });
      expect(kvs).toHaveReceivedCommandTimes(UpdateKeysCommand, 1);
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    },
  );

  test(`gives up after ${MAX_WRITE_ATTEMPTS} conflicts, saying why`, async () => {
    kvs.on(UpdateKeysCommand).rejects(awsError('ConflictException', 409));
    await expect(onEvent(deps(), create())).rejects.toThrow(
      `the route table stayed busy: ${MAX_WRITE_ATTEMPTS} conflicting writes`,
    );
    expect(kvs).toHaveReceivedCommandTimes(UpdateKeysCommand, MAX_WRITE_ATTEMPTS);
    expect(sleeps).toHaveLength(MAX_WRITE_ATTEMPTS - 1);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
  });

  test('backoff: full jitter below min(cap, base * 2^attempt)', () => {
    expect(backoffMs(0, () => 0.999)).toBe(199);
    expect(backoffMs(3, () => 0.999)).toBe(1598);
    expect(backoffMs(30, () => 0.999)).toBe(BACKOFF_CAP_MS - 5);
    expect(backoffMs(5, () => 0)).toBe(0);
  });
});

describe('Update', () => {
  test('a replaced endpoint: its new key is put, its old key (still in the table) deleted, in one write', async () => {
    const newHls = 'f'.repeat(32);
    ddb.on(GetCommand).resolves({ Item: item() });
    kvs.on(GetKeyCommand, { KvsARN: KVS_ARN, Key: id('hls') }).resolves({ Key: id('hls'), Value: 'x' });
    await onEvent(deps(), update(properties(newHls), properties()));
    expect(kvs).toHaveReceivedCommandWith(GetKeyCommand, { KvsARN: KVS_ARN, Key: id('hls') });
    expect(kvs.commandCalls(UpdateKeysCommand)[0]?.args[0].input).toEqual({
      KvsARN: KVS_ARN,
      IfMatch: 'etag-1',
      Puts: [
        { Key: newHls, Value: MEDIAPACKAGE_HOST },
        { Key: id('dash'), Value: MEDIAPACKAGE_HOST },
        { Key: id('cmaf'), Value: MEDIAPACKAGE_HOST },
      ],
      Deletes: [{ Key: id('hls') }],
    });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual(
      item(OWNER, { hls: newHls, dash: id('dash'), cmaf: id('cmaf') }),
    );
  });

  test('unchanged endpoints: the same keys are put again (idempotent), nothing deleted, nothing looked up', async () => {
    ddb.on(GetCommand).resolves({ Item: item() });
    await onEvent(deps(), update(properties(), properties()));
    expect(kvs).toHaveReceivedCommandTimes(GetKeyCommand, 0);
    expect(kvs.commandCalls(UpdateKeysCommand)[0]?.args[0].input.Deletes).toBeUndefined();
  });
});

describe('Delete', () => {
  test("removes the channel's keys from the route table and its item from the registry", async () => {
    ddb.on(GetCommand).resolves({ Item: item() });
    kvs.on(GetKeyCommand).resolves({ Value: MEDIAPACKAGE_HOST });
    const res = await onEvent(deps(), remove());
    expect(res).toEqual({ PhysicalResourceId: 'onair-channel-main' });
    expect(kvs.commandCalls(UpdateKeysCommand)[0]?.args[0].input).toEqual({
      KvsARN: KVS_ARN,
      IfMatch: 'etag-1',
      Deletes: [{ Key: id('hls') }, { Key: id('dash') }, { Key: id('cmaf') }],
    });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: TABLE,
      Key: { channelId: 'main' },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': OWNER },
    });
  });

  test('idempotent: keys and item already gone (or never written) is success without a write', async () => {
    mp.on(DescribeOriginEndpointCommand).rejects(awsError('NotFoundException', 404));
    await expect(onEvent(deps(), remove())).resolves.toEqual({ PhysicalResourceId: 'onair-channel-main' });
    expect(kvs).toHaveReceivedCommandTimes(UpdateKeysCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 0);
  });

  test('another resource registered the channel since (a move): its item and keys stay', async () => {
    const newIds = { hls: 'a'.repeat(32), dash: 'b'.repeat(32), cmaf: 'c'.repeat(32) };
    ddb
      .on(GetCommand)
      .resolves({ Item: item('arn:aws:cloudformation:…:stack/other/1/Registration', newIds) });
    kvs.on(GetKeyCommand).resolves({ Value: MEDIAPACKAGE_HOST });
    mp.on(DescribeOriginEndpointCommand).resolves({
      CmafPackage: { HlsManifests: [{ Id: 'hls', Url: url(id('cmaf'), 'hls/index.m3u8') }] },
    });
    await onEvent(deps(), remove());
    const deletes = kvs.commandCalls(UpdateKeysCommand)[0]?.args[0].input.Deletes;
    expect(deletes).toEqual([{ Key: id('hls') }, { Key: id('dash') }, { Key: id('cmaf') }]);
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 0);
  });

  test('an item deleted meanwhile by its new owner (ConditionalCheckFailed) is not an error', async () => {
    ddb.on(GetCommand).resolves({ Item: item() });
    ddb.on(DeleteCommand).rejects(awsError('ConditionalCheckFailedException', 400));
    await expect(onEvent(deps(), remove())).resolves.toBeDefined();
  });

  test('a Delete without usable properties (a failed Create) succeeds', async () => {
    await expect(onEvent(deps(), remove({}))).resolves.toEqual({ PhysicalResourceId: 'onair-channel-main' });
    expect(kvs).not.toHaveReceivedAnyCommand();
  });
});
