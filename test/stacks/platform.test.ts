import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { addOnAir, countResources } from '../../lib/app';
import { loadConfig, parseConfig } from '../../lib/config/load';
import { synthOnAir, testApp } from '../helpers';

test('the default channel gets one input, channel, MediaPackage channel and three endpoints', () => {
  const { template } = synthOnAir();
  template.resourceCountIs('AWS::MediaLive::Input', 1);
  template.resourceCountIs('AWS::MediaLive::Channel', 1);
  template.resourceCountIs('AWS::MediaPackage::Channel', 1);
  template.resourceCountIs('AWS::MediaPackage::OriginEndpoint', 3);
  template.hasResourceProperties('AWS::MediaLive::Channel', {
    ChannelClass: 'SINGLE_PIPELINE',
    EncoderSettings: Match.anyValue(),
  });
});

test('more channels than MediaLive quotas allow by default synthesize with a warning', () => {
  const eight = loadConfig('config/examples/eight-channels.json');
  const { platform } = synthOnAir(eight);
  Annotations.fromStack(platform).hasWarning(
    '/OnAir-multi',
    Match.stringLikeRegexp("MediaLive's default quota is 5"),
  );
  const { platform: small } = synthOnAir();
  expect(
    Annotations.fromStack(small).findWarning('*', Match.stringLikeRegexp('Service Quotas')),
  ).toHaveLength(0);
});

describe("CloudFormation's 500 resources per stack", () => {
  const heavy = (n: number) =>
    parseConfig({
      stage: 'big',
      channels: Array.from({ length: n }, (_, i) => ({
        id: `ch${i}`,
        channelClass: 'STANDARD',
        input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] },
        archive: true,
        autoStart: true,
      })),
      streamKey: { rotateEveryDays: 30 },
    });

  test('the pre-synth count equals the template (it is what the config check relies on)', () => {
    const { platform, template } = synthOnAir(loadConfig('config/examples/eight-channels.json'));
    const resources = Object.keys(template.toJSON().Resources);
    // the CLI's synth adds a CDKMetadata resource, which the count includes
    const cliCount = resources.length + (resources.includes('CDKMetadata') ? 0 : 1);
    expect(countResources(platform)).toBe(cliCount);
  });

  test('fails before synth, naming channels and the fix, when the channels need more than 500', () => {
    expect(() => addOnAir(testApp(), heavy(10), { nag: false, source: 'big.json' })).toThrow(
      /^invalid config big\.json:\n {2}- channels: 10 channels need 5\d\d CloudFormation resources in stack OnAir-big, more than the 500 a stack may hold; split the channels across stages/,
    );
    expect(() => addOnAir(testApp(), heavy(9), { nag: false })).not.toThrow();
  });
});
