/**
 * API Gateway HTTP API (payload format 2.0) as AWS documents it, built from a synthesized
 * template: which route a request matches and the exact event the integration's function receives.
 * Handler tests take their events from here, never from a hand-written literal, so a handler that
 * reads a field API Gateway does not send for its route fails its tests.
 *
 * What it follows (API Gateway developer guide, "Create routes for HTTP APIs" and "Create AWS
 * Lambda proxy integrations for HTTP APIs"):
 * - route selection: a full match of route and method first (a literal segment is more specific
 *   than a `{variable}`), then a route whose greedy `{proxy+}` covers the rest, then `$default`;
 *   `ANY` only where no route names the method; no match → 404 `{"message":"Not Found"}`;
 * - `pathParameters` holds only the matched route's variables (URL-decoded), and is absent when the
 *   route has none; `routeKey` is the matched route's key;
 * - header names are lower-cased, repeated headers are joined with commas; cookies leave the
 *   headers for the `cookies` array; repeated query parameters are joined with commas; empty
 *   collections are absent;
 * - `requestContext.authorizer` is what the route's AuthorizationType produces: `iam` for AWS_IAM,
 *   `jwt` for JWT, nothing for NONE; `requestContext.accountId` is the API owner's account;
 * - a body whose content type is not text arrives base64-encoded (`isBase64Encoded: true`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

type Json = Record<string, unknown>;
type TemplateLike = { toJSON(): Json } | Json;

export type AuthorizationType = 'NONE' | 'AWS_IAM' | 'JWT' | 'CUSTOM';

export interface ApiRoute {
  readonly routeKey: string;
  /** Upper-case method, or ANY. Empty for $default. */
  readonly method: string;
  /** Path template, e.g. /channels/{id}/status. Empty for $default. */
  readonly path: string;
  readonly authorizationType: AuthorizationType;
  /** Logical id of the Lambda function behind the route's integration. */
  readonly functionLogicalId: string;
  /** Logical id of the route resource. */
  readonly logicalId: string;
}

/** An IAM caller, as SigV4 identifies it to the AWS_IAM authorizer. */
export interface IamCaller {
  readonly accountId: string;
  readonly userArn: string;
  readonly userId?: string;
  readonly accessKey?: string;
}

export interface ApiRequest {
  readonly method: string;
  /** Path plus optional query string, as the client sent it (percent-encoding kept). */
  readonly path: string;
  readonly headers?: Record<string, string | readonly string[]>;
  /** Text or bytes; a body whose content type is not text reaches the function base64-encoded. */
  readonly body?: string | Buffer;
  /** The caller's identity on AWS_IAM routes (a signed request); ignored elsewhere. */
  readonly iam?: IamCaller;
  /** Claims of a valid token on JWT routes; ignored elsewhere. */
  readonly jwtClaims?: Record<string, string>;
  readonly sourceIp?: string;
}

export class RouteNotFound extends Error {
  readonly statusCode = 404;
  readonly body = JSON.stringify({ message: 'Not Found' });
}

/** API Gateway's answer when a route's authorizer refuses the caller. */
export class AuthorizerRefused extends Error {
  constructor(readonly statusCode: 401 | 403) {
    super(statusCode === 401 ? 'Unauthorized' : 'Forbidden');
  }
}

const TEXT_TYPES = [
  /^text\//,
  /^application\/(.+\+)?json\b/,
  /^application\/(.+\+)?xml\b/,
  /^application\/javascript\b/,
];

function resources(template: TemplateLike): Record<string, { Type: string; Properties?: Json }> {
  const json = 'toJSON' in template && typeof template.toJSON === 'function' ? template.toJSON() : template;
  return ((json as Json).Resources ?? {}) as Record<string, { Type: string; Properties?: Json }>;
}

/** `{"Ref": X}` or `{"Fn::Join": ["", ["integrations/", {"Ref": X}]]}` → X. */
function refIn(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Json;
  if (typeof v.Ref === 'string') return v.Ref;
  if (Array.isArray(v['Fn::Join'])) {
    for (const part of (v['Fn::Join'] as unknown[])[1] as unknown[]) {
      const r = refIn(part);
      if (r !== undefined) return r;
    }
  }
  if (Array.isArray(v['Fn::GetAtt'])) return (v['Fn::GetAtt'] as string[])[0];
  return undefined;
}

