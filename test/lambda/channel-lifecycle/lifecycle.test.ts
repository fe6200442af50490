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

  test('a permission error fails the delete loudly', async () => {
    ml.on(DescribeChannelCommand).rejects(awsError('ForbiddenException', 403));
    await expect(
      handleLifecycle(client, event('Delete', LifecycleKind.SAFE_DELETE), quietLogger),
    ).rejects.toThrow('ForbiddenException');
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

  test.each(['Update', 'Delete'] as const)(
    '%s never touches the channel (start on create only)',
    async (type) => {
      const r = await handleLifecycle(client, event(type, LifecycleKind.AUTO_START), quietLogger);
      expect(r.IsComplete).toBe(true);
      expect(ml).not.toHaveReceivedAnyCommand();
    },
  );
});
