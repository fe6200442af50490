/**
 * A local stand-in for the deployment's CloudFront distribution, served over HTTPS on 127.0.0.1.
 * For each request it does what the distribution's configuration says, in CloudFront's order:
 *
 * 1. the first behavior whose path pattern matches (else the default); a method outside its
 *    AllowedMethods is 403;
 * 2. on a behavior with trusted key groups, the signed URL or cookies are checked ({@link
 *    checkSignature}) against the URI the viewer sent or the one the viewer-request function
 *    rewrote it to: CloudFront does not document the order, so it is a switch
 *    ({@link SignatureUri}); a refused request is CloudFront's 403 XML error;
 * 3. the viewer-request function runs (node:vm); a response it returns goes to the viewer;
 * 4. the origin request carries what the cache and origin request policies forward (query strings,
 *    headers, cookies), the origin's custom headers, Host (the origin's domain unless forwarded),
 *    X-Forwarded-For and Via; it goes to the local server standing in for that origin's domain;
 * 5. the response headers policy is applied to whatever reaches the viewer.
 *
 * Not emulated: caching (every request reaches the origin), compression, range requests, HTTP/2
 * and HTTP/3, plain-HTTP viewers (redirect-to-https), HTTPS and origin access control (SigV4)
 * towards the origins (they are local HTTP servers), custom error pages, geo restriction, WAF,
 * real-time logs.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EdgeBehavior, EdgeDistribution } from './distribution';
import {
  type FunctionEffects,
  type FunctionRequest,
  type FunctionResponse,
  fromFunctionRequest,
  isResponse,
  type OriginUpdate,
  toFunctionRequest,
  valuesOf,
} from './functions';
import { applyResponseHeaders, selects } from './policies';
import { checkSignature, type SignatureVerdict } from './signature';

/**
 * Which URI CloudFront checks a signature against: the one the viewer sent, or the one after the
 * viewer-request function rewrote it.
 */
export type SignatureUri = 'viewer' | 'rewritten';

export interface EdgeLogEntry {
  readonly at: Date;
  readonly method: string;
  /** Path and query as the viewer sent them. */
  readonly url: string;
  readonly behavior: string;
  readonly status: number;
  /** The origin request's path, when one was made. */
  readonly originPath?: string;
  /** The origin's domain name the request went to (after any cf.updateRequestOrigin). */
  readonly originHost?: string;
  /** Why the signature check refused the request. */
  readonly denied?: string;
}