/** Every route of every HTTP API in a template, with the function its integration invokes. */
export function routesOf(template: TemplateLike): ApiRoute[] {
  const res = resources(template);
  const routes: ApiRoute[] = [];
  for (const [logicalId, r] of Object.entries(res)) {
    if (r.Type !== 'AWS::ApiGatewayV2::Route') continue;
    const p = r.Properties ?? {};
    const routeKey = String(p.RouteKey);
    const integrationId = refIn(p.Target);
    const integration = integrationId === undefined ? undefined : res[integrationId];
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration')
      throw new Error(`route ${routeKey} (${logicalId}) has no integration in the template`);
    const ip = integration.Properties ?? {};
    if (ip.IntegrationType !== 'AWS_PROXY' || ip.PayloadFormatVersion !== '2.0')
      throw new Error(`route ${routeKey}: only Lambda proxy integrations with payload 2.0 are emulated`);
    const fn = refIn(ip.IntegrationUri);
    if (fn === undefined) throw new Error(`route ${routeKey}: integration names no function`);
    const [method, path] = routeKey === '$default' ? ['', ''] : routeKey.split(' ');
    routes.push({
      routeKey,
      method,
      path,
      authorizationType: (p.AuthorizationType as AuthorizationType | undefined) ?? 'NONE',
      functionLogicalId: fn,
      logicalId,
    });
  }
  return routes;
}

interface Match {
  readonly route: ApiRoute;
  readonly pathParameters: Record<string, string>;
  /** Specificity: literal segments, then non-greedy variables (higher wins). */
  readonly rank: readonly number[];
}

function matchPath(route: ApiRoute, segments: readonly string[]): Match | undefined {
  const want = route.path.split('/').slice(1);
  const params: Record<string, string> = {};
  let literals = 0;
  let variables = 0;
  let greedy = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const greedyVar = /^\{(.+)\+\}$/.exec(w);
    if (greedyVar) {
      if (i !== want.length - 1) throw new Error(`greedy variable not last in ${route.path}`);
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[greedyVar[1]] = decodeURIComponent(rest.join('/'));
      greedy = 1;
      break;
    }
    const s = segments[i];
    if (s === undefined) return undefined;
    const variable = /^\{(.+)\}$/.exec(w);
    if (variable) {
      if (s === '') return undefined;
      params[variable[1]] = decodeURIComponent(s);
      variables++;
    } else if (w === s) {
      literals++;
    } else {
      return undefined;
    }
    if (i === want.length - 1 && segments.length !== want.length) return undefined;
  }
  // Full matches (no greedy variable) before greedy ones; then the more literal route.
  return { route, pathParameters: params, rank: [1 - greedy, literals, variables] };
}

function better(a: Match, b: Match): boolean {
  for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] > b.rank[i];
  return false;
}

export interface EmulatorOptions {
  readonly accountId?: string;
  readonly region?: string;
  readonly apiId?: string;
  readonly stage?: string;
}

/** An HTTP API's routing and event mapping, from the template. */
export class HttpApiEmulator {
  readonly routes: readonly ApiRoute[];
  private readonly opts: Required<EmulatorOptions>;

  constructor(template: TemplateLike, opts: EmulatorOptions = {}) {
    this.routes = routesOf(template);
    if (this.routes.length === 0) throw new Error('the template has no HTTP API routes');
    this.opts = {
      accountId: opts.accountId ?? '111122223333',
      region: opts.region ?? 'us-west-2',
      apiId: opts.apiId ?? 'a1b2c3d4e5',
      stage: opts.stage ?? '$default',
    };
  }

