import 'aws-sdk-client-mock-jest';
import {
  ChannelState,
  DescribeChannelCommand,
  DescribeInputCommand,
  UpdateInputCommand,
} from '@aws-sdk/client-medialive';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../../../../lambda/shared/contract';
import { rotate } from '../../../../lambda/stream-keys';
import { rotationToken } from '../../../../lambda/stream-keys/credential';
import { STREAM_KEY } from '../../../../lambda/stream-keys/stream-key';
import { OPERATOR } from '../../../support/api';
import { awsError, captureLogs, instantBackoff, logEntry } from '../../fixtures';
import { destinationsServing } from '../fake';
import { SECRET_ARN } from '../fixtures';
import { rotateRequest } from '../requests';
import { useStreamKeyAws } from '../setup';

const { ml, sm } = useStreamKeyAws();
const OLD_KEY = 'OldKey0123456789OldKey0123456789';
const TOKEN = rotationToken(STREAM_KEY, 'v-old');

/** A Secrets Manager fake with one AWSCURRENT version; PutSecretValue/stage moves are recorded. */
function secretsWithCurrent(): { staged: () => string | undefined } {
  let staged: string | undefined;
  let current = OLD_KEY;
  sm.on(ListSecretVersionIdsCommand).resolves({
    Versions: [{ VersionId: 'v-old', VersionStages: ['AWSCURRENT'] }],
  });
  sm.on(PutSecretValueCommand).callsFake((input) => {
    staged = input.SecretString;
    return { VersionId: input.ClientRequestToken };
  });
  sm.on(UpdateSecretVersionStageCommand).callsFake((input) => {
    if (input.VersionStage === 'AWSCURRENT' && staged !== undefined) current = staged;
    return {};
  });
  sm.on(GetSecretValueCommand).callsFake(() => ({ SecretString: current }));
  sm.on(DescribeSecretCommand).resolves({ Tags: [] });
  sm.on(UntagResourceCommand).resolves({});
  sm.on(TagResourceCommand).resolves({});
  return { staged: () => staged };
}

/** What UpdateInput answers: the input with its destinations serving the names it was given. */
function inputServing(input: { Destinations?: { StreamName?: string }[] }) {
  return {
    Input: { Destinations: destinationsServing((input.Destinations ?? []).map((d) => d.StreamName ?? '')) },
  };
}

beforeEach(() => {
  instantBackoff();
  ml.on(DescribeInputCommand).resolves({
    SecurityGroups: ['5551212'],
    Destinations: [
      { Ip: '198.51.100.10', Port: '1935', Url: `rtmp://198.51.100.10:1935/main/${OLD_KEY}` },
      { Ip: '198.51.100.20', Port: '1935', Url: `rtmp://198.51.100.20:1935/main/${OLD_KEY}` },
    ],
  });
  ml.on(UpdateInputCommand).callsFake(inputServing);
});
afterEach(() => jest.restoreAllMocks());

