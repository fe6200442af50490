import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CdnAuthorization } from '../../../lib/constructs/channel/cdn-authorization';
import { Packaging, PackagingFormat } from '../../../lib/constructs/channel/packaging';
import { LatencyMode } from '../../../lib/media/latency';
import { synthOnAir, testApp, testConfig } from '../../helpers';

function packaging(latency: LatencyMode, startoverWindowSeconds = 86400) {
  const stack = new Stack(testApp(), 'S');
  const cdnAuthorization = new CdnAuthorization(stack, 'Cdn');
  const p = new Packaging(stack, 'Packaging', {
    channelId: 'main',
    latency,
    startoverWindowSeconds,
    cdnAuthorization,
  });
  return { stack, p, template: Template.fromStack(stack) };
}

const auth = {
  CdnIdentifierSecret: { Ref: Match.stringLikeRegexp('CdnSecret') },
  SecretsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CdnRole'), 'Arn'] },
};

test('three endpoints, each locked to the CDN identifier, with a 24 h startover window', () => {
  const { template } = packaging(LatencyMode.STANDARD);
  template.resourceCountIs('AWS::MediaPackage::Channel', 1);
  template.resourceCountIs('AWS::MediaPackage::OriginEndpoint', 3);
  for (const pkg of ['HlsPackage', 'DashPackage', 'CmafPackage']) {
    template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
      [pkg]: Match.anyValue(),
      Authorization: auth,
      StartoverWindowSeconds: 86400,
      Origination: 'ALLOW',
      ManifestName: 'index',
    });
  }
});

test('standard latency: 4 s segments, 60 s windows', () => {
  const { template } = packaging(LatencyMode.STANDARD);
  template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
    HlsPackage: Match.objectLike({
      SegmentDurationSeconds: 4,
      PlaylistWindowSeconds: 60,
      PlaylistType: 'NONE',
    }),
  });
  template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
    DashPackage: Match.objectLike({
      SegmentDurationSeconds: 4,
      ManifestWindowSeconds: 60,
      MinBufferTimeSeconds: 8,
      SuggestedPresentationDelaySeconds: 12,
      SegmentTemplateFormat: 'NUMBER_WITH_TIMELINE',
    }),
  });
  template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
    CmafPackage: Match.objectLike({
      SegmentDurationSeconds: 4,
      HlsManifests: [Match.objectLike({ ManifestName: 'index', PlaylistWindowSeconds: 60 })],
    }),
  });
});

test('low latency: 1 s segments, 30 s windows', () => {
  const { template } = packaging(LatencyMode.LOW);
  template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
    HlsPackage: Match.objectLike({ SegmentDurationSeconds: 1, PlaylistWindowSeconds: 30 }),
  });
  template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
    DashPackage: Match.objectLike({ SegmentDurationSeconds: 1, MinUpdatePeriodSeconds: 1 }),
  });
});

test('a startover window of 0 leaves startover off', () => {
  const { template } = packaging(LatencyMode.STANDARD, 0);
  const endpoints = Object.values(template.findResources('AWS::MediaPackage::OriginEndpoint'));
  expect(endpoints.every((e) => e.Properties.StartoverWindowSeconds === undefined)).toBe(true);
});

test('fails on a startover window beyond 14 days', () => {
  expect(() => packaging(LatencyMode.STANDARD, 1_209_601)).toThrow(
    'startoverWindowSeconds must be 0 to 1209600, got 1209601',
  );
});

test('the origin host and endpoint paths are derived from the endpoint URL at deploy', () => {
  const { stack, p } = packaging(LatencyMode.STANDARD);
  const hls = stack.getLogicalId(p.endpoints[PackagingFormat.HLS]);
  expect(stack.resolve(p.originDomainName)).toEqual({
    'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [hls, 'Url'] }] }],
  });
  expect(JSON.stringify(stack.resolve(p.endpointPathPrefix(PackagingFormat.DASH)))).toContain('/out/v1/');
  expect(p.manifestPath(PackagingFormat.HLS)).toBe('index.m3u8');
  expect(p.manifestPath(PackagingFormat.DASH)).toBe('index.mpd');
  expect(p.manifestPath(PackagingFormat.CMAF)).toBe('hls/index.m3u8');
});

test('the platform passes the configured startover hours', () => {
  const { template } = synthOnAir(testConfig({ packaging: { startoverWindowHours: 6 } }));
  template.allResourcesProperties('AWS::MediaPackage::OriginEndpoint', { StartoverWindowSeconds: 21600 });
});

test('MediaPackage can read the CDN identifier secret, list secret names and get its own role', () => {
  const { template } = packaging(LatencyMode.STANDARD);
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: Match.objectLike({
      GenerateStringKey: 'MediaPackageCDNIdentifier',
      SecretStringTemplate: '{}',
    }),
  });
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({ Principal: { Service: 'mediapackage.amazonaws.com' } })],
    },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:ListSecretVersionIds',
          ],
          Resource: { Ref: Match.stringLikeRegexp('CdnSecret') },
        },
        { Effect: 'Allow', Action: 'secretsmanager:ListSecrets', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['iam:GetRole', 'iam:PassRole'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('CdnRole'), 'Arn'] },
        },
      ],
    },
  });
});

test('endpoints wait for the role policy that lets MediaPackage read the CDN secret', () => {
  const { template } = packaging(LatencyMode.STANDARD);
  const endpoints = Object.values(template.findResources('AWS::MediaPackage::OriginEndpoint'));
  for (const e of endpoints)
    expect(e.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^CdnRoleDefaultPolicy/)]));
});

test('the CMAF route comes from DescribeOriginEndpoint (CloudFormation returns no Url for CMAF endpoints)', () => {
  const { stack, p, template } = packaging(LatencyMode.STANDARD);
  const cmafPrefix = JSON.stringify(stack.resolve(p.endpointPathPrefix(PackagingFormat.CMAF)));
  expect(cmafPrefix).not.toContain(stack.getLogicalId(p.endpoints[PackagingFormat.CMAF]));
  expect(cmafPrefix).toContain('CmafPackage.HlsManifests.0.Url');
  const [reader] = Object.values(template.findResources('Custom::AWS'));
  const create = JSON.stringify(reader?.Properties.Create);
  expect(create).toContain('\\"service\\":\\"MediaPackage\\",\\"action\\":\\"describeOriginEndpoint\\"');
  expect(create).toContain('\\"outputPaths\\":[\\"CmafPackage.HlsManifests.0.Url\\"]');
  expect(create).toContain(`{"Ref":"${stack.getLogicalId(p.endpoints[PackagingFormat.CMAF])}"}`);
  expect(reader?.Properties.Update).toEqual(reader?.Properties.Create);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [
        {
          Effect: 'Allow',
          Action: 'mediapackage:DescribeOriginEndpoint',
          Resource: { 'Fn::GetAtt': [stack.getLogicalId(p.endpoints[PackagingFormat.CMAF]), 'Arn'] },
        },
      ],
    },
  });
});
