/**
 * Stream keys and SRT passphrases against a local emulator of the MediaLive, Secrets Manager and
 * DynamoDB (the channel registry table) APIs, reached the way the deployed functions reach AWS: the SDK's standard endpoint resolution
 * (`AWS_ENDPOINT_URL`). One RTMP push and one SRT listener channel run the same steps (moto keeps
 * no SRT settings and reports no SRT endpoints: the SRT answers carry the passphrase without a
 * URL). Not part of `npm test` (it needs a running emulator):
 *
 *   python3 -m moto.server -H 127.0.0.1 -p 5055 &
 *   AWS_ENDPOINT_URL=http://127.0.0.1:5055 npm run test:emulator
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateChannelCommand,
  CreateInputCommand,
  DescribeChannelCommand,
  MediaLiveClient,
  StartChannelCommand,
  StopChannelCommand,
} from '@aws-sdk/client-medialive';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type ChannelEntry, Env, IngestProtocol, REGISTRY_TABLE_KEY } from '../../lambda/shared/contract';
import { ingest, rotate, rotation, stateChange } from '../../lambda/stream-keys';
import { stateChangeFromExample } from '../lambda/medialive-events';
import { registeredChannel } from '../lambda/registry-fixtures';
import { ingestRequest, rotateRequest } from '../lambda/stream-keys/requests';

type Http = (e: APIGatewayProxyEventV2, c?: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const handlers = { ingest: ingest as Http, rotate: rotate as Http, stateChange, rotation };
const ml = new MediaLiveClient({});
const sm = new SecretsManagerClient({});
const ddb = new DynamoDBClient({});
const ctx = { getRemainingTimeInMillis: () => 20_000 } as Context;

/** One kind of channel: its input, the credential its answers show, its first value. */
interface KindCase {
  readonly name: string;
  readonly channelId: string;
  readonly old: string;
  readonly createInput: (old: string) => CreateInputCommand;
  /** The credential field of an ingest endpoint. */
  readonly field: 'streamKey' | 'passphrase';
  /** The registry entry's input type (absent: RTMP). */
  readonly t?: 'SRT_LISTENER';
}

const CASES: KindCase[] = [
  {
    name: 'RTMP stream key',
    channelId: 'main',
    old: 'OldKeyOldKeyOldKeyOldKeyOldKey12',
    createInput: (old) =>
      new CreateInputCommand({
        Name: 'main',
        Type: 'RTMP_PUSH',
        Destinations: [{ StreamName: `main/${old}` }],
      }),
    field: 'streamKey',
  },
  {
    name: 'SRT passphrase',
    channelId: 'studio',
    old: 'OldPassphraseOldPassphraseOldPassphrase12345',
    createInput: () =>
      new CreateInputCommand({ Name: 'studio', Type: 'SRT_LISTENER', InputSecurityGroups: ['1234567'] }),
    field: 'passphrase',
    t: 'SRT_LISTENER',
  },
];

const created = new Map<string, { channel: { id: string; arn: string }; secretArn: string }>();

/** The emulator moves transitional states on when the channel is described. */
async function settle(channelId: string, target: string): Promise<void> {
  const state = async () => (await ml.send(new DescribeChannelCommand({ ChannelId: channelId }))).State;
  for (let i = 0; i < 5 && (await state()) !== target; i++);
  expect(await state()).toBe(target);
}

// Both channels exist before any handler runs: the handlers read the registry once.
beforeAll(async () => {
  const registry: Record<string, ChannelEntry> = {};
  for (const K of CASES) {
    const input = await ml.send(K.createInput(K.old));
    const channel = await ml.send(
      new CreateChannelCommand({
        Name: K.channelId,
        ChannelClass: 'SINGLE_PIPELINE',
        RoleArn: 'arn:aws:iam::123456789012:role/medialive',
        InputAttachments: [{ InputId: input.Input?.Id, InputAttachmentName: K.channelId }],
        Destinations: [],
        EncoderSettings: {
          AudioDescriptions: [],
          OutputGroups: [],
          TimecodeConfig: { Source: 'EMBEDDED' },
          VideoDescriptions: [],
        },
      }),
    );
    const secret = await sm.send(
      new CreateSecretCommand({ Name: `onair-${K.channelId}-${Date.now()}`, SecretString: K.old }),
    );
    created.set(K.channelId, {
      channel: { id: channel.Channel?.Id as string, arn: channel.Channel?.Arn as string },
      secretArn: secret.ARN as string,
    });
    registry[K.channelId] = {
      ml: channel.Channel?.Id as string,
      in: input.Input?.Id as string,
      key: secret.ARN as string,
      mp: `mp-${K.channelId}`,
      app: K.channelId,
      p: 1,
      ...(K.t ? { t: IngestProtocol.SRT_LISTENER } : {}),
    };
  }
  // The channel registry table, as the channel stacks' registrations write it.
  const table = `onair-registry-${Date.now()}`;
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: REGISTRY_TABLE_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: REGISTRY_TABLE_KEY, KeyType: 'HASH' }],
    }),
  );
  const docs = DynamoDBDocumentClient.from(ddb);
  for (const [id, entry] of Object.entries(registry))
    await docs.send(new PutCommand({ TableName: table, Item: registeredChannel(id, entry) }));
  process.env[Env.REGISTRY_TABLE] = table;
});

