import { Aws, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CLIPS_PREFIX, LIVE_PATH_PATTERN, RECORDINGS_PREFIX } from '../../../lambda/shared/contract';
import { CDN_IDENTIFIER_HEADER, type CdnAuthorization } from '../channel/cdn-authorization';
import { PLAYER_FILES, PLAYER_PATH } from '../playback/player';
import { DistributionMetrics } from './distribution-metrics';
import { apiRouterSource, NOT_FOUND_SOURCE } from './functions/api-router';
import { LIVE_ROUTER_SOURCE } from './functions/live-router';
import { playerRouterSource } from './functions/player-router';

export type GeoRestrictionConfig =
  | { readonly type: 'none' }
  | { readonly type: 'allow' | 'deny'; readonly countries: readonly string[] };

/** Props for {@link Delivery}. */
export interface DeliveryProps {
  /** The CDN identifier every live origin request carries (MediaPackage's CDN authorization). */
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
   * The archive bucket: its `recordings/` and `clips/` prefixes are served at `/recordings/*` and
   * `/clips/*` through origin access control, signed sessions required; nothing else of the bucket
   * (the raw MPEG-TS archive, thumbnails) is readable by the distribution.
   * @default - no /recordings/* and /clips/* behaviors
   */
  readonly archiveBucket?: s3.IBucket;
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

/** Key prefixes of the archive bucket the distribution serves, each at `/<prefix>*` (the viewer path is the key). */
export const ARCHIVE_SERVED_PREFIXES = [RECORDINGS_PREFIX, CLIPS_PREFIX] as const;

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

/** Id of the one live origin (the behavior's; every request overrides its domain). */
export const LIVE_ORIGIN_ID = 'mediapackage';

/**
 * The deployment's one CloudFront distribution, the same whatever the number of channels: one
 * live behavior `/out/v1/*` (MediaPackage v1's own path, signed sessions required) with one
 * origin carrying the CDN identifier header. Its viewer-request function looks each request's
 * endpoint path id up in the route table (a CloudFront KeyValueStore that each channel's stack
 * writes at deploy) and sends the request to that endpoint's MediaPackage host; an unknown id is
 * a 404 answered at the edge. Adding or removing a channel changes the table, never the
 * distribution or the function.
 */
export class Delivery extends Construct {
  public readonly distribution: cloudfront.Distribution;
  /** The live behavior's viewer-request function (lib/constructs/functions/live-router.ts). */
  public readonly router: cloudfront.Function;
  /** The route table: endpoint path id → MediaPackage host, read by {@link router}. */
  public readonly routeTable: cloudfront.KeyValueStore;
  /** Answers 404 on the default behavior (paths outside every configured behavior). */
  public readonly notFound: cloudfront.Function;
  /** Strips `/api` for the control API's viewer routes. */
  public readonly apiRouter?: cloudfront.Function;
  /** Serves `/player/` as `/player/index.html`; 404 for anything but the player's files. */
  public readonly playerRouter?: cloudfront.Function;
  public readonly mediaCachePolicy: cloudfront.CachePolicy;
  /** Recordings and clips (immutable once written): long TTLs whatever the origin says. */
  public readonly vodCachePolicy?: cloudfront.CachePolicy;
  /** Signs the distribution's requests to the archive bucket (origin access control). */
  public readonly archiveAccessControl?: cloudfront.S3OriginAccessControl;
  public readonly corsPolicy: cloudfront.ResponseHeadersPolicy;
  /** Host name viewers use: the custom domain or the distribution's cloudfront.net name. */
  public readonly domainName: string;
  /** The distribution's CloudFront metrics (us-east-1). */
  public readonly metrics: DistributionMetrics;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);

    // Empty at creation: each channel's registration custom resource writes its endpoints
    // (an import source is read only when the store is created, and holds no deploy-time values).
    this.routeTable = new cloudfront.KeyValueStore(this, 'RouteTable', {
      comment: 'OnAir live routes: MediaPackage endpoint path id -> host (written by each channel stack)',
    });
    this.router = new cloudfront.Function(this, 'Router', {
      comment:
        "OnAir: /out/v1/<endpoint>/<file> -> that endpoint's MediaPackage host (route table); else 404",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(LIVE_ROUTER_SOURCE),
      keyValueStore: this.routeTable,
    });
    // A function associated with a store still being created fails to deploy ("The KVS cannot be
    // associated before the resource is provisioned", aws-solutions-library-samples/
    // secure-media-delivery-at-the-edge-on-aws#37): wait for the store explicitly.
    this.router.node.addDependency(this.routeTable);

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

