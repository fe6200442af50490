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
  PutSecretValueCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../../../../lambda/shared/contract';
import { rotation } from '../../../../lambda/stream-keys';
import { awsError, captureLogs } from '../../fixtures';
import { SECRET_ARN } from '../fixtures';
import { useStreamKeyAws } from '../setup';

const { ml, sm } = useStreamKeyAws();
const TOKEN = '3f1c2b9a-0d4e-4c4f-9a51-6c2d8e7f1a20';
const PENDING_KEY = 'PendingKeyPendingKeyPendingKey12';

function rotationEvent(Step: string, SecretId = SECRET_ARN): unknown {
  return { Step, SecretId, ClientRequestToken: TOKEN };
}

function describe_(stagesOfToken: string[] | undefined, tags: { Key: string; Value: string }[] = []): void {
  sm.on(DescribeSecretCommand).resolves({
    RotationEnabled: true,
    VersionIdsToStages: { 'v-old': ['AWSCURRENT'], ...(stagesOfToken ? { [TOKEN]: stagesOfToken } : {}) },
    Tags: tags,
  });
}

beforeEach(() => {
  describe_(['AWSPENDING']);
  sm.on(GetSecretValueCommand, {
    SecretId: SECRET_ARN,
    VersionId: TOKEN,
    VersionStage: 'AWSPENDING',
  }).resolves({
    SecretString: PENDING_KEY,
  });
});

describe('createSecret', () => {
  test("stages a new key under Secrets Manager's token as AWSPENDING", async () => {
    sm.on(GetSecretValueCommand, { VersionId: TOKEN }).rejects(awsError('ResourceNotFoundException'));
    sm.on(PutSecretValueCommand).resolves({});

    const { logs } = await captureLogs(() => rotation(rotationEvent('createSecret')));

    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: SECRET_ARN,
      ClientRequestToken: TOKEN,
      VersionStages: ['AWSPENDING'],
      SecretString: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
    });
    const key = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString as string;
    expect(logs).not.toContain(key);
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('is idempotent: a key already staged is kept', async () => {
    await rotation(rotationEvent('createSecret'));
    expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
  });
});

describe('setSecret', () => {
  test('IDLE → the input gets the staged key on every pipeline', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    ml.on(DescribeInputCommand).resolves({ SecurityGroups: ['5551212'], Destinations: [] });
    ml.on(UpdateInputCommand).resolves({});

    await rotation(rotationEvent('setSecret'));

    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
      InputId: '7654321',
      Destinations: [{ StreamName: `main/${PENDING_KEY}` }, { StreamName: `main/${PENDING_KEY}` }],
      InputSecurityGroups: ['5551212'],
    });
    expect(sm).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
  });

  test.each(Object.values(ChannelState).filter((s) => s !== ChannelState.IDLE))(
    '%s → refused with a clear log line, input unchanged',
    async (state) => {
      ml.on(DescribeChannelCommand).resolves({ State: state });

      const { result, logs } = await captureLogs(() =>
        rotation(rotationEvent('setSecret')).then(
          () => 'resolved',
          (e: Error) => e.message,
        ),
      );

      expect(result).toContain(`channel "main" is ${state}`);
      expect(result).toContain('only while its channel is idle');
      expect(logs).toContain('setSecret refused: channel is not idle');
      expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
    },
  );
});

