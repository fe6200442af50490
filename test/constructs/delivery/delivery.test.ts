import { Match } from 'aws-cdk-lib/assertions';
import { ROUTER_BODY } from '../../../lib/constructs/delivery/functions/live-router';
import { synthOnAir, testConfig } from '../../helpers';

type Request = { uri: string; method?: string };
type Handler = (event: { request: Request }) => Request | { statusCode: number; statusDescription: string };

/** Runs the router's source the way CloudFront does: a script defining handler(event). */
function router(routes: Record<string, string>): Handler {
  return new Function('ROUTES', `${ROUTER_BODY}\nreturn handler;`)(routes) as Handler;
}

describe('router function', () => {
  const handle = router({
    'main/hls': '/out/v1/abc123',
    'main/dash': '/out/v1/def456',
    'main/cmaf': '/out/v1/0789',
  });

  test.each([
    ['/live/main/hls/index.m3u8', '/out/v1/abc123/index.m3u8'],
    ['/live/main/hls/index_1.m3u8', '/out/v1/abc123/index_1.m3u8'],
    ['/live/main/dash/index.mpd', '/out/v1/def456/index.mpd'],
    ['/live/main/cmaf/index_video_1_0_1.mp4', '/out/v1/0789/index_video_1_0_1.mp4'],
    ['/live/main/cmaf/hls/index.m3u8', '/out/v1/0789/hls/index.m3u8'],
  ])('rewrites %s to %s', (uri, rewritten) => {
    expect(handle({ request: { uri } })).toEqual({ uri: rewritten });
  });

  test.each([
    '/',
    '/index.html',
    '/live/other/hls/index.m3u8',
    '/live/main/mss/index.ism',
    '/live/main/hls/',
    '/live/main/hls/../../secret',
    '/live/main/hls//index.m3u8',
    '/live/main/hls/./index.m3u8',
    '/live/main/hls/.',
    '/live/main/hls/index.m3u8/',
    '/live/main/hls/a..m3u8',
    '/live/main/hls/%2e%2e/x',
    '/live/main/hls/a%2Fb.ts',
    '/out/v1/abc123/index.m3u8',
  ])('answers 404 for %s', (uri) => {
    expect(handle({ request: { uri } })).toEqual({ statusCode: 404, statusDescription: 'Not Found' });
  });

  test("leaves the query string (MediaPackage's own parameters) untouched", () => {
    const querystring = { m: { value: '1566416212' }, start: { value: '2026-12-01T10:00:00Z' } };
    const out = handle({ request: { uri: '/live/main/hls/index_1.m3u8', querystring } as Request });
    expect(out).toEqual({ uri: '/out/v1/abc123/index_1.m3u8', querystring });
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

  test('one behavior and one MediaPackage origin per channel, HTTPS only, sending the CDN identifier', () => {
    const { template } = synthOnAir();
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        HttpVersion: 'http2and3',
        PriceClass: 'PriceClass_100',
        IPV6Enabled: true,
        Origins: Match.arrayWith([
          Match.objectLike({
            Id: 'mediapackage-main',
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
            PathPattern: '/live/main/*',
            TargetOriginId: 'mediapackage-main',
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

  test('the router maps every channel and format to its endpoint', () => {
    const cfg = testConfig({
      channels: [
        { id: 'alpha', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
        { id: 'beta', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
      ],
    });
    const { template } = synthOnAir(cfg);
    const [fn] = Object.values(template.findResources('AWS::CloudFront::Function'));
    const code = JSON.stringify(fn?.Properties.FunctionCode);
    for (const key of ['alpha/hls', 'alpha/dash', 'alpha/cmaf', 'beta/hls', 'beta/dash', 'beta/cmaf'])
      expect(code).toContain(key);
    expect(fn?.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const [dist] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    expect(
      dist?.Properties.DistributionConfig.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern),
    ).toEqual(['/live/alpha/*', '/live/beta/*', '/api/playback/*', '/player/*']);
  });
});
