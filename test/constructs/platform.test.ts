import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lib/config/load';
import { synthOnAir } from '../helpers';

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