describe.each(CASES)('$name', (K) => {
  const ids = () => created.get(K.channelId) as { channel: { id: string; arn: string }; secretArn: string };
  const current = async () =>
    (await sm.send(new GetSecretValueCommand({ SecretId: ids().secretArn, VersionStage: 'AWSCURRENT' })))
      .SecretString;
  /**
   * Secrets Manager's RotateSecret as a rotation schedule calls it. The emulator cannot invoke a
   * function it does not host, so it fails after staging the version; the test runs the steps.
   */
  async function rotateSecret(token: string, immediately: boolean): Promise<void> {
    await sm
      .send(
        new RotateSecretCommand({
          SecretId: ids().secretArn,
          ClientRequestToken: token,
          RotationLambdaARN: 'arn:aws:lambda:eu-west-1:123456789012:function:onair-rotation',
          RotationRules: { AutomaticallyAfterDays: 30 },
          RotateImmediately: immediately,
        }),
      )
      .catch((err: Error) => expect(err.name).toBe('ResourceNotFoundException'));
  }

  test('GET ingest serves the current value', async () => {
    const res = await handlers.ingest(ingestRequest(K.channelId), ctx);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toMatchObject({
      state: 'IDLE',
      endpoints: [{ [K.field]: K.old }],
    });
  });

  test('IDLE: rotating changes AWSCURRENT and the answer; the old value is gone', async () => {
    const res = await handlers.rotate(rotateRequest(K.channelId), ctx);
    expect(res.statusCode).toBe(200);
    const value = await current();
    expect(value).not.toBe(K.old);
    expect(JSON.parse(res.body as string).endpoints).toEqual([{ [K.field]: value }]);
  });

  test('RUNNING: 409 pending, nothing changes; the stop applies it', async () => {
    const { channel, secretArn } = ids();
    await ml.send(new StartChannelCommand({ ChannelId: channel.id }));
    await settle(channel.id, 'RUNNING');
    const before = await current();
    const res = await handlers.rotate(rotateRequest(K.channelId), ctx);
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body as string)).toMatchObject({ pending: true, state: 'RUNNING' });
    expect(await current()).toBe(before);
    const tags = (await sm.send(new DescribeSecretCommand({ SecretId: secretArn }))).Tags ?? [];
    expect(tags.map((t) => t.Key)).toContain('onair:rotation-pending');

    await ml.send(new StopChannelCommand({ ChannelId: channel.id }));
    await settle(channel.id, 'IDLE');
    const event = stateChangeFromExample({
      channelArn: channel.arn,
      state: 'STOPPED',
      message: 'Stop detected on pipeline',
    });
    expect(await handlers.stateChange(event, ctx)).toMatchObject({ result: 'rotated' });
    expect(await current()).not.toBe(before);
    const after = (await sm.send(new DescribeSecretCommand({ SecretId: secretArn }))).Tags ?? [];
    expect(after.map((t) => t.Key)).not.toContain('onair:rotation-pending');
  });

  test("Secrets Manager's four rotation steps move AWSCURRENT to the token's version", async () => {
    const before = await current();
    const token = K.t ? '11111111-2222-4333-8444-777777777777' : '11111111-2222-4333-8444-555555555555';
    // RotateSecret stages an empty AWSPENDING version under the token and enables rotation, then
    // invokes the function; the emulator has no such function, so the test invokes the steps.
    await rotateSecret(token, true);
    for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await handlers.rotation({ Step, SecretId: ids().secretArn, ClientRequestToken: token });
    }
    const now = await sm.send(
      new GetSecretValueCommand({ SecretId: ids().secretArn, VersionStage: 'AWSCURRENT' }),
    );
    expect(now.VersionId).toBe(token);
    expect(now.SecretString).not.toBe(before);
    const res = await handlers.ingest(ingestRequest(K.channelId), ctx);
    expect(JSON.parse(res.body as string).endpoints).toEqual([{ [K.field]: now.SecretString }]);
  });

  test("deploying the rotation schedule: Secrets Manager's configuration test (testSecret only) passes", async () => {
    const token = K.t ? '22222222-3333-4444-8555-888888888888' : '22222222-3333-4444-8555-666666666666';
    const before = await current();
    // Without an immediate rotation, the staged AWSPENDING version repeats the current value.
    await rotateSecret(token, false);
    await expect(
      handlers.rotation({ Step: 'testSecret', SecretId: ids().secretArn, ClientRequestToken: token }),
    ).resolves.toBeUndefined();
    expect(await current()).toBe(before);
    // the leftover AWSPENDING (a copy of the current value) is not mistaken for a rotation to finish
    const res = await handlers.rotate(rotateRequest(K.channelId), ctx);
    expect(res.statusCode).toBe(200);
    expect(await current()).not.toBe(before);
  });
});
