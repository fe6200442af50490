/**
 * CloudFront cache, origin request and response headers policies: what reaches the origin and
 * which headers CloudFront adds to a response. Template policies are read from their
 * CloudFormation properties; managed policies from the developer guide's tables ("Use managed
 * cache policies", "Use managed origin request policies"). A policy id that is neither throws.
 */

type Json = Record<string, unknown>;

/** Which viewer values a policy passes to the origin. */
export type Selection =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'only'; readonly names: readonly string[] }
  | { readonly kind: 'allExcept'; readonly names: readonly string[] };

export interface Forwarding {
  readonly headers: Selection;
  readonly cookies: Selection;
  readonly query: Selection;
  /** Accept-Encoding normalised to gzip/br (a cache policy's EnableAcceptEncoding*). */
  readonly acceptEncoding: { readonly gzip: boolean; readonly br: boolean };
}

const NONE: Selection = { kind: 'none' };
const ALL: Selection = { kind: 'all' };

/** Managed cache policies: what they put in the cache key (and so forward). */
const MANAGED_CACHE: Record<string, Forwarding> = {
  // CachingOptimized
  '658327ea-f89d-4fab-a63d-7e88639e58f6': {
    headers: NONE,
    cookies: NONE,
    query: NONE,
    acceptEncoding: { gzip: true, br: true },
  },
  // CachingDisabled
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': {
    headers: NONE,
    cookies: NONE,
    query: NONE,
    acceptEncoding: { gzip: false, br: false },
  },
  // CachingOptimizedForUncompressedObjects
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': {
    headers: NONE,
    cookies: NONE,
    query: NONE,
    acceptEncoding: { gzip: false, br: false },
  },
};

/** Managed origin request policies. */
const MANAGED_ORIGIN_REQUEST: Record<string, Omit<Forwarding, 'acceptEncoding'>> = {
  // AllViewer
  '216adef6-5c7f-47e4-b989-5492eafa07d3': { headers: ALL, cookies: ALL, query: ALL },
  // AllViewerExceptHostHeader
  'b689b0a8-53d0-40ab-baf2-68738e2966ac': {
    headers: { kind: 'allExcept', names: ['host'] },
    cookies: ALL,
    query: ALL,
  },
  // CORS-S3Origin
  '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf': {
    headers: {
      kind: 'only',
      names: ['origin', 'access-control-request-headers', 'access-control-request-method'],
    },
    cookies: NONE,
    query: NONE,
  },
};

function items(config: unknown): string[] {
  const c = (config ?? {}) as { Items?: unknown };
  return Array.isArray(c.Items) ? c.Items.map(String) : [];
}

function selection(behavior: unknown, names: unknown, lower: boolean): Selection {
  const list = (Array.isArray(names) ? names.map(String) : items(names)).map((n) =>
    lower ? n.toLowerCase() : n,
  );
  switch (behavior) {
    case undefined:
    case 'none':
      return NONE;
    case 'all':
    case 'allViewer':
      return ALL;
    case 'whitelist':
      return { kind: 'only', names: list };
    case 'allExcept':
      return { kind: 'allExcept', names: list };
    case 'allViewerAndWhitelistCloudFront':
      return ALL;
    default:
      throw new Error(`policy behavior ${String(behavior)} is not emulated`);
  }
}

/** A cache policy's forwarding, from a managed id or its CachePolicyConfig. */
export function cachePolicyForwarding(id: string, config: Json | undefined): Forwarding {
  const managed = MANAGED_CACHE[id];
  if (managed) return managed;
  if (config === undefined) throw new Error(`cache policy ${id} is neither managed nor in the template`);
  const p = (config.ParametersInCacheKeyAndForwardedToOrigin ?? {}) as Json;
  const h = (p.HeadersConfig ?? {}) as Json;
  const c = (p.CookiesConfig ?? {}) as Json;
  const q = (p.QueryStringsConfig ?? {}) as Json;
  return {
    headers: selection(h.HeaderBehavior, h.Headers, true),
    cookies: selection(c.CookieBehavior, c.Cookies, false),
    query: selection(q.QueryStringBehavior, q.QueryStrings, false),
    acceptEncoding: { gzip: p.EnableAcceptEncodingGzip === true, br: p.EnableAcceptEncodingBrotli === true },
  };
}

/** An origin request policy's forwarding, from a managed id or its OriginRequestPolicyConfig. */
export function originRequestForwarding(
  id: string,
  config: Json | undefined,
): Omit<Forwarding, 'acceptEncoding'> {
  const managed = MANAGED_ORIGIN_REQUEST[id];
  if (managed) return managed;
  if (config === undefined)
    throw new Error(`origin request policy ${id} is neither managed nor in the template`);
  const h = (config.HeadersConfig ?? {}) as Json;
  const c = (config.CookiesConfig ?? {}) as Json;
  const q = (config.QueryStringsConfig ?? {}) as Json;
  return {
    headers: selection(h.HeaderBehavior, h.Headers, true),
    cookies: selection(c.CookieBehavior, c.Cookies, false),
    query: selection(q.QueryStringBehavior, q.QueryStrings, false),
  };
}