describe('setSecret racing an operator rotation', () => {
  const OPERATOR_KEY = 'OperatorKeyOperatorKeyOperator12';
  /** An IDLE channel whose secret shows our token AWSPENDING before our UpdateInput, `after` once it is sent. */
  function stagesAfterUpdate(after: Record<string, string[]>): void {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    ml.on(DescribeInputCommand).resolves({ SecurityGroups: ['5551212'], Destinations: [] });
    ml.on(UpdateInputCommand).resolves({});
    sm.on(DescribeSecretCommand)
      .resolvesOnce({
        RotationEnabled: true,
        VersionIdsToStages: { 'v-old': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
      })
      .resolves({ RotationEnabled: true, VersionIdsToStages: after });
  }
  test('superseded during the update → the input gets the key the operator staged, and the step is refused', async () => {
    stagesAfterUpdate({ 'v-old': ['AWSCURRENT'], [TOKEN]: [], 'v-operator': ['AWSPENDING'] });
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionId: 'v-operator' }).resolves({
      SecretString: OPERATOR_KEY,
    });

    const { result, logs } = await captureLogs(() =>
      rotation(rotationEvent('setSecret')).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    );

    expect(result).toBe(
      `version ${TOKEN} of the stream key secret of "main" was superseded by another rotation`,
    );
    const updates = ml.commandCalls(UpdateInputCommand).map((c) => c.args[0].input.Destinations);
    expect(updates).toEqual([
      [{ StreamName: `main/${PENDING_KEY}` }, { StreamName: `main/${PENDING_KEY}` }],
      [{ StreamName: `main/${OPERATOR_KEY}` }, { StreamName: `main/${OPERATOR_KEY}` }],
    ]);
    expect(logs).toContain('superseded by another rotation during the update');
    expect(logs).not.toContain(OPERATOR_KEY);
    expect(logs).not.toContain(PENDING_KEY);
  });

  test('an operator rotation that finished our own staged key meanwhile → done, no repair', async () => {
    stagesAfterUpdate({ 'v-old': ['AWSPREVIOUS'], [TOKEN]: ['AWSCURRENT'] });
    await expect(rotation(rotationEvent('setSecret'))).resolves.toBeUndefined();
    expect(ml).toHaveReceivedCommandTimes(UpdateInputCommand, 1);
  });

  test('superseded by an empty AWSPENDING (Secrets Manager placeholder) → the input gets AWSCURRENT back', async () => {
    const CURRENT = 'CurrentKeyCurrentKeyCurrentKey12';
    stagesAfterUpdate({ 'v-old': ['AWSCURRENT'], [TOKEN]: [], 'v-empty': ['AWSPENDING'] });
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionId: 'v-empty' }).rejects(
      awsError('ResourceNotFoundException'),
    );
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionId: 'v-old' }).resolves({
      SecretString: CURRENT,
    });
    await expect(rotation(rotationEvent('setSecret'))).rejects.toThrow('was superseded by another rotation');
    const updates = ml.commandCalls(UpdateInputCommand).map((c) => c.args[0].input.Destinations);
    expect(updates[1]).toEqual([{ StreamName: `main/${CURRENT}` }, { StreamName: `main/${CURRENT}` }]);
  });

  test('still AWSPENDING after the update → one UpdateInput, no repair', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    ml.on(DescribeInputCommand).resolves({ Destinations: [] });
    ml.on(UpdateInputCommand).resolves({});
    await rotation(rotationEvent('setSecret'));
    expect(ml).toHaveReceivedCommandTimes(UpdateInputCommand, 1);
  });
});

describe('testSecret', () => {
  test("Secrets Manager's configuration test (a version without a key) passes when the input serves the current key", async () => {
    const CURRENT = 'CurrentKeyCurrentKeyCurrentKey12';
    sm.on(GetSecretValueCommand, {
      SecretId: SECRET_ARN,
      VersionId: TOKEN,
      VersionStage: 'AWSPENDING',
    }).rejects(awsError('ResourceNotFoundException'));
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionId: 'v-old' }).resolves({
      SecretString: CURRENT,
    });
    ml.on(DescribeInputCommand).resolves({
      Destinations: [
        { Url: `rtmp://198.51.100.10:1935/main/${CURRENT}` },
        { Url: `rtmp://198.51.100.20:1935/main/${CURRENT}` },
      ],
    });
    await expect(rotation(rotationEvent('testSecret'))).resolves.toBeUndefined();
    expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
    expect(sm).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
  });

  test('a destination URL that is present but foreign or unparseable is a mismatch, not "no URL"', async () => {
    ml.on(DescribeInputCommand).resolves({
      Destinations: [{ Url: `rtmp://198.51.100.10:1935/other/${PENDING_KEY}` }, { Url: 'not a url' }],
    });
    await expect(rotation(rotationEvent('testSecret'))).rejects.toThrow(
      'does not serve the staged stream key',
    );
  });

  test('an input that reports no destination URLs cannot show a mismatch: passes with a warning', async () => {
    ml.on(DescribeInputCommand).resolves({ Destinations: [{}, {}] });
    const { logs } = await captureLogs(() => rotation(rotationEvent('testSecret')));
    expect(logs).toContain('the input holds no value on its endpoints; nothing to compare');
  });

  test('passes when every endpoint serves <app>/<staged key>', async () => {
    ml.on(DescribeInputCommand).resolves({
      Destinations: [
        { Url: `rtmp://198.51.100.10:1935/main/${PENDING_KEY}` },
        { Url: `rtmp://198.51.100.20:1935/main/${PENDING_KEY}` },
      ],
    });
    await expect(rotation(rotationEvent('testSecret'))).resolves.toBeUndefined();
  });

  test('fails when an endpoint still serves another key (and logs no key)', async () => {
    ml.on(DescribeInputCommand).resolves({
      Destinations: [
        { Url: `rtmp://198.51.100.10:1935/main/${PENDING_KEY}` },
        { Url: 'rtmp://198.51.100.20:1935/main/OldKeyOldKeyOldKeyOldKeyOldKey12' },
      ],
    });
    const { result, logs } = await captureLogs(() =>
      rotation(rotationEvent('testSecret')).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    );
    expect(result).toBe('the input of channel "main" does not serve the staged stream key');
    expect(logs).not.toContain(PENDING_KEY);
    expect(logs).not.toContain('OldKeyOldKey');
  });
});