describe('POST /channels/{id}/stream-key on an IDLE channel', () => {
  test('stages AWSPENDING, updates both destinations, then moves AWSCURRENT; returns the new ingest details', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    const fake = secretsWithCurrent();
    sm.on(DescribeSecretCommand).resolves({
      Tags: [{ Key: PENDING_ROTATION_TAG, Value: '2026-11-25T10:00:00.000Z' }],
    });

    const { result: res, logs } = await captureLogs(() => rotate(rotateRequest('main')));
    const key = fake.staged() as string;

    expect(res.statusCode).toBe(200);
    expect(key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(key).not.toBe(OLD_KEY);
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: SECRET_ARN,
      ClientRequestToken: TOKEN,
      SecretString: key,
      VersionStages: ['AWSPENDING'],
    });
    expect(ml).toHaveReceivedCommandTimes(UpdateInputCommand, 1);
    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
      InputId: '7654321',
      Destinations: [{ StreamName: `main/${key}` }, { StreamName: `main/${key}` }],
      InputSecurityGroups: ['5551212'],
    });
    expect(sm).toHaveReceivedNthSpecificCommandWith(1, UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'v-old',
    });
    expect(sm).toHaveReceivedNthSpecificCommandWith(2, UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: TOKEN,
    });
    // Order: secret staged → input updated → AWSCURRENT moved.
    const put = sm.commandCalls(PutSecretValueCommand)[0];
    const update = ml.commandCalls(UpdateInputCommand)[0];
    const promote = sm.commandCalls(UpdateSecretVersionStageCommand)[0];
    expect(put && update && put.calledBefore(update)).toBe(true);
    expect(update && promote && update.calledBefore(promote)).toBe(true);
    // one StreamKeyRotations count for the channel, as an embedded-metric-format record
    const emf = logs
      .split('\n')
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toEqual([expect.objectContaining({ ChannelId: 'main', StreamKeyRotations: 1 })]);

    expect(JSON.parse(res.body as string)).toEqual({
      channelId: 'main',
      protocol: 'RTMP_PUSH',
      state: 'IDLE',
      rotationPending: false,
      inconsistent: false,
      endpoints: [
        { server: 'rtmp://198.51.100.10:1935/main', streamKey: key },
        { server: 'rtmp://198.51.100.20:1935/main', streamKey: key },
      ],
    });
    // The request recorded earlier (tag unchanged during the rotation) is satisfied.
    expect(sm).toHaveReceivedCommandWith(UntagResourceCommand, {
      SecretId: SECRET_ARN,
      TagKeys: [PENDING_ROTATION_TAG],
    });
    expect(logs).toContain('stream key rotated');
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(OLD_KEY);
    // the audit log names the signed caller, not the API owner's account
    expect(logEntry(logs, 'stream-key rotation requested')).toMatchObject({
      channelId: 'main',
      caller: { userArn: OPERATOR.userArn, accountId: OPERATOR.accountId, userId: OPERATOR.userId },
    });
  });

  test('finishes a staged AWSPENDING version (an unfinished rotation) instead of generating another key', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    secretsWithCurrent();
    sm.on(ListSecretVersionIdsCommand).resolves({
      Versions: [
        { VersionId: 'v-old', VersionStages: ['AWSCURRENT'] },
        { VersionId: 'v-staged', VersionStages: ['AWSPENDING'] },
      ],
    });
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionId: 'v-staged' }).resolves({
      SecretString: 'StagedKeyStagedKeyStagedKey12345',
    });

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(200);
    expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
      InputId: '7654321',
      Destinations: [
        { StreamName: 'main/StagedKeyStagedKeyStagedKey12345' },
        { StreamName: 'main/StagedKeyStagedKeyStagedKey12345' },
      ],
    });
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'v-staged',
      RemoveFromVersionId: 'v-old',
    });
  });

  test('a staged AWSPENDING without a value (Secrets Manager created it) is replaced by a new key', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    const fake = secretsWithCurrent();
    sm.on(ListSecretVersionIdsCommand).resolves({
      Versions: [
        { VersionId: 'v-old', VersionStages: ['AWSCURRENT'] },
        { VersionId: 'v-empty', VersionStages: ['AWSPENDING'] },
      ],
    });
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionId: 'v-empty' }).rejects(
      awsError('ResourceNotFoundException'),
    );

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(200);
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, { ClientRequestToken: TOKEN });
    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
      Destinations: [{ StreamName: `main/${fake.staged()}` }, { StreamName: `main/${fake.staged()}` }],
    });
  });

  test('a racing rotation from the same version staged first: its key is adopted, not overwritten', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    secretsWithCurrent();
    sm.on(PutSecretValueCommand).rejects(awsError('ResourceExistsException'));
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionId: TOKEN }).resolves({
      SecretString: 'RacerKeyRacerKeyRacerKeyRacer123',
    });

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(200);
    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
      Destinations: [
        { StreamName: 'main/RacerKeyRacerKeyRacerKeyRacer123' },
        { StreamName: 'main/RacerKeyRacerKeyRacerKeyRacer123' },
      ],
    });
    // The racer's version (same derived token) is the one promoted.
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'v-old',
    });
    expect(JSON.parse(res.body as string).endpoints[0].streamKey).toBe('RacerKeyRacerKeyRacerKeyRacer123');
  });

  test('a concurrent promotion of the same version counts as success', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    secretsWithCurrent();
    sm.on(UpdateSecretVersionStageCommand, { VersionStage: 'AWSCURRENT' }).rejects(
      awsError('InvalidParameterException'),
    );
    sm.on(ListSecretVersionIdsCommand)
      .resolvesOnce({ Versions: [{ VersionId: 'v-old', VersionStages: ['AWSCURRENT'] }] })
      .resolves({ Versions: [{ VersionId: TOKEN, VersionStages: ['AWSCURRENT'] }] });

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(200);
    expect(ml).toHaveReceivedCommandTimes(UpdateInputCommand, 1);
  });
});

