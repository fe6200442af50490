import 'aws-sdk-client-mock-jest';
import {
  ChannelState,
  DescribeChannelCommand,
  DescribeInputCommand,
  UpdateInputCommand,
} from '@aws-sdk/client-medialive';
import {
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { STREAM_KEY_LENGTH } from '../../../lambda/shared/contract';
import { rotationToken } from '../../../lambda/stream-keys/credential';
import { requestRotation } from '../../../lambda/stream-keys/engine';
import { withConflictRetry } from '../../../lambda/stream-keys/input';
import {
  destinationsFor,
  generateStreamKey,
  STREAM_KEY,
  streamKeyOf,
} from '../../../lambda/stream-keys/stream-key';
import { awsError } from '../fixtures';
import { REGISTRY } from './fixtures';
import { useStreamKeyAws } from './setup';

const { ml, sm, clients, opts } = useStreamKeyAws();

test('keys are 32 URL-safe characters (≈190 bits) and differ every time', () => {
  const keys = new Set(Array.from({ length: 200 }, generateStreamKey));
  expect(keys.size).toBe(200);
  for (const k of keys) expect(k).toMatch(new RegExp(`^[A-Za-z0-9]{${STREAM_KEY_LENGTH}}$`));
  expect(STREAM_KEY_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(128);
});

test('the rotation token is a UUID derived from the current version (racers share it)', () => {
  expect(rotationToken(STREAM_KEY, 'v1')).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  expect(rotationToken(STREAM_KEY, 'v1')).toBe(rotationToken(STREAM_KEY, 'v1'));
  expect(rotationToken(STREAM_KEY, 'v1')).not.toBe(rotationToken(STREAM_KEY, 'v2'));
});

test('destinations: one <app>/<key> stream name per pipeline', () => {
  expect(destinationsFor(REGISTRY.side as never, 'K')).toEqual([{ StreamName: 'side/K' }]);
});

test('ConflictException is retried with backoff, then other errors are not', async () => {
  const sleeps: number[] = [];
  const fn = jest
    .fn()
    .mockRejectedValueOnce(awsError('ConflictException', 409))
    .mockRejectedValueOnce(awsError('ConflictException', 409))
    .mockResolvedValue('ok');
  await expect(withConflictRetry(fn, { sleep: async (ms) => void sleeps.push(ms) })).resolves.toBe('ok');
  expect(sleeps).toEqual([500, 1000]);

  const other = jest.fn().mockRejectedValue(awsError('BadRequestException'));
  await expect(withConflictRetry(other, opts)).rejects.toThrow('BadRequestException');
  expect(other).toHaveBeenCalledTimes(1);
});

test('UpdateInput keeps conflicting (channel left IDLE meanwhile) → pending, AWSCURRENT unchanged', async () => {
  ml.on(DescribeChannelCommand)
    .resolvesOnce({ State: ChannelState.IDLE })
    .resolves({ State: ChannelState.STARTING });
  ml.on(UpdateInputCommand).rejects(awsError('ConflictException', 409));
  ml.on(DescribeInputCommand).resolves({ Destinations: [] });
  sm.on(DescribeSecretCommand).resolves({ Tags: [] });
  sm.on(UpdateSecretVersionStageCommand).resolves({});
  sm.on(ListSecretVersionIdsCommand).resolves({
    Versions: [{ VersionId: 'v-old', VersionStages: ['AWSCURRENT'] }],
  });
  sm.on(PutSecretValueCommand).resolves({});
  sm.on(TagResourceCommand).resolves({});

  const out = await requestRotation(clients, streamKeyOf('main', REGISTRY.main as never), opts);

  expect(out).toEqual({ rotated: false, pending: true, state: 'STARTING' });
  expect(ml).toHaveReceivedCommandTimes(UpdateInputCommand, 3);
  expect(sm).not.toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, { VersionStage: 'AWSCURRENT' });
  expect(sm).toHaveReceivedCommand(TagResourceCommand);
});