export interface LocalEdgeOptions {
  readonly tls: { readonly key: string; readonly cert: string };
  readonly signatureUri?: SignatureUri;
  /** The clock signatures are checked against. */
  readonly now?: () => Date;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

type Headers = Record<string, string | string[]>;

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export class LocalEdge {
  /** Switchable while serving (the e2e suite runs both orders against one edge). */
  signatureUri: SignatureUri;
  readonly log: EdgeLogEntry[] = [];
  private readonly server: https.Server;
  private readonly now: () => Date;
  private readonly popId = randomBytes(4).toString('hex');
  private distribution?: EdgeDistribution;
  private originTargets: Readonly<Record<string, string>> = {};

  constructor(opts: LocalEdgeOptions) {
    this.signatureUri = opts.signatureUri ?? 'viewer';
    this.now = opts.now ?? (() => new Date());
    this.server = https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.sendError(res, 502, 'Bad Gateway', (err as Error).message);
        else res.destroy();
      });
    });
  }

  /** Listens on 127.0.0.1; the host name (`127.0.0.1:<port>`) is the distribution's domain name. */
  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return this.host;
  }

  get host(): string {
    const a = this.server.address() as AddressInfo | null;
    if (a === null) throw new Error('the edge is not listening');
    return `127.0.0.1:${a.port}`;
  }

  get url(): string {
    return `https://${this.host}`;
  }

  /**
   * Starts serving a distribution; `originTargets` maps each origin's deployed domain name to the
   * base URL of the local server standing in for it.
   */
  serve(distribution: EdgeDistribution, originTargets: Readonly<Record<string, string>>): void {
    for (const o of distribution.origins.values()) {
      if (originTargets[o.domainName] === undefined)
        throw new Error(`origin ${o.id} (${o.domainName}) has no local stand-in`);
    }
    this.distribution = distribution;
    this.originTargets = originTargets;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(entry: Omit<EdgeLogEntry, 'at'>): void {
    if (this.log.length >= 20_000) this.log.shift();
    this.log.push({ at: new Date(), ...entry });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const dist = this.distribution;
    if (dist === undefined) return this.sendError(res, 503, 'Service Unavailable', 'not serving yet');
    const url = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.split('?')[0];
    const behavior = dist.behaviors.find((b) => b.matches(path)) as EdgeBehavior;
    const name = behavior.pathPattern ?? 'default';
    const viewerHeaders = req.headersDistinct as Record<string, string[]>;
    const viewerIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const viewerHost = viewerHeaders.host?.[0] ?? this.host;

    const deny = (verdict: Extract<SignatureVerdict, { allowed: false }>) => {
      this.record({ method, url, behavior: name, status: 403, denied: verdict.reason });
      this.sendError(res, 403, verdict.code, verdict.message, behavior, method, viewerHeaders);
    };
    if (!behavior.allowedMethods.includes(method)) {
      this.record({ method, url, behavior: name, status: 403, denied: `method ${method} not allowed` });
      return this.sendError(
        res,
        403,
        'MethodNotAllowed',
        'Method not allowed',
        behavior,
        method,
        viewerHeaders,
      );
    }

    let request: FunctionRequest = toFunctionRequest(method, url, viewerHeaders);
    const effects: FunctionEffects = {};
    const check = (r: FunctionRequest) =>
      checkSignature(
        {
          url: `https://${viewerHost}${r.uri}`,
          query: fromFunctionRequest(r).query,
          cookies: Object.fromEntries(Object.entries(r.cookies ?? {}).map(([k, v]) => [k, valuesOf(v)[0]])),
          viewerIp,
          now: this.now(),
        },
        behavior.trustedKeys as ReadonlyMap<string, string>,
      );
    if (behavior.trustedKeys && this.signatureUri === 'viewer') {
      const v = check(request);
      if (!v.allowed) return deny(v);
    }
    if (behavior.viewerRequest) {
      const out = await behavior.viewerRequest.run(
        {
          version: '1.0',
          context: {
            distributionDomainName: this.host,
            distributionId: dist.logicalId,
            eventType: 'viewer-request',
            requestId: randomBytes(12).toString('base64url'),
          },
          viewer: { ip: viewerIp },
          request,
        },
        effects,
      );
      if (isResponse(out)) {
        this.record({ method, url, behavior: name, status: out.statusCode });
        return this.sendFunctionResponse(res, out, behavior, method, viewerHeaders);
      }
      request = { ...out, method };
    }
    if (behavior.trustedKeys && this.signatureUri === 'rewritten') {
      const v = check(request);
      if (!v.allowed) return deny(v);
    }
    await this.forward(req, res, request, behavior, { viewerIp, viewerHeaders, url, name }, effects.origin);
  }

  private async forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    request: FunctionRequest,
    behavior: EdgeBehavior,
    viewer: { viewerIp: string; viewerHeaders: Record<string, string[]>; url: string; name: string },
    update?: OriginUpdate,
  ): Promise<void> {
    const dist = this.distribution as EdgeDistribution;
    const assigned = dist.origins.get(behavior.targetOriginId);
    if (assigned === undefined) throw new Error(`unknown origin ${behavior.targetOriginId}`);
    // cf.updateRequestOrigin(): what it sets replaces the assigned origin's setting, the rest is
    // inherited (custom headers included when customHeaders is not given).
    const origin = {
      domainName: update?.domainName ?? assigned.domainName,
      originPath: update?.originPath ?? assigned.originPath,
      customHeaders: update?.customHeaders ?? assigned.customHeaders,
      hostHeader: update?.hostHeader ?? update?.domainName ?? assigned.domainName,
    };
    const base = this.originTargets[origin.domainName];
    if (base === undefined) throw new Error(`origin ${origin.domainName} has no local stand-in`);
    const target = new URL(base);
    const r = fromFunctionRequest(request);
    const fwd = behavior.forwarding;

    const query = r.query.filter(([k]) => selects(fwd.query, k));
    const qs = query.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&');
    const originPath = `${origin.originPath}${request.uri}${qs === '' ? '' : `?${qs}`}`;

    const headers: Record<string, string | string[]> = {};
    for (const [k, values] of Object.entries(r.headers)) {
      if (HOP_BY_HOP.has(k) || k === 'host' || k === 'accept-encoding' || k === 'cookie') continue;
      if (k === 'content-length' || selects(fwd.headers, k))
        headers[k] = values.length === 1 ? values[0] : values;
    }
    headers.host = selects(fwd.headers, 'host')
      ? (r.headers.host?.[0] ?? origin.hostHeader)
      : origin.hostHeader;
    const viewerEncodings = (r.headers['accept-encoding'] ?? []).join(',').toLowerCase();
    if (fwd.acceptEncoding.gzip || fwd.acceptEncoding.br) {
      const enc = [
        ...(fwd.acceptEncoding.gzip && viewerEncodings.includes('gzip') ? ['gzip'] : []),
        ...(fwd.acceptEncoding.br && viewerEncodings.includes('br') ? ['br'] : []),
      ];
      if (enc.length > 0) headers['accept-encoding'] = enc.join(',');
    } else if (selects(fwd.headers, 'accept-encoding') && viewerEncodings !== '') {
      headers['accept-encoding'] = viewerEncodings;
    }
    const cookies = r.cookies.filter(([k]) => selects(fwd.cookies, k));
    if (cookies.length > 0) headers.cookie = cookies.map(([k, v]) => `${k}=${v}`).join('; ');
    if (!selects(fwd.headers, 'user-agent')) headers['user-agent'] = 'Amazon CloudFront';
    headers['x-forwarded-for'] = viewer.viewerIp;
    headers.via = `1.1 ${this.popId}.cloudfront.net (CloudFront)`;
    headers['x-amz-cf-id'] = randomBytes(21).toString('base64url');
    if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked';
    for (const [k, v] of Object.entries(origin.customHeaders)) headers[k.toLowerCase()] = v;

    await new Promise<void>((resolve, reject) => {
      const out = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: originPath, headers },
        (upstream) => {
          const h: Headers = {};
          for (const [k, v] of Object.entries(upstream.headersDistinct as Record<string, string[]>)) {
            if (!HOP_BY_HOP.has(k)) h[k] = k === 'set-cookie' || v.length > 1 ? v : v[0];
          }
          applyResponseHeaders(
            behavior.responseHeaders,
            { method: request.method, headers: viewer.viewerHeaders },
            h,
          );
          h.via = headers.via;
          h['x-cache'] = 'Miss from cloudfront';
          h['x-amz-cf-pop'] = 'LOCAL-E2E';
          const status = upstream.statusCode ?? 502;
          this.record({
            method: request.method,
            url: viewer.url,
            behavior: viewer.name,
            status,
            originPath,
            originHost: origin.domainName,
          });
          res.writeHead(status, h);
          upstream.pipe(res);
          upstream.on('end', resolve);
          upstream.on('error', reject);
        },
      );
      out.on('error', reject);
      req.pipe(out);
    });
  }

  private sendFunctionResponse(
    res: http.ServerResponse,
    out: FunctionResponse,
    behavior: EdgeBehavior,
    method: string,
    viewerHeaders: Record<string, string[]>,
  ): void {
    const h: Headers = {};
    for (const [k, v] of Object.entries(out.headers ?? {})) h[k.toLowerCase()] = valuesOf(v).join(',');
    const cookies = Object.entries(out.cookies ?? {}).flatMap(([name, c]) =>
      (c.multiValue ?? [c]).map((x) => {
        const attributes = (x as { attributes?: string }).attributes ?? c.attributes;
        return `${name}=${x.value}${attributes ? `; ${attributes}` : ''}`;
      }),
    );
    if (cookies.length > 0) h['set-cookie'] = cookies;
    const body =
      out.body === undefined
        ? Buffer.alloc(0)
        : typeof out.body === 'string'
          ? Buffer.from(out.body)
          : Buffer.from(out.body.data, out.body.encoding === 'base64' ? 'base64' : 'utf8');
    applyResponseHeaders(behavior.responseHeaders, { method, headers: viewerHeaders }, h);
    h['x-cache'] = 'FunctionGeneratedResponse from cloudfront';
    h['content-length'] = String(body.length);
    res.writeHead(out.statusCode, out.statusDescription ?? '', h);
    res.end(method === 'HEAD' ? undefined : body);
  }

  private sendError(
    res: http.ServerResponse,
    status: number,
    code: string,
    message: string,
    behavior?: EdgeBehavior,
    method = 'GET',
    viewerHeaders: Record<string, string[]> = {},
  ): void {
    const body = errorXml(code, message);
    const h: Headers = { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(body)) };
    applyResponseHeaders(behavior?.responseHeaders, { method, headers: viewerHeaders }, h);
    h['x-cache'] = 'Error from cloudfront';
    res.writeHead(status, h);
    res.end(method === 'HEAD' ? undefined : body);
  }
}
