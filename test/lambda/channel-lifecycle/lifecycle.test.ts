import {
  DescribeChannelCommand,
  MediaLiveClient,
  StartChannelCommand,
  StopChannelCommand,
} from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import {
  channelOfPhysicalId,
  handleLifecycle,
  type LifecycleEvent,
  LifecycleKind,
  parseLifecycleEvent,
} from '../../../lambda/channel-lifecycle/lifecycle';
import { awsError, quietLogger } from '../fixtures';

const ml = mockClient(MediaLiveClient);
const client = new MediaLiveClient({});

function event(
  RequestType: LifecycleEvent['RequestType'],
  Kind: LifecycleKind,
  ChannelId = '1234567',
): LifecycleEvent {
  return {
    RequestType,
    PhysicalResourceId: RequestType === 'Create' ? undefined : `${Kind}:${ChannelId}`,
    ResourceProperties: { Kind, ChannelId },
  };
}

beforeEach(() => ml.reset());

describe('safe delete', () => {
  test.each(['Create', 'Update'] as const)('%s never touches the channel', async (type) => {
    const r = await handleLifecycle(client, event(type, LifecycleKind.SAFE_DELETE), quietLogger);
    expect(r).toEqual({ PhysicalResourceId: 'SafeDelete:1234567', IsComplete: true });
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('Delete stops the channel named by the physical id, not the one in the properties', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(StopChannelCommand).resolves({ State: 'STOPPING' });
    const r = await handleLifecycle(
      client,
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'SafeDelete:1111111',
        ResourceProperties: { Kind: LifecycleKind.SAFE_DELETE, ChannelId: '2222222' },
      },
      quietLogger,
    );
    expect(r).toEqual({ PhysicalResourceId: 'SafeDelete:1111111', IsComplete: false });
    expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '1111111' });
    expect(ml).toHaveReceivedCommandWith(StopChannelCommand, { ChannelId: '1111111' });
    expect(ml).not.toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '2222222' });
  });

  test.each([
    ['SafeDelete:1234567', '1234567'],
    ['AutoStart:1234567', '1234567'],
    ['some-other-physical-id', undefined],
    [undefined, undefined],
  ])('channel of physical id %s: %s', (physical, channel) => {
    expect(channelOfPhysicalId(physical)).toBe(channel);
  });

  test('Delete with a physical id of another shape falls back to the properties', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    const r = await handleLifecycle(
      client,
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'legacy-id',
        ResourceProperties: { Kind: LifecycleKind.SAFE_DELETE, ChannelId: '2222222' },
      },
      quietLogger,
    );
    expect(r).toEqual({ PhysicalResourceId: 'legacy-id', IsComplete: true });
    expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '2222222' });
  });

  // onEvent and every isComplete poll run the same idempotent step.
  test.each<[string, boolean, boolean]>([
    ['RUNNING', true, false],
    ['RECOVERING', true, false],
    ['STARTING', false, false],
    ['STOPPING', false, false],
    ['CREATING', false, false],
    ['UPDATING', false, false],
    ['IDLE', false, true],
    ['DELETING', false, true],
    ['DELETED', false, true],
    ['CREATE_FAILED', false, true],
    ['UPDATE_FAILED', false, true],
  ])('Delete with the channel %s: stop=%s, complete=%s', async (state, stops, complete) => {
    ml.on(DescribeChannelCommand).resolves({ State: state as 'IDLE' });
    ml.on(StopChannelCommand).resolves({ State: 'STOPPING' });
    const r = await handleLifecycle(client, event('Delete', LifecycleKind.SAFE_DELETE), quietLogger);
    expect(r).toEqual({ PhysicalResourceId: 'SafeDelete:1234567', IsComplete: complete });
    expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '1234567' });
    if (stops) expect(ml).toHaveReceivedCommandWith(StopChannelCommand, { ChannelId: '1234567' });
    else expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test('a channel MediaLive no longer knows is complete', async () => {
    ml.on(DescribeChannelCommand).rejects(awsError('NotFoundException', 404));
    const r = await handleLifecycle(client, event('Delete', LifecycleKind.SAFE_DELETE), quietLogger);
    expect(r.IsComplete).toBe(true);
  });

  test.each([
    ['TooManyRequestsException', 429, 'client'],
    ['InternalServerErrorException', 500, 'server'],
    ['ConflictException', 409, 'client'],
  ] as const)('%s is retried at the next poll instead of failing the delete', async (name, status, fault) => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(StopChannelCommand).rejects(awsError(name, status, fault));
    const r = await handleLifecycle(client, event('Delete', LifecycleKind.SAFE_DELETE), quietLogger);
    expect(r).toEqual({ PhysicalResourceId: 'SafeDelete:1234567', IsComplete: false });
  });

  // Never a silent success: the channel may be running, and CloudFormation would then delete
  // nothing (MediaLive refuses to delete a running channel) while the stack reports success.
  test.each([
    ['DescribeChannel', 'ForbiddenException'],
    ['DescribeChannel', 'AccessDeniedException'],
    ['StopChannel', 'ForbiddenException'],
  ])('access denied on %s (%s) fails the delete with what to do', async (action, name) => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    if (action === 'DescribeChannel') ml.on(DescribeChannelCommand).rejects(awsError(name, 403));
    else ml.on(StopChannelCommand).rejects(awsError(name, 403));
    const err = await handleLifecycle(client, event('Delete', LifecycleKind.SAFE_DELETE), quietLogger).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain(`MediaLive refused medialive:${action} on channel 1234567 (access denied)`);
    expect(message).toContain('may act only on channels tagged onair:deployment');
    expect(message).toContain('may still be running and billing');
    expect(message).toContain('aws medialive stop-channel --channel-id 1234567');
  });

  test('an error that is neither transient nor a refusal fails the delete as it is', async () => {
    ml.on(DescribeChannelCommand).rejects(awsError('BadRequestException', 400));
    await expect(
      handleLifecycle(client, event('Delete', LifecycleKind.SAFE_DELETE), quietLogger),
    ).rejects.toThrow('BadRequestException');
  });

  test('a replaced channel gets a new physical id (so CloudFormation deletes, and stops, the old one)', async () => {
    const r = await handleLifecycle(
      client,
      { ...event('Update', LifecycleKind.SAFE_DELETE, '999'), PhysicalResourceId: 'SafeDelete:1234567' },
      quietLogger,
    );
    expect(r.PhysicalResourceId).toBe('SafeDelete:999');
    expect(ml).not.toHaveReceivedAnyCommand();
  });
});

