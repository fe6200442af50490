import { Match } from 'aws-cdk-lib/assertions';
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
