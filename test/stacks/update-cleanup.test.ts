import { Template } from 'aws-cdk-lib/assertions';
import { logger } from '../../lambda/shared/powertools';
import type { OnAirConfig } from '../../lib/config/schema';
import { type CfnTemplate, flattenNestedStacks, PhysicalIds, Resolver } from '../cfn-template';
import { type DeleteReplay, replayCleanup } from '../cleanup-replay';
import { synthOnAir, testConfig } from '../helpers';

/**
 * Replays the custom-resource Deletes CloudFormation runs after a config change (see
 * test/cleanup-replay.ts): every call a Delete makes must be allowed by the permissions its
 * handler has at that moment, which is after the update changed the policies.
 */

beforeAll(() => logger.setLogLevel('SILENT'));

const channel = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] },
  ...extra,
});

/** The platform stack with its channels' nested stacks flattened in (test/cfn-template.ts). */
function templateOf(config: OnAirConfig, physical: PhysicalIds): Resolver {
  const { template, platform } = synthOnAir(config);
  const nested = Object.fromEntries(
    platform.channelStacks.map((s) => [
      platform.getLogicalId(s.nestedStackResource as never),
      Template.fromStack(s).toJSON() as CfnTemplate,
    ]),
  );
  return new Resolver(
    flattenNestedStacks(template.toJSON() as CfnTemplate, nested),
    platform.stackName,
    physical,
  );
}

/** The flattened logical id of a channel's resource (its nested stack's id, then its own). */
function channelResource(r: Resolver, channelId: string, type: string, own: RegExp): string {
  const id = Object.keys(r.template.Resources).find(
    (k) =>
      r.template.Resources[k]?.Type === type &&
      k.startsWith(`Channel${channelId}NestedStack`) &&
      own.test(k.replace(/^Channel[a-z0-9]+NestedStackChannel[a-z0-9]+NestedStackResource[0-9A-F]{8}/, '')),
  );
  if (id === undefined) throw new Error(`no ${type} ${own} for ${channelId}`);
  return id;
}

/** Logical id of a channel's MediaLive channel resource in a template. */
function channelLogicalId(r: Resolver, channelId: string): string {
  return channelResource(r, channelId, 'AWS::MediaLive::Channel', /^ChannelTranscode/);
}

/** Prefix of a channel's resources in the flattened template. */
const inChannel = (channelId: string, own: string) =>
  new RegExp(`^Channel${channelId}NestedStackChannel${channelId}NestedStackResource[0-9A-F]{8}${own}`);

function byResource(replays: DeleteReplay[], prefix: string | RegExp): DeleteReplay {
  const hit = replays.find((r) =>
    typeof prefix === 'string' ? r.customResource.startsWith(prefix) : prefix.test(r.customResource),
  );
  if (hit === undefined)
    throw new Error(`no Delete replayed for ${prefix}: ${replays.map((r) => r.customResource)}`);
  return hit;
}

/** The removed channel's safe delete stopped it, with every call allowed, and nothing else failed. */
function expectStoppedSafely(replays: DeleteReplay[], channelId: string, mlArn: string, mlId: string): void {
  const safeDelete = byResource(replays, inChannel(channelId, 'SafeDelete$'));
  const refused = safeDelete.calls.filter((c) => c.decision !== 'allowed');
  expect(refused.map((c) => `${c.action} on ${c.resource}: ${c.decision}`)).toEqual([]);
  expect(safeDelete.error).toBeUndefined();
  expect(safeDelete.completed).toBe(true);
  // The calls the lifecycle code makes for a RUNNING channel, all on the removed channel.
  expect(safeDelete.calls.map((c) => c.action)).toEqual([
    'medialive:DescribeChannel',
    'medialive:StopChannel',
    'medialive:DescribeChannel',
    'medialive:DescribeChannel',
  ]);
  for (const c of safeDelete.calls) expect(c.resource).toBe(mlArn);
  expect(safeDelete.channelStates[mlId]).toBe('IDLE');
  for (const r of replays) {
    expect({ resource: r.customResource, error: r.error, completed: r.completed }).toEqual({
      resource: r.customResource,
      error: undefined,
      completed: true,
    });
    expect(r.calls.filter((c) => c.decision !== 'allowed')).toEqual([]);
  }
}