/** What either policy forwards (the origin request policy adds to the cache key's values). */
export function union(a: Selection, b: Selection): Selection {
  if (a.kind === 'all' || b.kind === 'all') return ALL;
  if (a.kind === 'none') return b;
  if (b.kind === 'none') return a;
  if (a.kind === 'only' && b.kind === 'only') return { kind: 'only', names: [...a.names, ...b.names] };
  const except = a.kind === 'allExcept' ? a : (b as Extract<Selection, { kind: 'allExcept' }>);
  const other = except === a ? b : a;
  const names = except.names.filter((n) => !(other.kind === 'only' && other.names.includes(n)));
  return other.kind === 'allExcept'
    ? { kind: 'allExcept', names: names.filter((n) => other.names.includes(n)) }
    : { kind: 'allExcept', names };
}

export function selects(s: Selection, name: string): boolean {
  switch (s.kind) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'only':
      return s.names.includes(name);
    case 'allExcept':
      return !s.names.includes(name);
  }
}

/** A ResponseHeadersPolicyConfig (template) or undefined (no policy). */
export type ResponseHeadersPolicy = Json;

type Headers = Record<string, string | string[]>;

function set(headers: Headers, name: string, value: string, override: boolean): void {
  const key = name.toLowerCase();
  if (!override && headers[key] !== undefined) return;
  headers[key] = value;
}

/**
 * Adds a response headers policy's headers to a response (developer guide, "Understand response
 * headers policies"): CORS headers when the request has an Origin the policy allows (preflight
 * headers on an OPTIONS request with Access-Control-Request-Method), security headers, custom
 * headers, removed headers; each with its Override / OriginOverride.
 */
export function applyResponseHeaders(
  policy: ResponseHeadersPolicy | undefined,
  request: { method: string; headers: Readonly<Record<string, readonly string[]>> },
  headers: Headers,
): void {
  if (policy === undefined) return;
  const cors = policy.CorsConfig as Json | undefined;
  const origin = request.headers.origin?.[0];
  if (cors && origin !== undefined) {
    const override = cors.OriginOverride === true;
    const origins = items(cors.AccessControlAllowOrigins);
    if (origins.includes('*') || origins.includes(origin)) {
      set(headers, 'access-control-allow-origin', origins.includes('*') ? '*' : origin, override);
      if (cors.AccessControlAllowCredentials === true)
        set(headers, 'access-control-allow-credentials', 'true', override);
      const expose = items(cors.AccessControlExposeHeaders);
      if (expose.length > 0) set(headers, 'access-control-expose-headers', expose.join(','), override);
      const preflight =
        request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
      if (preflight) {
        const methods = items(cors.AccessControlAllowMethods);
        const all = ['GET', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
        set(
          headers,
          'access-control-allow-methods',
          (methods.includes('ALL') ? all : methods).join(','),
          override,
        );
        const allowHeaders = items(cors.AccessControlAllowHeaders);
        if (allowHeaders.length > 0)
          set(headers, 'access-control-allow-headers', allowHeaders.join(','), override);
        if (typeof cors.AccessControlMaxAgeSec === 'number')
          set(headers, 'access-control-max-age', String(cors.AccessControlMaxAgeSec), override);
      }
    }
  }
  const sec = (policy.SecurityHeadersConfig ?? {}) as Record<string, Json | undefined>;
  const csp = sec.ContentSecurityPolicy;
  if (csp) set(headers, 'content-security-policy', String(csp.ContentSecurityPolicy), csp.Override === true);
  const hsts = sec.StrictTransportSecurity;
  if (hsts) {
    const parts = [`max-age=${String(hsts.AccessControlMaxAgeSec)}`];
    if (hsts.IncludeSubdomains === true) parts.push('includeSubDomains');
    if (hsts.Preload === true) parts.push('preload');
    set(headers, 'strict-transport-security', parts.join('; '), hsts.Override === true);
  }
  const cto = sec.ContentTypeOptions;
  if (cto) set(headers, 'x-content-type-options', 'nosniff', cto.Override === true);
  const fo = sec.FrameOptions;
  if (fo) set(headers, 'x-frame-options', String(fo.FrameOption), fo.Override === true);
  const rp = sec.ReferrerPolicy;
  if (rp) set(headers, 'referrer-policy', String(rp.ReferrerPolicy), rp.Override === true);
  const xss = sec.XSSProtection;
  if (xss) {
    const value = xss.Protection === true ? (xss.ModeBlock === true ? '1; mode=block' : '1') : '0';
    set(headers, 'x-xss-protection', value, xss.Override === true);
  }
  for (const h of ((policy.CustomHeadersConfig as Json | undefined)?.Items ?? []) as Json[])
    set(headers, String(h.Header), String(h.Value), h.Override === true);
  for (const h of ((policy.RemoveHeadersConfig as Json | undefined)?.Items ?? []) as Json[])
    delete headers[String(h.Header).toLowerCase()];
}