describe('failures are logged and rethrown redacted', () => {
  test('an AWS message echoing a stream name loses the key in the thrown error and the log', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
    ml.on(DescribeInputCommand).resolves({ Destinations: [] });
    ml.on(UpdateInputCommand).rejects(
      Object.assign(awsError('BadRequestException'), { message: `invalid stream name main/${PENDING_KEY}` }),
    );

    const { result, logs } = await captureLogs(() =>
      rotation(rotationEvent('setSecret')).then(
        () => 'resolved',
        (e: Error) => `${e.name}: ${e.message}`,
      ),
    );

    expect(result).toBe('BadRequestException: invalid stream name main/<redacted>');
    expect(logs).toContain('invocation failed');
    expect(logs).not.toContain(PENDING_KEY);
  });
});

describe('finishSecret', () => {
  test('refuses to promote a version that holds no key', async () => {
    sm.on(GetSecretValueCommand, {
      SecretId: SECRET_ARN,
      VersionId: TOKEN,
      VersionStage: 'AWSPENDING',
    }).rejects(awsError('ResourceNotFoundException'));
    await expect(rotation(rotationEvent('finishSecret'))).rejects.toThrow(
      `no AWSPENDING value for version ${TOKEN}`,
    );
    expect(sm).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
  });

  test('moves AWSCURRENT from the current version (compare-and-swap) and clears a pending request', async () => {
    describe_(['AWSPENDING'], [{ Key: PENDING_ROTATION_TAG, Value: '2026-11-25T10:00:00.000Z' }]);
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    sm.on(UntagResourceCommand).resolves({});

    await rotation(rotationEvent('finishSecret'));

    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'v-old',
    });
    // then the finished version drops AWSPENDING (else the next RotateSecret sees one in progress)
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: TOKEN,
    });
    expect(sm).toHaveReceivedCommandWith(UntagResourceCommand, {
      SecretId: SECRET_ARN,
      TagKeys: [PENDING_ROTATION_TAG],
    });
  });

  test('a request recorded after the rotation started keeps its tag', async () => {
    sm.on(DescribeSecretCommand)
      .resolvesOnce({
        RotationEnabled: true,
        VersionIdsToStages: { 'v-old': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
        Tags: [{ Key: PENDING_ROTATION_TAG, Value: '2026-11-25T10:00:00.000Z' }],
      })
      .resolvesOnce({
        RotationEnabled: true,
        VersionIdsToStages: { 'v-old': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
        Tags: [{ Key: PENDING_ROTATION_TAG, Value: '2026-11-25T10:00:00.000Z' }],
      })
      .resolves({
        RotationEnabled: true,
        Tags: [{ Key: PENDING_ROTATION_TAG, Value: '2026-11-25T11:00:00.000Z' }],
      });
    sm.on(UpdateSecretVersionStageCommand).resolves({});

    await rotation(rotationEvent('finishSecret'));

    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, { MoveToVersionId: TOKEN });
    expect(sm).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('a version already AWSCURRENT needs nothing', async () => {
    describe_(['AWSCURRENT', 'AWSPENDING']);
    await rotation(rotationEvent('finishSecret'));
    expect(sm).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
  });
});

describe('preconditions', () => {
  test('a token that is no longer AWSPENDING (superseded by an operator rotation) is refused', async () => {
    describe_([]);
    await expect(rotation(rotationEvent('setSecret'))).rejects.toThrow('superseded by another rotation');
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test.each(['setSecret', 'testSecret', 'finishSecret'])(
    '%s with a token that is not a version of the secret is refused',
    async (step) => {
      describe_(undefined);
      await expect(rotation(rotationEvent(step))).rejects.toThrow('is not a version');
      expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
      expect(sm).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
    },
  );

  test('createSecret with a token that is not a version yet stages it as AWSPENDING (callers other than Secrets Manager)', async () => {
    describe_(undefined);
    sm.on(GetSecretValueCommand, { VersionId: TOKEN }).rejects(awsError('ResourceNotFoundException'));
    sm.on(PutSecretValueCommand).resolves({});
    await rotation(rotationEvent('createSecret'));
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: SECRET_ARN,
      ClientRequestToken: TOKEN,
      VersionStages: ['AWSPENDING'],
    });
  });

  test.each([false, undefined])(
    'rotation disabled on the secret (RotationEnabled %s) is refused',
    async (enabled) => {
      sm.on(DescribeSecretCommand).resolves({ RotationEnabled: enabled, VersionIdsToStages: {} });
      await expect(rotation(rotationEvent('createSecret'))).rejects.toThrow('not enabled for rotation');
    },
  );

  test('a secret that is not a stream key of this deployment is refused', async () => {
    await expect(
      rotation(
        rotationEvent('createSecret', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:Other-AbCdEf'),
      ),
    ).rejects.toThrow('not a stream key of this deployment');
    expect(sm).not.toHaveReceivedAnyCommand();
  });

  test('an unknown step is refused', async () => {
    await expect(rotation(rotationEvent('dropSecret'))).rejects.toThrow(
      'not a Secrets Manager rotation request',
    );
  });

  test('throttling surfaces as an error so Secrets Manager retries', async () => {
    sm.on(DescribeSecretCommand).rejects(awsError('ThrottlingException'));
    await expect(rotation(rotationEvent('finishSecret'))).rejects.toThrow('ThrottlingException');
  });
});