describe('custom-resource Deletes after a config change keep the permissions they need', () => {
  const twoChannels = testConfig({ channels: [channel('main'), channel('side', { autoStart: true })] });

  test.each([
    ['removed', testConfig({ channels: [channel('main')] })],
    ['renamed', testConfig({ channels: [channel('main'), channel('extra', { autoStart: true })] })],
  ])('a channel %s from the config is stopped by its safe delete in the cleanup phase', async (_, next) => {
    const physical = new PhysicalIds();
    const before = templateOf(twoChannels, physical);
    const after = templateOf(next, physical);
    const side = channelLogicalId(before, 'side');
    const mlId = physical.of(side, 'AWS::MediaLive::Channel');
    const mlArn = before.arn(side);
    expect(mlArn).toBe(`arn:aws:medialive:eu-west-1:111122223333:channel:${mlId}`);

    const replays = await replayCleanup({
      deletedFrom: before,
      inEffect: after,
      channelStates: { [side]: 'RUNNING' },
    });

    // What the cleanup deletes: the side channel's stack, with its lifecycle resources and its
    // registration (which takes its routes out of the route table and its item out of the registry).
    expect(replays.map((r) => r.customResource.replace(inChannel('side', ''), '')).sort()).toEqual([
      'AutoStart',
      'Registration',
      'SafeDelete',
    ]);
    expectStoppedSafely(replays, 'side', mlArn, mlId);
    // Auto-start makes no call on Delete.
    expect(byResource(replays, inChannel('side', 'AutoStart$')).calls).toEqual([]);
    // The registration's Delete, with the permissions of the parent's registration provider.
    expect(byResource(replays, inChannel('side', 'Registration$')).calls.map((c) => c.action)).toEqual([
      'dynamodb:GetItem',
      'mediapackage:DescribeOriginEndpoint',
      // one per key it may remove (a key already gone is skipped)
      'cloudfront-keyvaluestore:GetKey',
      'cloudfront-keyvaluestore:GetKey',
      'cloudfront-keyvaluestore:GetKey',
      'cloudfront-keyvaluestore:DescribeKeyValueStore',
      'cloudfront-keyvaluestore:UpdateKeys',
      'dynamodb:DeleteItem',
    ]);
  });

  test('a rollback after adding an auto-started channel stops it with the restored permissions', async () => {
    // The update created "side" and auto-started it, then failed: CloudFormation restores the
    // one-channel template (its lifecycle policy never named "side") and deletes "side".
    const physical = new PhysicalIds();
    const restored = templateOf(testConfig({ channels: [channel('main')] }), physical);
    const failed = templateOf(twoChannels, physical);
    const side = channelLogicalId(failed, 'side');

    const replays = await replayCleanup({
      deletedFrom: failed,
      inEffect: restored,
      channelStates: { [side]: 'RUNNING' },
    });

    expectStoppedSafely(replays, 'side', failed.arn(side), physical.of(side, 'AWS::MediaLive::Channel'));
  });

  test('rotating the signing key deletes the retired key with the permissions the update left', async () => {
    const physical = new PhysicalIds();
    const v2 = templateOf(testConfig({ playback: { signingKeyVersion: 2 } }), physical);
    const v3 = templateOf(testConfig({ playback: { signingKeyVersion: 3 } }), physical);

    const replays = await replayCleanup({ deletedFrom: v2, inEffect: v3 });

    expect(replays.map((r) => [r.customResource, r.error, r.completed])).toEqual([
      [expect.stringMatching(/^SigningKeysKeyv1/), undefined, true],
    ]);
    expect(replays[0]?.calls).toEqual([
      { action: 'cloudfront:GetPublicKey', resource: '*', decision: 'allowed' },
      { action: 'cloudfront:DeletePublicKey', resource: '*', decision: 'allowed' },
    ]);
  });

  test('deleting the stack stops a running channel with the permissions left at that point', async () => {
    // Nothing is in effect any more: each Delete keeps only the policies it depends on, which
    // CloudFormation deletes after it.
    const physical = new PhysicalIds();
    const deployed = templateOf(twoChannels, physical);
    const side = channelLogicalId(deployed, 'side');

    const replays = await replayCleanup({ deletedFrom: deployed, channelStates: { [side]: 'RUNNING' } });

    expectStoppedSafely(replays, 'side', deployed.arn(side), physical.of(side, 'AWS::MediaLive::Channel'));
    expect(byResource(replays, inChannel('main', 'SafeDelete$')).calls.map((c) => c.action)).toEqual([
      'medialive:DescribeChannel',
    ]);
    // The edge parameters and the player files are removed with their own, still attached, policies.
    const called = replays.flatMap((r) => r.calls.map((c) => c.action));
    expect(called).toEqual(
      expect.arrayContaining(['ssm:DeleteParameter', 's3:ListBucket', 's3:DeleteObject']),
    );
  });
});
