import { Match } from 'aws-cdk-lib/assertions';
import { LIVE_ROUTER_SOURCE } from '../../../lib/constructs/delivery/functions/live-router';
import {
  compileFunction,
  type FunctionEffects,
  fromFunctionRequest,
  isResponse,
  toFunctionRequest,
} from '../../e2e/edge/functions';
import { synthOnAir, testConfig } from '../../helpers';

const STORE = 'arn:aws:cloudfront::111122223333:key-value-store/0123abcd-4567-89ef-0123-456789abcdef';
const HOST = 'c4af3793bf76b33c.mediapackage.us-west-2.amazonaws.com';
const HLS = '0123456789abcdef0123456789abcdef';
const CMAF = 'fedcba9876543210fedcba9876543210';

/** The live router as CloudFront runs it: cloudfront-js-2.0 in node:vm, its store holding two endpoints. */
function router() {
  const gets: string[] = [];
  const store = new Map([
    [HLS, HOST],
    [CMAF, HOST],
  ]);
  // Counts the function's reads of the store (one per routed request, none for a refused path).
  const counting = new Proxy(store, {
    get(target, prop) {
      if (prop === 'get')
        return (k: string) => {
          gets.push(k);
          return target.get(k);
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const run = compileFunction(LIVE_ROUTER_SOURCE, {
    runtime: 'cloudfront-js-2.0',
    keyValueStores: { [STORE]: counting },
  });
  return {
    gets,
    async handle(path: string) {
      const effects: FunctionEffects = {};
      const request = toFunctionRequest('GET', path, {});
      const out = await run(
        {
          version: '1.0',
          context: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'viewer-request',
            requestId: 'r1',
          },
          viewer: { ip: '203.0.113.7' },
          request,
        },
        effects,
      );
      return { request, out, origin: effects.origin };
    },
  };
}

describe('live router function', () => {
  test("imports cloudfront on its first line (origin modification requires it) and fits CloudFront's 10 KB", () => {
    expect(LIVE_ROUTER_SOURCE.split('\n')[0]).toBe("import cf from 'cloudfront';");
    expect(Buffer.byteLength(LIVE_ROUTER_SOURCE)).toBeLessThan(2_048);
  });

  test.each([
    `/out/v1/${HLS}/index.m3u8`,
    `/out/v1/${HLS}/index_1.m3u8`,
    `/out/v1/${HLS}/index_1_00042.ts`,
    `/out/v1/${CMAF}/hls/index.m3u8`,
    `/out/v1/${CMAF}/index_video_1_0_1.mp4`,
  ])('routes %s to its endpoint host, URI unchanged, one store read', async (path) => {
    const r = router();
    const { request, out, origin } = await r.handle(path);
    expect(isResponse(out)).toBe(false);
    // the request goes on exactly as the viewer sent it: a signature sees the same URI either way
    expect(out).toEqual(request);
    // only the domain is set: the behavior origin's other settings (its CDN header) are inherited
    expect(origin).toEqual({ domainName: HOST });
    expect(r.gets).toEqual([path.split('/')[3]]);
  });

  test('leaves the query string (signing parameters, MediaPackage time-shift) untouched', async () => {
    const r = router();
    const path = `/out/v1/${HLS}/index_1.m3u8?start=2026-12-01T10:00:00Z&m=1566416212&Policy=p&Signature=s`;
    const { out } = await r.handle(path);
    expect(fromFunctionRequest(out as never).path).toBe(path);
  });

  test.each([
    '/',
    '/index.html',
    '/live/main/hls/index.m3u8',
    '/out/v1/',
    `/out/v1/${HLS}`,
    `/out/v1/${HLS}/`,
    `/out/v1/${'0'.repeat(32)}/index.m3u8`,
    `/out/v1/${HLS.toUpperCase()}/index.m3u8`,
    `/out/v1/${HLS}0/index.m3u8`,
    `/out/v1/${HLS}/../../secret`,
    `/out/v1/${HLS}//index.m3u8`,
    `/out/v1/${HLS}/./index.m3u8`,
    `/out/v1/${HLS}/index.m3u8/`,
    `/out/v1/${HLS}/a..m3u8`,
    `/out/v1/${HLS}/%2e%2e/x`,
    `/out/v1/${HLS}/a%2Fb.ts`,
    `/out/v2/${HLS}/index.m3u8`,
  ])('answers 404 for %s without reaching an origin', async (path) => {
    const r = router();
    const { out, origin } = await r.handle(path);
    expect(out).toEqual({ statusCode: 404, statusDescription: 'Not Found' });
    expect(origin).toBeUndefined();
  });

  test('a store that cannot answer is a 404 too (no origin request)', async () => {
    const run = compileFunction(LIVE_ROUTER_SOURCE, {
      runtime: 'cloudfront-js-2.0',
      keyValueStores: { [STORE]: new Map() },
    });
    const effects: FunctionEffects = {};
    const out = await run(
      {
        version: '1.0',
        context: {
          distributionDomainName: 'd',
          distributionId: 'E',
          eventType: 'viewer-request',
          requestId: 'r',
        },
        viewer: { ip: '203.0.113.7' },
        request: toFunctionRequest('GET', `/out/v1/${HLS}/index.m3u8`, {}),
      },
      effects,
    );
    expect(out).toEqual({ statusCode: 404, statusDescription: 'Not Found' });
    expect(effects.origin).toBeUndefined();
  });
});

describe('distribution', () => {
  test('IPv6 is off when sessions are bound to the viewer address (IsIPV6Enabled), on otherwise', () => {
    const bound = synthOnAir(testConfig({ playback: { bindSourceIp: true } })).template;
    bound.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ IPV6Enabled: false }),
    });
    const open = synthOnAir(testConfig({ playback: { bindSourceIp: false } })).template;
    open.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ IPV6Enabled: true }),
    });
  });

  test('one live behavior /out/v1/* and one MediaPackage origin, HTTPS only, sending the CDN identifier', () => {
    const { template } = synthOnAir();
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        HttpVersion: 'http2and3',
        PriceClass: 'PriceClass_100',
        IPV6Enabled: true,
        Origins: Match.arrayWith([
          Match.objectLike({
            Id: 'mediapackage',
            // a placeholder every routed request replaces (cf.updateRequestOrigin)
            DomainName: {
              'Fn::Join': ['', ['mediapackage.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
            },
            CustomOriginConfig: Match.objectLike({
              OriginProtocolPolicy: 'https-only',
              OriginSSLProtocols: ['TLSv1.2'],
            }),
            OriginCustomHeaders: [
              {
                HeaderName: 'X-MediaPackage-CDNIdentifier',
                HeaderValue: {
                  'Fn::Join': [
                    '',
                    [
                      '{{resolve:secretsmanager:',
                      { Ref: Match.stringLikeRegexp('CdnAuthorizationSecret') },
                      ':SecretString:MediaPackageCDNIdentifier::}}',
                    ],
                  ],
                },
              },
            ],
          }),
        ]),
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/out/v1/*',
            TargetOriginId: 'mediapackage',
            ViewerProtocolPolicy: 'redirect-to-https',
            Compress: true,
            FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: Match.anyValue() }],
          }),
        ]),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  test('errors are cached for 1 s', () => {
    const { template } = synthOnAir();
    const [dist] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const errors = dist?.Properties.DistributionConfig.CustomErrorResponses;
    expect(errors.map((e: { ErrorCode: number }) => e.ErrorCode)).toEqual([
      400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504,
    ]);
    expect(errors.every((e: { ErrorCachingMinTTL: number }) => e.ErrorCachingMinTTL === 1)).toBe(true);
  });

  test('the media cache policy honours origin TTLs and keeps signing parameters out of the key', () => {
    const { template } = synthOnAir();
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 1,
        DefaultTTL: 2,
        MaxTTL: 31536000,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: {
            QueryStringBehavior: 'whitelist',
            QueryStrings: ['start', 'end', 'time_delay', 'aws.manifestfilter', 'm'],
          },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
    const policies = JSON.stringify(template.findResources('AWS::CloudFront::CachePolicy'));
    for (const p of ['Policy', 'Signature', 'Key-Pair-Id', 'Expires'])
      expect(policies).not.toContain(`"${p}"`);
  });

  test('CORS from config; credentials allowed only for a fixed origin list', () => {
    const open = synthOnAir().template;
    open.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CorsConfig: Match.objectLike({
          AccessControlAllowOrigins: { Items: ['*'] },
          AccessControlAllowCredentials: false,
        }),
      }),
    });
    const fixed = synthOnAir(
      testConfig({ delivery: { corsAllowedOrigins: ['https://watch.example.com'] } }),
    ).template;
    fixed.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CorsConfig: Match.objectLike({
          AccessControlAllowOrigins: { Items: ['https://watch.example.com'] },
          AccessControlAllowCredentials: true,
        }),
      }),
    });
  });

  test('geo restriction and price class come from config', () => {
    const { template } = synthOnAir(
      testConfig({
        delivery: {
          priceClass: 'PriceClass_All',
          geoRestriction: { type: 'allow', countries: ['DE', 'AT'] },
        },
      }),
    );
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        PriceClass: 'PriceClass_All',
        Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'AT'] } },
      }),
    });
  });

  test('a custom domain brings its certificate and TLSv1.2_2021', () => {
    const certificateArn =
      'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
    const { template } = synthOnAir(
      testConfig({ delivery: { customDomain: { domainName: 'live.example.com', certificateArn } } }),
    );
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['live.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  test('the router reads the route table (a KeyValueStore) and its code names no channel', () => {
    const cfg = testConfig({
      channels: [
        { id: 'alpha', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
        { id: 'beta', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
      ],
    });
    const { template } = synthOnAir(cfg);
    template.resourceCountIs('AWS::CloudFront::KeyValueStore', 1);
    const functions = template.findResources('AWS::CloudFront::Function');
    const [id, fn] =
      Object.entries(functions).find(([, f]) => f.Properties.FunctionCode === LIVE_ROUTER_SOURCE) ?? [];
    expect(fn?.Properties.FunctionConfig).toMatchObject({
      Runtime: 'cloudfront-js-2.0',
      KeyValueStoreAssociations: [
        { KeyValueStoreARN: { 'Fn::GetAtt': [expect.stringMatching(/RouteTable/), 'Arn'] } },
      ],
    });
    // created only once the store exists (a store still provisioning cannot be associated)
    expect(template.toJSON().Resources[id as string].DependsOn).toEqual([
      expect.stringMatching(/RouteTable/),
    ]);
    for (const channel of ['alpha', 'beta']) expect(JSON.stringify(fn)).not.toContain(channel);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const [dist] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    expect(
      dist?.Properties.DistributionConfig.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern),
    ).toEqual(['/out/v1/*', '/api/playback/*', '/player/*', '/recordings/*', '/clips/*']);
    expect(dist?.Properties.DistributionConfig.Origins.map((o: { Id: string }) => o.Id)).toEqual([
      'mediapackage',
      'control-api',
      'player',
      'archive',
    ]);
  });
});

describe('recordings and clips', () => {
  const { template } = synthOnAir(testConfig());
  // biome-ignore lint/suspicious/noExplicitAny: a synthesized template, its shapes checked by the assertions
  type Json = Record<string, any>;
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  const [, dist] =
    Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudFront::Distribution') ?? [];
  const config = dist?.Properties.DistributionConfig;
  const [distributionId] =
    Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudFront::Distribution') ?? [];
  const archiveId = Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => /^Archive/.test(id));
  const behavior = (pattern: string) =>
    config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === pattern);

  test.each(['/recordings/*', '/clips/*'])(
    '%s: the archive bucket through origin access control, signed (the live key group), HTTPS only, GET/HEAD, no function',
    (pattern) => {
      const b = behavior(pattern);
      const live = behavior('/out/v1/*');
      expect(b).toMatchObject({
        TargetOriginId: 'archive',
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD'],
        CachedMethods: ['GET', 'HEAD'],
        CachePolicyId: { Ref: expect.stringMatching(/^DeliveryVodCachePolicy/) },
        TrustedKeyGroups: live.TrustedKeyGroups,
      });
      expect(b.TrustedKeyGroups).toHaveLength(1);
      // the viewer path is the object key: nothing rewrites it under the signature
      expect(b.FunctionAssociations).toBeUndefined();
      expect(b.OriginRequestPolicyId).toBeUndefined();
    },
  );

  test('one archive origin: the bucket by its regional name, with an origin access control that signs every request', () => {
    const origins = config.Origins.filter((o: { Id: string }) => o.Id === 'archive');
    expect(origins).toEqual([
      {
        Id: 'archive',
        DomainName: { 'Fn::GetAtt': [archiveId, 'RegionalDomainName'] },
        OriginAccessControlId: {
          'Fn::GetAtt': [expect.stringMatching(/^DeliveryArchiveAccessControl/), 'Id'],
        },
        S3OriginConfig: { OriginAccessIdentity: '' },
      },
    ]);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
  });

  test("the bucket policy lets CloudFront read recordings/ and clips/ only, for this distribution only; nothing else of the bucket's is granted to it", () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => p.Properties.Bucket.Ref === archiveId,
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement as Json[];
    const cloudfront = statements.filter((s) => JSON.stringify(s.Principal ?? {}).includes('cloudfront'));
    const objects = (suffix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [archiveId, 'Arn'] }, suffix]],
    });
    expect(cloudfront).toEqual([
      {
        Sid: 'CloudFrontReadsRecordingsAndClips',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: [objects('/clips/*'), objects('/recordings/*')],
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distributionId },
                ],
              ],
            },
          },
        },
      },
    ]);
    // SSE-S3: CloudFront needs no key policy to read (a KMS key would need one)
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(template.toJSON().Resources[archiveId as string].DeletionPolicy).toBe('Retain');
  });

  test('the VOD cache policy caches long and keeps query strings (signing parameters), headers and cookies out of the key', () => {
    const [policy] = Object.entries(template.findResources('AWS::CloudFront::CachePolicy')).filter(([id]) =>
      /^DeliveryVodCachePolicy/.test(id),
    );
    expect(policy[1].Properties.CachePolicyConfig).toMatchObject({
      MinTTL: 0,
      DefaultTTL: 30 * 86_400,
      MaxTTL: 365 * 86_400,
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: 'none' },
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
  });
});
