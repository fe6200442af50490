import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Ingest, PipelineCount } from '../../../lib/constructs/channel/ingest';
import { testApp } from '../../helpers';

function ingest(allowedCidrs: string[], pipelines = PipelineCount.SINGLE) {
  const stack = new Stack(testApp(), 'S');
  const construct = new Ingest(stack, 'Ingest', { channelId: 'main', allowedCidrs, pipelines });
  return { stack, construct, template: Template.fromStack(stack) };
}

test('the stream key is generated in Secrets Manager: 32 URL-safe characters', () => {
  const { template } = ingest(['203.0.113.0/24']);
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false },
  });
});

test('the input takes the key by dynamic reference, never as a literal', () => {
  const { template } = ingest(['203.0.113.0/24']);
  template.hasResourceProperties('AWS::MediaLive::Input', {
    Type: 'RTMP_PUSH',
    Destinations: [
      {
        StreamName: {
          'Fn::Join': [
            '',
            [
              'main/{{resolve:secretsmanager:',
              { Ref: Match.stringLikeRegexp('StreamKey') },
              ':SecretString:::}}',
            ],
          ],
        },
      },
    ],
    InputSecurityGroups: [{ Ref: Match.stringLikeRegexp('SecurityGroup') }],
  });
  template.resourceCountIs('AWS::MediaLive::Input', 1);
});

test('a STANDARD channel gets two RTMP endpoints', () => {
  const { template } = ingest(['203.0.113.0/24'], PipelineCount.STANDARD);
  const inputs = template.findResources('AWS::MediaLive::Input');
  const [input] = Object.values(inputs);
  expect(input?.Properties.Destinations).toHaveLength(2);
});

test('the input security group lists exactly the configured CIDRs', () => {
  const { template } = ingest(['203.0.113.0/24', '198.51.100.7/32']);
  template.hasResourceProperties('AWS::MediaLive::InputSecurityGroup', {
    WhitelistRules: [{ Cidr: '203.0.113.0/24' }, { Cidr: '198.51.100.7/32' }],
  });
});

test('ingest open to the internet synthesizes with a warning', () => {
  const { stack } = ingest(['0.0.0.0/0']);
  Annotations.fromStack(stack).hasWarning(
    '/S/Ingest',
    Match.stringLikeRegexp('accepts pushes from any address'),
  );
});

test('restricted ingest has no warning', () => {
  const { stack } = ingest(['203.0.113.0/24']);
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('any address'))).toHaveLength(
    0,
  );
});

test('fails on more than 10 CIDRs', () => {
  const cidrs = Array.from({ length: 11 }, (_, i) => `198.51.100.${i}/32`);
  expect(() => ingest(cidrs)).toThrow(
    "allowedCidrs must list 1 to 10 CIDRs (MediaLive's limit per input security group), got 11",
  );
});

test('fails on no CIDRs', () => {
  expect(() => ingest([])).toThrow(/got 0/);
});

test('the cfn-lint false positive on MediaLive input security groups is silenced on the input only', () => {
  const { template } = ingest(['203.0.113.0/24']);
  template.hasResource('AWS::MediaLive::Input', {
    Metadata: { 'cfn-lint': { config: { ignore_checks: ['E1041'] } } },
  });
});
