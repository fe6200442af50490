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
    deploymentName: 'OnAir-test',
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

test('ids and tags name the deployment (not the nested stack the channel lives in)', () => {
  const { template } = packaging(LatencyMode.STANDARD);
  const tags = [{ Key: 'onair:deployment', Value: 'OnAir-test' }];
  template.hasResourceProperties('AWS::MediaPackage::Channel', { Id: 'OnAir-test-main', Tags: tags });
  for (const f of ['hls', 'dash', 'cmaf'])
    template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
      Id: `OnAir-test-main-${f}`,
      Tags: tags,
    });
});

test('manifest paths below the endpoint path', () => {
  const { p } = packaging(LatencyMode.STANDARD);
  expect(p.manifestPath(PackagingFormat.HLS)).toBe('index.m3u8');
  expect(p.manifestPath(PackagingFormat.DASH)).toBe('index.mpd');
  expect(p.manifestPath(PackagingFormat.CMAF)).toBe('hls/index.m3u8');
});

test('the platform passes the configured startover hours', () => {
  const { channelTemplate } = synthOnAir(testConfig({ packaging: { startoverWindowHours: 6 } }));
  channelTemplate('main').allResourcesProperties('AWS::MediaPackage::OriginEndpoint', {
    StartoverWindowSeconds: 21600,
  });
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

test('no custom resource here: the channel registration reads the CMAF manifest URL (CloudFormation returns none)', () => {
  const { template } = packaging(LatencyMode.STANDARD);
  template.resourceCountIs('Custom::AWS', 0);
  template.resourceCountIs('AWS::Lambda::Function', 0);
});
