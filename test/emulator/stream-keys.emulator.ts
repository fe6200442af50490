/**
 * Stream keys against a local emulator of the MediaLive, Secrets Manager and DynamoDB APIs (the
 * channel registry table), reached the way the deployed functions reach AWS: the SDK's standard
 * endpoint resolution (`AWS_ENDPOINT_URL`). Not part of `npm test` (it needs a running emulator):
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
import { Env, REGISTRY_TABLE_KEY } from '../../lambda/shared/contract';
import { ingest, rotate, rotation, stateChange } from '../../lambda/stream-keys';
import { stateChangeFromExample } from '../lambda/medialive-events';
import { registeredChannel } from '../lambda/registry-fixtures';
import { ingestRequest, rotateRequest } from '../lambda/stream-keys/requests';

type Http = (e: APIGatewayProxyEventV2, c?: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const handlers = { ingest: ingest as Http, rotate: rotate as Http, stateChange, rotation };
const ml = new MediaLiveClient({});
const sm = new SecretsManagerClient({});
const ddb = new DynamoDBClient({});
const OLD_KEY = 'OldKeyOldKeyOldKeyOldKeyOldKey12';
const ctx = { getRemainingTimeInMillis: () => 20_000 } as Context;
let channel: { id: string; arn: string };
let secretArn: string;

const currentKey = async () =>
  (await sm.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' })))
    .SecretString;
const state = async () => (await ml.send(new DescribeChannelCommand({ ChannelId: channel.id }))).State;
/**
 * Secrets Manager's RotateSecret as a rotation schedule calls it. The emulator cannot invoke a
 * function it does not host, so it fails after staging the version; the test runs the steps.
 */
async function rotateSecret(token: string, immediately: boolean): Promise<void> {
  await sm
    .send(
      new RotateSecretCommand({
        SecretId: secretArn,
        ClientRequestToken: token,
        RotationLambdaARN: 'arn:aws:lambda:eu-west-1:123456789012:function:onair-rotation',
        RotationRules: { AutomaticallyAfterDays: 30 },
        RotateImmediately: immediately,
      }),
    )
    .catch((err: Error) => expect(err.name).toBe('ResourceNotFoundException'));
}

/** The emulator moves transitional states on when the channel is described. */
async function settle(target: string): Promise<void> {
  for (let i = 0; i < 5 && (await state()) !== target; i++);
  expect(await state()).toBe(target);
}

beforeAll(async () => {
  const input = await ml.send(
    new CreateInputCommand({
      Name: 'main',
      Type: 'RTMP_PUSH',
      Destinations: [{ StreamName: `main/${OLD_KEY}` }],
    }),
  );
  const created = await ml.send(
    new CreateChannelCommand({
      Name: 'main',
      ChannelClass: 'SINGLE_PIPELINE',
      RoleArn: 'arn:aws:iam::123456789012:role/medialive',
      InputAttachments: [{ InputId: input.Input?.Id, InputAttachmentName: 'main' }],
      Destinations: [],
      EncoderSettings: {
        AudioDescriptions: [],
        OutputGroups: [],
        TimecodeConfig: { Source: 'EMBEDDED' },
        VideoDescriptions: [],
      },
    }),
  );
  channel = { id: created.Channel?.Id as string, arn: created.Channel?.Arn as string };
  const secret = await sm.send(
    new CreateSecretCommand({ Name: `onair-main-${Date.now()}`, SecretString: OLD_KEY }),
  );
  secretArn = secret.ARN as string;
  // The channel registry table, as the channel stack's registration writes it.
  const table = `onair-registry-${Date.now()}`;
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: REGISTRY_TABLE_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: REGISTRY_TABLE_KEY, KeyType: 'HASH' }],
    }),
  );
  const item = registeredChannel('main', {
    ml: channel.id,
    in: input.Input?.Id as string,
    key: secretArn,
    mp: 'mp-main',
    app: 'main',
    p: 1,
  });
  await DynamoDBDocumentClient.from(ddb).send(new PutCommand({ TableName: table, Item: item }));
  process.env[Env.REGISTRY_TABLE] = table;
});

test('GET ingest serves the current key', async () => {
  const res = await handlers.ingest(ingestRequest('main'), ctx);
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(res.body as string)).toMatchObject({
    state: 'IDLE',
    endpoints: [{ streamKey: OLD_KEY }],
  });
});

test('IDLE: rotating changes AWSCURRENT and the answer; the old key is gone', async () => {
  const res = await handlers.rotate(rotateRequest('main'), ctx);
  expect(res.statusCode).toBe(200);
  const key = await currentKey();
  expect(key).not.toBe(OLD_KEY);
  expect(JSON.parse(res.body as string).endpoints).toEqual([{ streamKey: key }]);
});

test('RUNNING: 409 pending, nothing changes; the stop applies it', async () => {
  await ml.send(new StartChannelCommand({ ChannelId: channel.id }));
  await settle('RUNNING');
  const before = await currentKey();
  const res = await handlers.rotate(rotateRequest('main'), ctx);
  expect(res.statusCode).toBe(409);
  expect(JSON.parse(res.body as string)).toMatchObject({ pending: true, state: 'RUNNING' });
  expect(await currentKey()).toBe(before);
  const tags = (await sm.send(new DescribeSecretCommand({ SecretId: secretArn }))).Tags ?? [];
  expect(tags.map((t) => t.Key)).toContain('onair:rotation-pending');

  await ml.send(new StopChannelCommand({ ChannelId: channel.id }));
  await settle('IDLE');
  const event = stateChangeFromExample({
    channelArn: channel.arn,
    state: 'STOPPED',
    message: 'Stop detected on pipeline',
  });
  expect(await handlers.stateChange(event, ctx)).toMatchObject({ result: 'rotated' });
  expect(await currentKey()).not.toBe(before);
  const after = (await sm.send(new DescribeSecretCommand({ SecretId: secretArn }))).Tags ?? [];
  expect(after.map((t) => t.Key)).not.toContain('onair:rotation-pending');
});

test("Secrets Manager's four rotation steps move AWSCURRENT to the token's version", async () => {
  const before = await currentKey();
  const token = '11111111-2222-4333-8444-555555555555';
  // RotateSecret stages an empty AWSPENDING version under the token and enables rotation, then
  // invokes the function; the emulator has no such function, so the test invokes the steps.
  await rotateSecret(token, true);
  for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    await handlers.rotation({ Step, SecretId: secretArn, ClientRequestToken: token });
  }
  const now = await sm.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
  expect(now.VersionId).toBe(token);
  expect(now.SecretString).not.toBe(before);
  const res = await handlers.ingest(ingestRequest('main'), ctx);
  expect(JSON.parse(res.body as string).endpoints).toEqual([{ streamKey: now.SecretString }]);
});

test("deploying the rotation schedule: Secrets Manager's configuration test (testSecret only) passes", async () => {
  const token = '22222222-3333-4444-8555-666666666666';
  const before = await currentKey();
  // Without an immediate rotation, the staged AWSPENDING version repeats the current value.
  await rotateSecret(token, false);
  await expect(
    handlers.rotation({ Step: 'testSecret', SecretId: secretArn, ClientRequestToken: token }),
  ).resolves.toBeUndefined();
  expect(await currentKey()).toBe(before);
  // the leftover AWSPENDING (a copy of the current key) is not mistaken for a rotation to finish
  const res = await handlers.rotate(rotateRequest('main'), ctx);
  expect(res.statusCode).toBe(200);
  expect(await currentKey()).not.toBe(before);
});
