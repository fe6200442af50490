import { Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CDN_IDENTIFIER_HEADER, type CdnAuthorization } from '../channel/cdn-authorization';
import { type Packaging, PackagingFormat } from '../channel/packaging';
import { PLAYER_FILES, PLAYER_PATH } from '../playback/player';
import { DistributionMetrics } from './distribution-metrics';
import { apiRouterSource, NOT_FOUND_SOURCE } from './functions/api-router';
import { liveRouterSource } from './functions/live-router';
import { playerRouterSource } from './functions/player-router';

/** A channel the distribution serves under `/live/<channelId>/<hls|dash|cmaf>/…`. */
export interface DeliveryChannel {
  readonly channelId: string;
  readonly packaging: Packaging;
}

export type GeoRestrictionConfig =
  | { readonly type: 'none' }
  | { readonly type: 'allow' | 'deny'; readonly countries: readonly string[] };

/** Props for {@link Delivery}. */
export interface DeliveryProps {
  readonly channels: readonly DeliveryChannel[];
  readonly cdnAuthorization: CdnAuthorization;
  /** Receives CloudFront standard logs (needs ACLs enabled). */
  readonly logBucket: s3.IBucket;
  /**
   * @default - PriceClass_100 (North America and Europe edges)
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * @default - no geographic restriction
   */
  readonly geoRestriction?: GeoRestrictionConfig;
  /**
   * Custom domain and its ACM certificate (which CloudFront requires in us-east-1).
   * @default - the distribution's *.cloudfront.net name
   */
  readonly customDomain?: { readonly domainName: string; readonly certificate: acm.ICertificate };
  /**
   * Origins allowed to play from a browser (CORS).
   * @default - any origin
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * Key groups whose signatures the media behaviors require.
   * @default - media plays unsigned
   */
  readonly trustedKeyGroups?: readonly cloudfront.IKeyGroup[];
  /**
   * Host name of the control API whose viewer routes (`/playback/…`) the distribution serves at
   * `/api/playback/…`, so session cookies are set by the media's own host.
   * @default - no /api/playback/* behavior
   */
  readonly playbackApiDomainName?: string;
  /**
   * Bucket holding the demo player under `player/` (lib/constructs/playback/player.ts), served at
   * `/player/*` through origin access control.
   * @default - no /player/* behavior
   */
  readonly playerBucket?: s3.IBucket;
  /**
   * Custom headers CloudFront adds to every `/api/playback/*` origin request.
   * @default - none
   */
  readonly playbackApiOriginHeaders?: Readonly<Record<string, string>>;
  /**
   * Answer IPv6 DNS queries. CloudFront's API reference (IsIPV6Enabled) says not to enable IPv6
   * when signed URLs or cookies use a custom policy with IpAddress (sessions bound to the viewer).
   * @default - true
   */
  readonly enableIpv6?: boolean;
}

/** Path pattern of the viewer API behavior. */
export const PLAYBACK_API_PATH = '/api/playback/*';

/** Path pattern of the demo player's behavior. */
export const PLAYER_PATH_PATTERN = `${PLAYER_PATH}*`;

/**
 * Content Security Policy of the player: its own scripts, styles and hls.js worker only; media
 * from this host, and MediaSource objects (blob:) for hls.js; no other origin, no framing.
 */
export const PLAYER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** MediaPackage v1 query parameters that change the response (time-shift, manifest filter). */
const MEDIAPACKAGE_QUERY_PARAMS = ['start', 'end', 'time_delay', 'aws.manifestfilter', 'm'];

/**
 * The deployment's one CloudFront distribution. Each channel has one origin (its MediaPackage
 * endpoints share a host) and one behavior `/live/<channelId>/*`; a viewer-request function
 * maps `/live/<channelId>/<format>/<file>` onto the endpoint's generated `/out/v1/<id>/<file>`
 * and answers 404 for anything else.
 */
export class Delivery extends Construct {
  public readonly distribution: cloudfront.Distribution;
  public readonly router: cloudfront.Function;
  /** Answers 404 on the default behavior (paths outside every configured behavior). */
  public readonly notFound: cloudfront.Function;
  /** Strips `/api` for the control API's viewer routes. */
  public readonly apiRouter?: cloudfront.Function;
  /** Serves `/player/` as `/player/index.html`; 404 for anything but the player's files. */
  public readonly playerRouter?: cloudfront.Function;
  public readonly mediaCachePolicy: cloudfront.CachePolicy;
  public readonly corsPolicy: cloudfront.ResponseHeadersPolicy;
  /** Host name viewers use: the custom domain or the distribution's cloudfront.net name. */
  public readonly domainName: string;
  /** The distribution's CloudFront metrics (us-east-1). */
  public readonly metrics: DistributionMetrics;
  private readonly channels: readonly DeliveryChannel[];

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    if (props.channels.length === 0) throw new Error('delivery needs at least one channel');
    this.channels = props.channels;
    const ids = props.channels.map((c) => c.channelId);
    const dup = ids.find((c, i) => ids.indexOf(c) !== i);
    if (dup !== undefined) throw new Error(`channel id "${dup}" is listed twice; channel ids must be unique`);