    // The one live origin. Its domain is only a placeholder that every routed request replaces
    // (cf.updateRequestOrigin({ domainName }), which may name any HTTP host and inherits this
    // origin's other settings: HTTPS only, TLS 1.2, timeouts and the CDN identifier header).
    // MediaPackage's regional API host is a valid name in AWS's own domain that no request ever
    // reaches: the function either routes a request or answers 404 itself.
    const liveOrigin = new origins.HttpOrigin(`mediapackage.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
      originId: LIVE_ORIGIN_ID,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { [CDN_IDENTIFIER_HEADER]: props.cdnAuthorization.headerValue() },
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

    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {
      [LIVE_PATH_PATTERN]: behaviorFor(liveOrigin),
    };

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

    const archiveBucket = props.archiveBucket;
    if (archiveBucket !== undefined) {
      // A recording's files never change once it is READY (no session is issued before; its
      // playlists are #EXT-X-PLAYLIST-TYPE:VOD, which RFC 8216 section 4.3.3.5 says cannot
      // change), and a clip's once harvested. An object's own Cache-Control wins within these
      // TTLs: the harvest sets none on segments and clips (CloudFront keeps them the default 30
      // days), the join sets max-age=300 on the joined playlists (a re-join shows within five
      // minutes) and a year, immutable, on the poster. Deleting or unpublishing needs no
      // invalidation: every request, cache hit or miss, needs a signature for that recording's
      // path, and no session is issued for it any more; a cached copy is only reachable by
      // sessions issued before, until they expire (playback.sessionTtlMinutes, at most 24 hours).
      this.vodCachePolicy = new cloudfront.CachePolicy(this, 'VodCachePolicy', {
        comment:
          'OnAir recordings and clips: immutable files, long TTLs; no query string, header or cookie in the key',
        minTtl: Duration.seconds(0),
        defaultTtl: Duration.days(30),
        maxTtl: Duration.days(365),
        queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
        headerBehavior: cloudfront.CacheHeaderBehavior.none(),
        cookieBehavior: cloudfront.CacheCookieBehavior.none(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      });
      this.archiveAccessControl = new cloudfront.S3OriginAccessControl(this, 'ArchiveAccessControl', {
        description: 'OnAir: the distribution reads recordings/ and clips/ of the archive bucket',
        signing: cloudfront.Signing.SIGV4_ALWAYS,
      });
      // Origin access control without S3BucketOrigin.withOriginAccessControl's bucket policy,
      // which would grant GetObject on every key (the raw archive and thumbnails too): the
      // statement below grants the served prefixes only.
      const archive = origins.S3BucketOrigin.withBucketDefaults(archiveBucket, {
        originId: 'archive',
        originAccessControlId: this.archiveAccessControl.originAccessControlId,
      });
      for (const prefix of ARCHIVE_SERVED_PREFIXES) {
        // The viewer path is the object key: no function rewrites it, so a session's policy names
        // the URI CloudFront checks under either order (DESIGN.md, decision 7).
        additionalBehaviors[`/${prefix}*`] = {
          origin: archive,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
          cachePolicy: this.vodCachePolicy,
          responseHeadersPolicy: this.corsPolicy,
          compress: true,
          trustedKeyGroups: props.trustedKeyGroups ? [...props.trustedKeyGroups] : undefined,
        };
      }
    }

    this.notFound = new cloudfront.Function(this, 'NotFound', {
      comment:
        'OnAir: 404 for every path outside /out/v1/, /api/playback/, /player/, /recordings/ and /clips/',
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

    this.distribution = new cloudfront.Distribution(this, 'Resource', {
      comment: `OnAir ${Stack.of(this).stackName}`,
      // The default behavior only answers 404 and never reaches an origin, so it needs no key
      // group (an unknown path stays a 404 rather than a 403). Live media is /out/v1/*, which
      // requires a signed session.
      defaultBehavior: {
        ...behaviorFor(liveOrigin),
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
    if (archiveBucket !== undefined) {
      // Origin access control's bucket policy (CloudFront Developer Guide, "Restricting access to
      // an Amazon S3 origin"): the CloudFront service principal, conditioned on this distribution's
      // ARN, reading only the served prefixes. The bucket is SSE-S3 (not SSE-KMS), so no key policy
      // is needed. Same stack as the bucket: the policy depends on the distribution, the
      // distribution on the bucket, no cycle.
      archiveBucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudFrontReadsRecordingsAndClips',
          principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
          actions: ['s3:GetObject'],
          resources: ARCHIVE_SERVED_PREFIXES.map((p) => archiveBucket.arnForObjects(`${p}*`)),
          conditions: { StringEquals: { 'AWS:SourceArn': this.distribution.distributionArn } },
        }),
      );
    }
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
        'live media, recordings and clips answer only CloudFront-signed requests (trusted key group); the unsigned routes are /player/* (static files from S3) and /api/playback/* (the session API, which API Gateway throttles per route and which refuses unknown channels); WAF adds a per-request fee and is left to the operator',
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

  /**
   * Lets `grantee` write the route table (what each channel's registration does at deploy).
   * KeyValueStore writes name the store's ETag: DescribeKeyValueStore, then UpdateKeys (GetKey
   * to skip keys already gone). Service Authorization Reference, "Amazon CloudFront KeyValueStore".
   */
  public grantRouteTableWrite(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'cloudfront-keyvaluestore:DescribeKeyValueStore',
        'cloudfront-keyvaluestore:GetKey',
        'cloudfront-keyvaluestore:UpdateKeys',
      ],
      resourceArns: [this.routeTable.keyValueStoreArn],
    });
  }

  /** `https://<domain><path>`: a public URL on the host viewers use. */
  public urlOf(path: string): string {
    return Fn.join('', ['https://', this.domainName, path]);
  }
}