describe('auto-start', () => {
  test('Create starts an IDLE channel', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    ml.on(StartChannelCommand).resolves({ State: 'STARTING' });
    const r = await handleLifecycle(client, event('Create', LifecycleKind.AUTO_START), quietLogger);
    expect(r).toEqual({ PhysicalResourceId: 'AutoStart:1234567', IsComplete: true });
    expect(ml).toHaveReceivedCommandWith(StartChannelCommand, { ChannelId: '1234567' });
  });

  test.each(['RUNNING', 'STARTING', 'CREATING'])('Create leaves a %s channel alone', async (state) => {
    ml.on(DescribeChannelCommand).resolves({ State: state as 'IDLE' });
    await handleLifecycle(client, event('Create', LifecycleKind.AUTO_START), quietLogger);
    expect(ml).not.toHaveReceivedCommand(StartChannelCommand);
  });

  test('a ConflictException on start does not fail the deployment', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    ml.on(StartChannelCommand).rejects(awsError('ConflictException', 409));
    await expect(
      handleLifecycle(client, event('Create', LifecycleKind.AUTO_START), quietLogger),
    ).resolves.toEqual({
      PhysicalResourceId: 'AutoStart:1234567',
      IsComplete: true,
    });
  });

  test('access denied on create fails the deployment with the refused call', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    ml.on(StartChannelCommand).rejects(awsError('ForbiddenException', 403));
    await expect(
      handleLifecycle(client, event('Create', LifecycleKind.AUTO_START), quietLogger),
    ).rejects.toThrow('MediaLive refused medialive:StartChannel on channel 1234567 (access denied)');
  });

  test.each(['Update', 'Delete'] as const)(
    '%s never touches the channel (start on create only)',
    async (type) => {
      const r = await handleLifecycle(client, event(type, LifecycleKind.AUTO_START), quietLogger);
      expect(r.IsComplete).toBe(true);
      expect(ml).not.toHaveReceivedAnyCommand();
    },
  );
});

describe('parseLifecycleEvent', () => {
  const ok = {
    RequestType: 'Delete',
    PhysicalResourceId: 'SafeDelete:1',
    ResourceProperties: { Kind: 'SafeDelete', ChannelId: '1', ServiceToken: 'arn' },
  };
  test('accepts what the Provider framework sends, extra properties included', () => {
    expect(parseLifecycleEvent(ok)).toBe(ok);
  });
  test.each([
    [{ ...ok, RequestType: 'Nope' }, 'RequestType must be one of Create, Update, Delete, got "Nope"'],
    [
      { ...ok, ResourceProperties: { ...ok.ResourceProperties, Kind: 'X' } },
      'ResourceProperties.Kind must be one of SafeDelete, AutoStart, got "X"',
    ],
    [
      { ...ok, ResourceProperties: { Kind: 'SafeDelete', ChannelId: '' } },
      'ResourceProperties.ChannelId must be a non-empty string',
    ],
    [{ ...ok, PhysicalResourceId: 3 }, 'PhysicalResourceId must be a string'],
    [null, 'expected an object'],
  ])('fails naming the field: %j', (event, message) => {
    expect(() => parseLifecycleEvent(event)).toThrow(`invalid lifecycle event: ${message}`);
  });
});