    const routes: Record<string, string> = {};
    for (const ch of props.channels) {
      for (const format of Object.values(PackagingFormat)) {
        routes[`${ch.channelId}/${format}`] = ch.packaging.endpointPathPrefix(format);
      }
    }
    this.router = new cloudfront.Function(this, 'Router', {
      comment: 'OnAir: /live/<channel>/<format>/<file> -> MediaPackage /out/v1/<id>/<file>',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(liveRouterSource(routes)),
    });

    // Manifests carry a short max-age from MediaPackage and segments a long one: honouring the
    // origin's Cache-Control serves both from one policy. The signing parameters (Policy,
    // Signature, Key-Pair-Id, Expires) are deliberately not in the key: one cached copy
    // serves every viewer.
    this.mediaCachePolicy = new cloudfront.CachePolicy(this, 'MediaCachePolicy', {
      comment: 'OnAir live media: honour MediaPackage Cache-Control; MediaPackage query parameters only',
      minTtl: Duration.seconds(1),
      defaultTtl: Duration.seconds(2),
      maxTtl: Duration.days(365),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList(...MEDIAPACKAGE_QUERY_PARAMS),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const allowed = props.corsAllowedOrigins ?? ['*'];
    // CORS answered at the edge from config, so Origin need not enter the cache key.
    this.corsPolicy = this.corsHeadersPolicy('CorsPolicy', {
      comment: 'OnAir media: CORS for browser players, security headers',
      allowedOrigins: allowed,
      methods: ['GET', 'HEAD', 'OPTIONS'],
      headers: ['Range', 'Origin', 'Accept', 'Content-Type'],
      exposeHeaders: ['Content-Length', 'Content-Range', 'Date'],
    });

    const cdnHeader = props.cdnAuthorization.headerValue();
    const originOf = (ch: DeliveryChannel) =>
      new origins.HttpOrigin(ch.packaging.originDomainName, {
        originId: `mediapackage-${ch.channelId}`,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        customHeaders: { [CDN_IDENTIFIER_HEADER]: cdnHeader },
        connectionAttempts: 3,
        connectionTimeout: Duration.seconds(5),
        readTimeout: Duration.seconds(10),
      });
    const behaviorFor = (origin: cloudfront.IOrigin): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy: this.mediaCachePolicy,
      responseHeadersPolicy: this.corsPolicy,
      compress: true,
      functionAssociations: [
        { function: this.router, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
      trustedKeyGroups: props.trustedKeyGroups ? [...props.trustedKeyGroups] : undefined,
    });

    const channelOrigins = props.channels.map((ch) => ({ ch, origin: originOf(ch) }));
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const { ch, origin } of channelOrigins)
      additionalBehaviors[`/live/${ch.channelId}/*`] = behaviorFor(origin);

    if (props.playbackApiDomainName !== undefined) {
      this.apiRouter = new cloudfront.Function(this, 'ApiRouter', {
        comment: 'OnAir: /api/playback/* -> control API /playback/*; CORS preflight',
        runtime: cloudfront.FunctionRuntime.JS_2_0,
        code: cloudfront.FunctionCode.fromInline(apiRouterSource(allowed)),
      });
      const apiCors = this.corsHeadersPolicy('ApiCorsPolicy', {
        comment: 'OnAir playback API: CORS for players on other origins',
        allowedOrigins: allowed,
        methods: ['POST', 'OPTIONS'],
        headers: ['Authorization', 'Content-Type'],
      });
      // Never cached (each response is a credential). Every viewer header but Host reaches the
      // API (API Gateway answers only its own host name). The jwt channels' Authorization header
      // reaches it only because a managed AllViewer* origin request policy may forward it when
      // the cache policy disables caching; a custom origin request policy cannot. The session is
      // not signed media, so this behavior has no trusted key group.
      additionalBehaviors[PLAYBACK_API_PATH] = {
        origin: new origins.HttpOrigin(props.playbackApiDomainName, {
          originId: 'control-api',
          customHeaders: props.playbackApiOriginHeaders ? { ...props.playbackApiOriginHeaders } : undefined,
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          readTimeout: Duration.seconds(10),
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: apiCors,
        compress: true,
        functionAssociations: [
          { function: this.apiRouter, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      };
    }

    if (props.playerBucket !== undefined) {
      this.playerRouter = new cloudfront.Function(this, 'PlayerRouter', {
        comment: 'OnAir: /player/ -> /player/index.html; 404 outside the player files',
        runtime: cloudfront.FunctionRuntime.JS_2_0,
        code: cloudfront.FunctionCode.fromInline(playerRouterSource(PLAYER_FILES)),
      });
      const playerHeaders = new cloudfront.ResponseHeadersPolicy(this, 'PlayerHeadersPolicy', {
        comment: 'OnAir demo player: CSP (same origin only), no framing, no referrer',
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy: PLAYER_CSP, override: true },
          strictTransportSecurity: {
            accessControlMaxAge: Duration.days(365),
            includeSubdomains: false,
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        },
      });
      // The page is public; the media it plays needs the session, so no trusted key group here.
      additionalBehaviors[PLAYER_PATH_PATTERN] = {
        origin: origins.S3BucketOrigin.withOriginAccessControl(props.playerBucket, { originId: 'player' }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        // Honours the files' Cache-Control (set by the deployment), without query strings.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: playerHeaders,
        compress: true,
        functionAssociations: [
          { function: this.playerRouter, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      };
    }

    this.notFound = new cloudfront.Function(this, 'NotFound', {
      comment: 'OnAir: 404 for every path outside /live/<channel>/ and /api/playback/',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(NOT_FOUND_SOURCE),
    });

    const geo = props.geoRestriction ?? { type: 'none' };
    const geoRestriction =
      geo.type === 'allow'
        ? cloudfront.GeoRestriction.allowlist(...geo.countries)
        : geo.type === 'deny'
          ? cloudfront.GeoRestriction.denylist(...geo.countries)
          : undefined;

    const first = channelOrigins[0];
    if (first === undefined) throw new Error('delivery needs at least one channel');
    this.distribution = new cloudfront.Distribution(this, 'Resource', {
      comment: `OnAir ${Stack.of(this).stackName}`,
      // The default behavior only answers 404 and never reaches an origin, so it needs no key
      // group (an unknown path stays a 404 rather than a 403). Every /live/<channel>/ path has
      // its own behavior, which requires a signed session.
      defaultBehavior: {
        ...behaviorFor(first.origin),
        trustedKeyGroups: undefined,
        functionAssociations: [
          { function: this.notFound, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      geoRestriction,
      domainNames: props.customDomain ? [props.customDomain.domainName] : undefined,
      certificate: props.customDomain ? props.customDomain.certificate : undefined,
      minimumProtocolVersion: props.customDomain
        ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
        : undefined,
      enableIpv6: props.enableIpv6 ?? true,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      errorResponses: [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504].map((httpStatus) => ({
        httpStatus,
        ttl: Duration.seconds(1),
      })),
    });
    this.domainName = props.customDomain?.domainName ?? this.distribution.distributionDomainName;
    this.metrics = new DistributionMetrics(this.distribution.distributionId);

    if (props.customDomain === undefined) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'without a custom domain CloudFront serves *.cloudfront.net with its default certificate, whose policy CloudFront fixes; set delivery.customDomain to enforce TLSv1.2_2021',
      });
    }
    if (geo.type === 'none') {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR1',
        reason:
          'geo restriction is a per-deployment business choice (delivery.geoRestriction); the default serves everywhere',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'live media answers only CloudFront-signed requests (trusted key group); the unsigned routes are /player/* (static files from S3) and /api/playback/* (the session API, which API Gateway throttles per route and which refuses unknown channels); WAF adds a per-request fee and is left to the operator',
    });
  }

  /**
   * CORS from config plus HSTS and nosniff. Cookie-authenticated players (withCredentials) need
   * credentials allowed, which the CORS spec forbids together with a wildcard origin.
   */
  private corsHeadersPolicy(
    id: string,
    opts: {
      comment: string;
      allowedOrigins: readonly string[];
      methods: string[];
      headers: string[];
      exposeHeaders?: string[];
    },
  ): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, id, {
      comment: opts.comment,
      corsBehavior: {
        accessControlAllowOrigins: [...opts.allowedOrigins],
        accessControlAllowMethods: opts.methods,
        accessControlAllowHeaders: opts.headers,
        accessControlExposeHeaders: opts.exposeHeaders,
        accessControlAllowCredentials: !opts.allowedOrigins.includes('*'),
        accessControlMaxAge: Duration.minutes(10),
        originOverride: true,
      },
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: false,
          override: true,
        },
        contentTypeOptions: { override: true },
      },
    });
  }

  /** The public manifest URL of a channel's format. */
  public playbackUrl(channelId: string, format: PackagingFormat): string {
    return Fn.join('', ['https://', this.domainName, this.playbackPath(channelId, format)]);
  }

  /** The viewer-facing path of a channel's manifest: `/live/<channel>/<format>/<manifest>`. */
  public playbackPath(channelId: string, format: PackagingFormat): string {
    const ch = this.channels.find((c) => c.channelId === channelId);
    if (ch === undefined) throw new Error(`unknown channel "${channelId}"`);
    return `/live/${channelId}/${format}/${ch.packaging.manifestPath(format)}`;
  }
}
