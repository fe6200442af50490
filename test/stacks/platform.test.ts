import { CfnOutput, CfnResource, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { checkStackLimits, countResources, stackTree } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';
import { synthOnAir, testApp } from '../helpers';

test("the default channel's stack gets one input, channel, MediaPackage channel and three endpoints", () => {
  const { template, channelTemplate } = synthOnAir();
  const channel = channelTemplate('main');
  channel.resourceCountIs('AWS::MediaLive::Input', 1);
  channel.resourceCountIs('AWS::MediaLive::Channel', 1);
  channel.resourceCountIs('AWS::MediaPackage::Channel', 1);
  channel.resourceCountIs('AWS::MediaPackage::OriginEndpoint', 3);
  channel.hasResourceProperties('AWS::MediaLive::Channel', {
    ChannelClass: 'SINGLE_PIPELINE',
    EncoderSettings: Match.anyValue(),
  });
  // the parent holds none of them: one nested stack per channel
  for (const type of ['AWS::MediaLive::Input', 'AWS::MediaLive::Channel', 'AWS::MediaPackage::Channel'])
    template.resourceCountIs(type, 0);
  template.resourceCountIs('AWS::CloudFormation::Stack', 1);
});

test('channels with the same allowed CIDRs share an input security group in the parent', () => {
  const { template, platform } = synthOnAir(loadConfig('config/examples/eight-channels.json'));
  const groups = new Set(
    loadConfig('config/examples/eight-channels.json').channels.map((c) =>
      [...c.input.allowedCidrs].sort().join(),
    ),
  );
  template.resourceCountIs('AWS::MediaLive::InputSecurityGroup', groups.size);
  expect(groups.size).toBeLessThan(platform.channelStacks.length);
});

describe("CloudFormation's limits per stack", () => {
  test('the pre-synth count equals each template (it is what the config check relies on)', () => {
    const { platform, template, channelTemplate } = synthOnAir(
      loadConfig('config/examples/eight-channels.json'),
    );
    const cliCount = (resources: string[]) => resources.length + (resources.includes('CDKMetadata') ? 0 : 1);
    expect(countResources(platform)).toBe(cliCount(Object.keys(template.toJSON().Resources)));
    const [first] = platform.channelStacks;
    expect(first && countResources(first)).toBe(
      cliCount(Object.keys(channelTemplate(first?.channel.channelId ?? '').toJSON().Resources)),
    );
    expect(stackTree(platform)).toHaveLength(1 + platform.channelStacks.length);
  });

  test('fails before synth, naming the stack and the fix, when a stack would hold more than 500', () => {
    const stack = new Stack(testApp(), 'OnAir-big');
    for (let i = 0; i < 500; i++) new CfnResource(stack, `R${i}`, { type: 'AWS::SNS::Topic' });
    expect(() => checkStackLimits(stack, { channels: 160, source: 'big.json' })).toThrow(
      /^invalid config big\.json:\n {2}- channels: 160 channels need 501 CloudFormation resources in stack OnAir-big, more than the 500 a stack may hold; split the channels across stages/,
    );
  });

  test('fails at synth when a stack would have more than 200 outputs', () => {
    const app = testApp();
    const stack = new Stack(app, 'S');
    new CfnResource(stack, 'R', { type: 'AWS::SNS::Topic' });
    for (let i = 0; i < 201; i++) new CfnOutput(stack, `O${i}`, { value: 'x' });
    checkStackLimits(stack, { channels: 1 });
    expect(() => app.synth()).toThrow('S: 201 outputs, more than the 200 a stack may have');
  });
});
