import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  countResources,
  MAX_STACK_OUTPUTS,
  MAX_STACK_PARAMETERS,
  MAX_STACK_RESOURCES,
  stackTree,
} from '../../lib/app';
import { loadConfig } from '../../lib/config/load';
import type { OnAirConfig } from '../../lib/config/schema';
import { LIVE_ROUTER_SOURCE } from '../../lib/constructs/delivery/functions/live-router';
import { synthOnAir } from '../helpers';

/**
 * A hundred channels in one deployment (config/examples/hundred-channels.json): every stack stays
 * inside CloudFormation's limits, and the distribution, its function and the functions'
 * configuration are the same as with one channel (routes and registry are data).
 */
type Json = Record<string, unknown>;
const hundred = loadConfig('config/examples/hundred-channels.json');
// The first channel, recorded: the recordings resources exist whenever any channel records, so
// the comparison stays about the number of channels (the hundred include recorded ones).
const one: OnAirConfig = { ...hundred, channels: [{ ...hundred.channels[0], archive: true }] };
const big = synthOnAir(hundred);
const small = synthOnAir(one);

const resourcesOf = (t: Template, type: string) => t.findResources(type) as Record<string, Json>;
const templateBytes = (t: Template) => Buffer.byteLength(JSON.stringify(t.toJSON()));

test('every stack stays well inside CloudFormation quotas: resources, outputs, parameters, 1 MB', () => {
  const stacks = stackTree(big.platform);
  expect(stacks).toHaveLength(101);
  for (const stack of stacks) {
    const t = Template.fromStack(stack).toJSON() as { Outputs?: Json; Parameters?: Json };
    expect(countResources(stack)).toBeLessThanOrEqual(MAX_STACK_RESOURCES);
    expect(Object.keys(t.Outputs ?? {}).length).toBeLessThanOrEqual(MAX_STACK_OUTPUTS);
    expect(Object.keys(t.Parameters ?? {}).length).toBeLessThanOrEqual(MAX_STACK_PARAMETERS);
    expect(templateBytes(Template.fromStack(stack))).toBeLessThan(1024 * 1024);
  }
  // The parent grows by one nested stack per channel and one session route per jwt or iam
  // channel; beyond that only by what any such config has: two more input security groups (three
  // sites), the JWT authorizer and the guarded routes' one integration and invoke permission.
  const guarded = hundred.channels.filter((c) => c.playback.auth !== 'public').length;
  expect(countResources(big.platform) - countResources(small.platform)).toBe(99 + guarded + 2 + 3);
  // 314 with the recordings' 44 shared resources (index, functions, rules, routes, queue, alarm)
  expect(countResources(big.platform)).toBeLessThan(350);
  for (const s of big.platform.channelStacks) expect(countResources(s)).toBeLessThan(40);
});

test('the distribution, its cache and response policies, functions and route table are the same for 1 and 100 channels', () => {
  const cdn = (t: Template) => {
    const out: Json = {};
    for (const type of [
      'AWS::CloudFront::Distribution',
      'AWS::CloudFront::Function',
      'AWS::CloudFront::KeyValueStore',
      'AWS::CloudFront::CachePolicy',
      'AWS::CloudFront::ResponseHeadersPolicy',
      'AWS::CloudFront::OriginAccessControl',
    ])
      out[type] = resourcesOf(t, type);
    return out;
  };
  expect(cdn(big.template)).toEqual(cdn(small.template));
  const [dist] = Object.values(resourcesOf(big.template, 'AWS::CloudFront::Distribution')) as {
    Properties: { DistributionConfig: { CacheBehaviors: { PathPattern: string }[]; Origins: unknown[] } };
  }[];
  expect(dist?.Properties.DistributionConfig.CacheBehaviors.map((b) => b.PathPattern)).toEqual([
    '/out/v1/*',
    '/api/playback/*',
    '/player/*',
    '/recordings/*',
    '/clips/*',
  ]);
  // MediaPackage (one for every channel), the control API, the player and the archive bucket
  expect(dist?.Properties.DistributionConfig.Origins).toHaveLength(4);
});

test("the live router's code at 100 channels is the fixed source, far below CloudFront's 10 KB", () => {
  const routers = Object.values(resourcesOf(big.template, 'AWS::CloudFront::Function')).filter(
    (f) => (f as { Properties: { FunctionCode: string } }).Properties.FunctionCode === LIVE_ROUTER_SOURCE,
  );
  expect(routers).toHaveLength(1);
  const bytes = Buffer.byteLength(LIVE_ROUTER_SOURCE);
  expect(bytes).toBeLessThan(10 * 1024);
  // Measured, and independent of the number of channels (was ~185 bytes per channel inline).
  expect(bytes).toBeLessThan(1024);
});

test("no function's configuration depends on the number of channels (the registry is data)", () => {
  const functions = (t: Template) =>
    Object.fromEntries(
      Object.entries(resourcesOf(t, 'AWS::Lambda::Function')).map(([id, f]) => [
        id,
        (f as { Properties: { Environment?: unknown; Code?: unknown } }).Properties.Environment,
      ]),
    );
  const a = functions(big.template);
  const b = functions(small.template);
  // the stage's stack name is the same; every function and its environment are the same
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  expect(a).toEqual(b);
});

test('each channel stack is named after its channel and tagged resources carry the root stack name', () => {
  const stack = big.platform.channelStacks[41];
  expect(stack?.node.id).toBe('Channel-ch-042');
  const t = Template.fromStack(stack as Stack);
  t.hasResourceProperties('AWS::MediaLive::Channel', {
    Name: 'OnAir-hundred-ch-042',
    Tags: { 'onair:deployment': 'OnAir-hundred' },
  });
  t.resourceCountIs('Custom::OnAirChannelRegistration', 1);
  t.resourceCountIs('AWS::Lambda::Function', 0);
});