  /** The route API Gateway selects for a method and path (no query string), or undefined (404). */
  match(method: string, rawPath: string): Match | undefined {
    const segments = rawPath.split('/').slice(1);
    const m = method.toUpperCase();
    let best: Match | undefined;
    for (const wantAny of [false, true]) {
      for (const route of this.routes) {
        if (route.routeKey === '$default') continue;
        if (wantAny ? route.method !== 'ANY' : route.method !== m) continue;
        const found = matchPath(route, segments);
        if (found && (best === undefined || better(found, best))) best = found;
      }
      if (best) return best;
    }
    const fallback = this.routes.find((r) => r.routeKey === '$default');
    return fallback ? { route: fallback, pathParameters: {}, rank: [] } : undefined;
  }

  /** The route a request selects and the event its function receives; throws RouteNotFound like API Gateway's 404. */
  event(req: ApiRequest): { route: ApiRoute; event: APIGatewayProxyEventV2 } {
    const [rawPath, rawQueryString = ''] = req.path.split(/\?(.*)/s, 2);
    const found = this.match(req.method, rawPath);
    if (found === undefined) throw new RouteNotFound(`no route for ${req.method} ${rawPath}`);
    const { route } = found;

    const headers: Record<string, string> = {};
    let cookies: string[] = [];
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      const values = typeof value === 'string' ? [value] : [...value];
      const key = name.toLowerCase();
      if (key === 'cookie') {
        cookies = cookies.concat(values.flatMap((v) => v.split(/;\s*/).filter((c) => c !== '')));
        continue;
      }
      headers[key] = headers[key] === undefined ? values.join(',') : `${headers[key]},${values.join(',')}`;
    }
    const host = `${this.opts.apiId}.execute-api.${this.opts.region}.amazonaws.com`;
    headers.host ??= host;

    const query: Record<string, string> = {};
    for (const pair of rawQueryString === '' ? [] : rawQueryString.split('&')) {
      const [k, v = ''] = pair.split(/=(.*)/s, 2);
      const key = decodeURIComponent(k.replace(/\+/g, ' '));
      const value = decodeURIComponent(v.replace(/\+/g, ' '));
      query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
    }

    let body: string | undefined;
    let isBase64Encoded = false;
    if (req.body !== undefined && req.body.length > 0) {
      const type = headers['content-type'] ?? '';
      const text = TEXT_TYPES.some((t) => t.test(type));
      if (text && typeof req.body === 'string') body = req.body;
      else {
        body = Buffer.from(req.body).toString('base64');
        isBase64Encoded = true;
      }
    }

    let authorizer: Json | undefined;
    if (route.authorizationType === 'AWS_IAM') {
      if (req.iam === undefined) throw new AuthorizerRefused(403);
      const userId = req.iam.userId ?? 'AIDACKCEVSQ6C2EXAMPLE';
      authorizer = {
        iam: {
          accessKey: req.iam.accessKey ?? 'ASIAIOSFODNN7EXAMPLE',
          accountId: req.iam.accountId,
          callerId: userId,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: req.iam.userArn,
          userId,
        },
      };
    } else if (route.authorizationType === 'JWT') {
      if (req.jwtClaims === undefined) throw new AuthorizerRefused(401);
      authorizer = { jwt: { claims: { ...req.jwtClaims }, scopes: null } };
    } else if (route.authorizationType === 'CUSTOM') {
      throw new Error(`route ${route.routeKey}: Lambda authorizers are not emulated`);
    }

    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath,
      rawQueryString,
      ...(cookies.length > 0 ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId: this.opts.accountId,
        apiId: this.opts.apiId,
        ...(authorizer ? { authorizer } : {}),
        domainName: headers.host,
        domainPrefix: this.opts.apiId,
        http: {
          method: req.method.toUpperCase(),
          path: rawPath,
          protocol: 'HTTP/1.1',
          sourceIp: req.sourceIp ?? '198.51.100.7',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: `req-${now.getTime().toString(36)}`,
        routeKey: route.routeKey,
        stage: this.opts.stage,
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body !== undefined ? { body } : {}),
      ...(Object.keys(found.pathParameters).length > 0 ? { pathParameters: found.pathParameters } : {}),
      isBase64Encoded,
    };
    return { route, event: event as unknown as APIGatewayProxyEventV2 };
  }
}
