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
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../../../../lambda/shared/contract';
import { stateChange } from '../../../../lambda/stream-keys';
import { awsError, lambdaContext } from '../../fixtures';
import { stateChangeFromExample } from '../../medialive-events';
import { CHANNEL_ARN, SECRET_ARN } from '../fixtures';
import { useStreamKeyAws } from '../setup';

const { ml, sm } = useStreamKeyAws();

/** A state-change event built from the MediaLive User Guide's example (test/lambda/medialive-events.ts). */
function stateChangeOf(state: string, arn = CHANNEL_ARN, pipelinesRunning = 0): unknown {
  return stateChangeFromExample({ channelArn: arn, state, pipelinesRunning });
}

function pendingTag(tagged: boolean): void {
  sm.on(DescribeSecretCommand).resolves({
    Tags: tagged ? [{ Key: PENDING_ROTATION_TAG, Value: '2026-11-25T10:00:00.000Z' }] : [],
  });
}

beforeEach(() => {
  sm.on(ListSecretVersionIdsCommand).resolves({
    Versions: [{ VersionId: 'v-old', VersionStages: ['AWSCURRENT'] }],
  });
  sm.on(PutSecretValueCommand).resolves({});
  sm.on(UpdateSecretVersionStageCommand).resolves({});
  sm.on(UntagResourceCommand).resolves({});
  sm.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
  ml.on(UpdateInputCommand).resolves({});
  ml.on(DescribeInputCommand).resolves({ Destinations: [] });
});

test('a pending rotation is applied when the channel stops and DescribeChannel says IDLE', async () => {
  pendingTag(true);
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });

  const out = await stateChange(stateChangeOf('STOPPED'));

  expect(out).toEqual({ channelId: 'main', result: 'rotated' });
  expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '1234567' });
  const put = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
  expect(put?.VersionStages).toEqual(['AWSPENDING']);
  expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
    InputId: '7654321',
    Destinations: [{ StreamName: `main/${put?.SecretString}` }, { StreamName: `main/${put?.SecretString}` }],
  });
  expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
    VersionStage: 'AWSCURRENT',
    RemoveFromVersionId: 'v-old',
  });
  expect(sm).toHaveReceivedCommandWith(UntagResourceCommand, {
    SecretId: SECRET_ARN,
    TagKeys: [PENDING_ROTATION_TAG],
  });
});

test('a scheduled rotation refused while live (staged AWSPENDING) is finished at IDLE', async () => {
  pendingTag(false);
  sm.on(ListSecretVersionIdsCommand).resolves({
    Versions: [
      { VersionId: 'v-old', VersionStages: ['AWSCURRENT'] },
      { VersionId: 'v-sched', VersionStages: ['AWSPENDING'] },
    ],
  });
  sm.on(GetSecretValueCommand, { VersionId: 'v-sched' }).resolves({
    SecretString: 'ScheduledKeyScheduledKey12345678',
  });
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });

  const out = await stateChange(stateChangeOf('STOPPED'));

  expect(out.result).toBe('rotated');
  expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
  expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
    Destinations: [
      { StreamName: 'main/ScheduledKeyScheduledKey12345678' },
      { StreamName: 'main/ScheduledKeyScheduledKey12345678' },
    ],
  });
  expect(sm).not.toHaveReceivedCommand(UntagResourceCommand);
});

test('nothing pending → no MediaLive call at all', async () => {
  pendingTag(false);
  const out = await stateChange(stateChangeOf('STOPPED'));
  expect(out.result).toBe('nothing-pending');
  expect(ml).not.toHaveReceivedAnyCommand();
});

test.each([ChannelState.STARTING, ChannelState.RUNNING, ChannelState.STOPPING])(
  'pending but the channel is %s → waits, no UpdateInput',
  async (state) => {
    pendingTag(true);
    ml.on(DescribeChannelCommand).resolves({ State: state });
    const out = await stateChange(stateChangeOf('RUNNING'));
    expect(out.result).toBe('not-idle');
    expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
    expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
  },
);

test('a channel outside this deployment is ignored', async () => {
  const out = await stateChange(
    stateChangeOf('STOPPED', 'arn:aws:medialive:eu-west-1:111122223333:channel:999'),
  );
  expect(out.result).toBe('unknown-channel');
  expect(sm).not.toHaveReceivedAnyCommand();
});

test('an event of another shape is ignored', async () => {
  const out = await stateChange({
    'detail-type': 'MediaLive Channel Alert',
    source: 'aws.medialive',
    detail: {},
  });
  expect(out.result).toBe('ignored');
  expect(sm).not.toHaveReceivedAnyCommand();
});

test('AWS failures propagate so Lambda retries the event; the tag stays, AWSCURRENT unmoved', async () => {
  pendingTag(true);
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
  ml.on(UpdateInputCommand).rejects(awsError('InternalServerErrorException', 500, 'server'));

  await expect(stateChange(stateChangeOf('STOPPED'))).rejects.toThrow('MediaLive did not update the input');
  expect(sm).not.toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, { VersionStage: 'AWSCURRENT' });
  expect(sm).not.toHaveReceivedCommand(UntagResourceCommand);
});

test('a STOPPED event while DescribeChannel still says STOPPING throws so the event is retried', async () => {
  pendingTag(true);
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.STOPPING });

  await expect(stateChange(stateChangeOf('STOPPED'))).rejects.toThrow(
    'channel "main" reported a stop but is STOPPING; retrying the pending rotation later',
  );
  expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
  expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
});

test('a pipeline STOPPED while the other still runs waits for the last stop instead of retrying', async () => {
  // A STANDARD channel: the first pipeline's stop event still counts one pipeline running.
  pendingTag(true);
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.STOPPING });

  await expect(stateChange(stateChangeOf('STOPPED', CHANNEL_ARN, 1))).resolves.toMatchObject({
    result: 'not-idle',
  });
  expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
});

test('the documented example event (DELETED) of a channel with a pending rotation changes nothing', async () => {
  pendingTag(true);
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.DELETED });
  await expect(stateChange(stateChangeOf('DELETED'))).resolves.toMatchObject({ result: 'not-idle' });
  expect(ml).not.toHaveReceivedCommand(UpdateInputCommand);
});

test('the Lambda context bounds the rotation (remaining time is read)', async () => {
  pendingTag(true);
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.IDLE });
  const getRemainingTimeInMillis = jest.fn(() => 50_000);

  await expect(
    stateChange(stateChangeOf('STOPPED'), lambdaContext({ getRemainingTimeInMillis })),
  ).resolves.toMatchObject({
    result: 'rotated',
  });
  expect(getRemainingTimeInMillis).toHaveBeenCalled();
});