describe('failure matrix', () => {
  beforeEach(() => ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE }));

  test('UpdateInput fails (input unchanged) → AWSCURRENT is not moved, AWSPENDING removed (503 + Retry-After)', async () => {
    secretsWithCurrent();
    ml.on(UpdateInputCommand).rejects(awsError('InternalServerErrorException', 500, 'server'));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(sm).not.toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, { VersionStage: 'AWSCURRENT' });
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: TOKEN,
    });
    expect(sm).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(sm).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('UpdateInput throttled → 503, AWSCURRENT unchanged', async () => {
    secretsWithCurrent();
    ml.on(UpdateInputCommand).rejects(awsError('TooManyRequestsException', 429));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(503);
    expect(sm).not.toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, { VersionStage: 'AWSCURRENT' });
  });

  test('UpdateInput conflicts because the channel started → 409 pending through the HTTP API, tag written', async () => {
    ml.on(DescribeChannelCommand)
      .resolvesOnce({ State: ChannelState.IDLE })
      .resolves({ State: ChannelState.STARTING });
    secretsWithCurrent();
    ml.on(UpdateInputCommand).rejects(awsError('ConflictException', 409));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body as string)).toMatchObject({
      pending: true,
      state: 'STARTING',
      channelId: 'main',
    });
    expect(ml).toHaveReceivedCommandTimes(UpdateInputCommand, 3);
    expect(sm).toHaveReceivedCommandWith(TagResourceCommand, {
      SecretId: SECRET_ARN,
      Tags: [{ Key: PENDING_ROTATION_TAG, Value: expect.stringMatching(/^\d{4}-/) }],
    });
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: TOKEN,
    });
  });

  test('UpdateInput conflicts on a channel still IDLE → 409 with Retry-After, not pending, no tag', async () => {
    secretsWithCurrent();
    ml.on(UpdateInputCommand).rejects(awsError('ConflictException', 409));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(409);
    expect(res.headers?.['retry-after']).toBe('10');
    expect(JSON.parse(res.body as string)).toEqual({
      error: 'Conflict',
      message: 'the input of channel "main" is being changed; nothing was rotated, retry shortly',
      channelId: 'main',
      state: 'IDLE',
    });
    expect(sm).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('PutSecretValue fails → the input is never touched (503)', async () => {
    secretsWithCurrent();
    sm.on(PutSecretValueCommand).rejects(awsError('InternalServiceError', 500, 'server'));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(503);
    expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
    expect(sm).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
  });

  test('promotion keeps failing → no restore: one UpdateInput, recorded as pending, 503 + Retry-After', async () => {
    const fake = secretsWithCurrent();
    sm.on(UpdateSecretVersionStageCommand).rejects(awsError('InternalServiceError', 500, 'server'));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('10');
    expect(ml).toHaveReceivedCommandTimes(UpdateInputCommand, 1);
    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
      Destinations: [{ StreamName: `main/${fake.staged()}` }, { StreamName: `main/${fake.staged()}` }],
    });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand).length).toBeGreaterThan(1);
    expect(sm).toHaveReceivedCommandWith(TagResourceCommand, {
      SecretId: SECRET_ARN,
      Tags: [{ Key: PENDING_ROTATION_TAG, Value: expect.stringMatching(/^\d{4}-/) }],
    });
  });

  test('DescribeChannel throttled → 503 with Retry-After, nothing changed', async () => {
    ml.on(DescribeChannelCommand).rejects(awsError('TooManyRequestsException', 429));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(sm).not.toHaveReceivedAnyCommand();
    expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
  });

  test('Secrets Manager secret missing → 500 without internals', async () => {
    sm.on(DescribeSecretCommand).resolves({ Tags: [] });
    sm.on(ListSecretVersionIdsCommand).rejects(awsError('ResourceNotFoundException'));

    const request = rotateRequest('main');
    const { result: res, logs } = await captureLogs(() => rotate(request));

    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body as string)).toEqual({
      error: 'InternalError',
      message: 'internal error',
      requestId: request.requestContext.requestId,
    });
    expect(logs).toContain('ResourceNotFoundException');
    expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
  });
});

describe('a channel that is not IDLE', () => {
  const notIdle = Object.values(ChannelState).filter((s) => s !== ChannelState.IDLE);

  test.each(notIdle)(
    '%s → 409 { pending: true, state }, rotation recorded, no UpdateInput',
    async (state) => {
      ml.on(DescribeChannelCommand).resolves({ State: state });
      sm.on(TagResourceCommand).resolves({});

      const res = await rotate(rotateRequest('main'));

      expect(res.statusCode).toBe(409);
      expect(JSON.parse(res.body as string)).toMatchObject({ pending: true, state, channelId: 'main' });
      expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
      expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
      expect(sm).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
      // Checked again after the tag is written (the channel may have reached IDLE meanwhile).
      expect(ml).toHaveReceivedCommandTimes(DescribeChannelCommand, 2);
      expect(sm).toHaveReceivedCommandWith(TagResourceCommand, {
        SecretId: SECRET_ARN,
        Tags: [{ Key: PENDING_ROTATION_TAG, Value: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }],
      });
    },
  );
});

describe('requests', () => {
  test('unknown channel → 404', async () => {
    const res = await rotate(rotateRequest('nope'));
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body as string)).toMatchObject({ error: 'NotFound', channelId: 'nope' });
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('malformed channel id → 400', async () => {
    const res = await rotate(rotateRequest('Main!'));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string).message).toContain('invalid path: id: expected a channel id');
  });

  test('unknown body field → 400', async () => {
    const res = await rotate(rotateRequest('main', '{"key":"mine"}'));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string).message).toContain('invalid request body');
  });

  test('body that is not JSON → 400', async () => {
    const res = await rotate(rotateRequest('main', '{'));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string).message).toBe('request body is not valid JSON');
  });
});
