import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { addOnAir } from '../../../lib/app';
import { PLAYER_CSP } from '../../../lib/constructs/delivery/delivery';
import { playerRouterSource } from '../../../lib/constructs/delivery/functions/player-router';
import {
  HLS_JS_FILES,
  PLAYER_FILES,
  PLAYER_PAGE_FILES,
  PLAYER_SOURCE_DIR,
} from '../../../lib/constructs/playback/player';
import { privateBucketProperties, synthOnAir, testApp, testConfig } from '../../helpers';
import { channel, JWT } from './channels';

const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';

describe('player edge function', () => {
  type Result = { uri?: string; statusCode?: number };
  const handler = runInNewContext(`${playerRouterSource(PLAYER_FILES)}; handler`) as (e: {
    request: { uri: string };
  }) => Result;
  const run = (uri: string) => handler({ request: { uri } });

  test('/player/ serves the page', () => {
    expect(run('/player/').uri).toBe('/player/index.html');
  });

  test.each(PLAYER_FILES)('passes /player/%s unchanged', (file) => {
    expect(run(`/player/${file}`).uri).toBe(`/player/${file}`);
  });

  test.each([
    '/player/session.d.ts',
    '/player/hls.js',
    '/player/../live/main/hls/index.m3u8',
    '/player/x/index.html',
    '/player/index.html/',
    '/playerindex.html',
  ])('answers 404 for %s', (uri) => {
    expect(run(uri)).toEqual({ statusCode: 404, statusDescription: 'Not Found' });
  });
});

describe('player files', () => {
  test('the page folder holds exactly the files the edge function admits (plus type declarations)', () => {
    const files = readdirSync(PLAYER_SOURCE_DIR).filter((f) => !f.endsWith('.d.ts'));
    expect(files.sort()).toEqual([...PLAYER_PAGE_FILES].sort());
  });

  test('the deployment stages the page and hls.js, nothing else', () => {
    // Staged for real: testApp() leaves assets where they are.
    const app = testApp({ 'aws:cdk:disable-asset-staging': false });
    const { platform } = addOnAir(app, testConfig(), { nag: false });
    app.synth();
    const staged = platform.player.deployment.node.children
      .filter((c) => c instanceof s3assets.Asset)
      .map((a) => readdirSync(join(app.outdir, a.assetPath)).sort());
    expect(staged).toEqual([[...PLAYER_PAGE_FILES].sort(), [...HLS_JS_FILES].sort()]);
    for (const f of HLS_JS_FILES) expect(existsSync(require.resolve(`hls.js/dist/${f}`))).toBe(true);
  });
});

describe('player in the platform template', () => {
  const { template } = synthOnAir(
    testConfig({
      channels: [channel('partner', 'iam'), channel('members', 'jwt'), channel('main', 'public')],
      playback: { jwt: JWT },
    }),
  );
  const dist = () =>
    Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
  const behaviors = () =>
    dist().CacheBehaviors as { PathPattern: string; TrustedKeyGroups?: unknown; [k: string]: unknown }[];

  test('a private, encrypted, TLS-only, access-logged bucket that a stack delete removes', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike(privateBucketProperties('player-bucket/')),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Player') },
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          // Origin access control: only this distribution reads, and only objects.
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: {
              StringEquals: {
                'AWS:SourceArn': Match.objectLike({
                  'Fn::Join': Match.arrayWith([
                    Match.arrayWith([':distribution/', { Ref: Match.stringLikeRegexp('^Delivery') }]),
                  ]),
                }),
              },
            },
          }),
        ]),
      }),
    });
  });

  test('the deployment writes player/ with a short Cache-Control and deletes its files with the stack', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^Player') },
      DestinationBucketKeyPrefix: 'player/',
      Prune: true,
      RetainOnDelete: false,
      SystemMetadata: { 'cache-control': 'public, max-age=300' },
    });
  });

  test('the deployment function has our role (no managed policy) and its own log group', () => {
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlayerDeploymentRole'), 'Arn'] } },
    });
    const [fn] = Object.values(fns);
    expect(Object.keys(fns)).toHaveLength(1);
    expect(fn?.Properties.LoggingConfig).toEqual({
      LogGroup: { Ref: expect.stringMatching(/^PlayerDeploymentLogs/) },
    });
    const role = Object.values(
      template.findResources('AWS::IAM::Role', {
        Properties: { Description: 'OnAir: copies the demo player into its bucket at deploy' },
      }),
    )[0];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('/player/* reads the bucket through origin access control', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    const origin = (dist().Origins as { Id: string; [k: string]: unknown }[]).find((o) => o.Id === 'player');
    expect(origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [expect.stringMatching(/^Player/), 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [expect.any(String), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  test('/player/* is public, cached, HTTPS, with the index function and security headers', () => {
    const b = behaviors().find((x) => x.PathPattern === '/player/*');
    expect(b).toMatchObject({
      TargetOriginId: 'player',
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: CACHING_OPTIMIZED,
      Compress: true,
      FunctionAssociations: [
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^DeliveryPlayerRouter/), 'FunctionARN'] },
        },
      ],
      ResponseHeadersPolicyId: { Ref: expect.stringMatching(/^DeliveryPlayerHeadersPolicy/) },
    });
    expect(b?.TrustedKeyGroups).toBeUndefined();
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: PLAYER_CSP, Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        }),
      }),
    });
  });

  test('the CSP admits this host only: no other origin, no inline or eval script', () => {
    expect(PLAYER_CSP).toContain("default-src 'none'");
    expect(PLAYER_CSP).toContain("media-src 'self' blob:");
    expect(PLAYER_CSP).not.toMatch(/https?:|\*|unsafe-/);
  });

  test('the media behavior still requires the key group', () => {
    const b = behaviors().find((x) => x.PathPattern === '/out/v1/*');
    expect(b?.TrustedKeyGroups).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^SigningKeysKeyGroup/), 'Id'] },
    ]);
  });

  test('PlayerUrl names the first channel a browser can obtain a session for', () => {
    template.hasOutput('PlayerUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            'https://',
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^Delivery'), 'DomainName'] },
            '/player/?channel=members',
          ],
        ],
      },
    });
  });
});

test('PlayerUrl names the first channel when every channel is iam (the page explains it cannot play it)', () => {
  const { template } = synthOnAir(testConfig({ channels: [channel('partner', 'iam')] }));
  template.hasOutput('PlayerUrl', {
    Value: { 'Fn::Join': ['', ['https://', Match.anyValue(), '/player/?channel=partner']] },
  });
});
