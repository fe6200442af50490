/**
 * The control API as an HTTP origin: the route-faithful API Gateway HTTP API emulation
 * (test/support/api-gateway.ts) in front of the REAL Lambda handlers, on 127.0.0.1.
 *
 * Each route's function is found in the template; its handler module is the one the function was
 * built from (lambda/<entry>/index.ts, where entry is the function's POWERTOOLS_SERVICE_NAME, the
 * AppFunction contract), loaded after the process environment holds the function's synthesized
 * Environment with every token resolved by the {@link Deployment}. Handlers read their environment
 * at load, and the process has one environment: load functions whose variables do not clash.
 *
 * A function's module is lambda/<entry>/index.ts, where entry is its POWERTOOLS_SERVICE_NAME up to
 * the first dot (one bundle serves several functions: `stream-keys.ingest`) or, for the functions
 * whose construct names their service otherwise, {@link ENTRY_OF_SERVICE}; its export is the one the
 * function's Handler names (`index.ingest`).
 *
 * With `iamKeys`, AWS_IAM routes take SigV4-signed requests as API Gateway's IAM authorizer does:
 * the signature is recomputed from the secret of the access key it names (test/support/sigv4.ts),
 * and the caller's identity reaches the function in `requestContext.authorizer.iam`; an unsigned
 * request, an unknown key or another signature is 403 with API Gateway's message.
 *
 * Answers like API Gateway: 404 `{"message":"Not Found"}` without a route, the authorizer's
 * 401/403, 500 `{"message":"Internal Server Error"}` when the function throws or is not loaded
 * here; a payload 2.0 result becomes status, headers, Set-Cookie headers and body.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { AuthorizerRefused, HttpApiEmulator, RouteNotFound } from '../../support/api-gateway';
import { type KnownKey, verifySigV4 } from '../../support/sigv4';
import type { Deployment } from '../deployment';

type Handler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyResultV2>;

export interface ApiOriginOptions {
  readonly deployment: Deployment;
  readonly template: Record<string, unknown>;
  /** lambda/<entry> folders whose handlers this origin runs (others answer 500). */
  readonly functions: readonly string[];
  /** Variables set over the functions' synthesized environment (e.g. a quieter log level). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Access keys the IAM authorizer knows: AWS_IAM routes then verify each request's SigV4
   * signature. Without them every AWS_IAM route answers 403.
   * @default - no IAM callers
   */
  readonly iamKeys?: ReadonlyMap<string, KnownKey>;
}

const LAMBDA_ROOT = join(__dirname, '..', '..', '..', 'lambda');

/**
 * Services whose bundle folder is another name (AppFunction `serviceName`, lib/constructs/
 * operations/channel-control.ts and archive/): the template names the service, not the folder.
 */
const ENTRY_OF_SERVICE: Readonly<Record<string, string>> = {
  'channel-control': 'channels',
  'idle-stop': 'channels',
  'channel-lifecycle': 'channels',
  clips: 'archive',
  recordings: 'archive',
};

/** The lambda/ folder of a function's bundle, from its synthesized POWERTOOLS_SERVICE_NAME. */
export function entryOfService(service: string): string {
  return ENTRY_OF_SERVICE[service] ?? service.split('.')[0];
}

export class ApiOrigin {
  readonly emulator: HttpApiEmulator;
  private readonly handlers = new Map<string, Handler>();
  private readonly names = new Map<string, string>();
  private readonly server: http.Server;

  private constructor(private readonly opts: ApiOriginOptions) {
    this.emulator = new HttpApiEmulator(opts.template, {
      accountId: opts.deployment.accountId,
      region: opts.deployment.region,
      apiId: opts.deployment.ref(opts.deployment.ofType('AWS::ApiGatewayV2::Api')[0]?.[0] ?? ''),
    });
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        process.stderr.write(`api origin: ${(err as Error).stack ?? String(err)}\n`);
        if (!res.headersSent)
          this.send(res, 500, { 'content-type': 'application/json' }, '{"message":"Internal Server Error"}');
      });
    });
  }

  /** Loads the handlers and listens on 127.0.0.1 (a free port). */
  static async start(opts: ApiOriginOptions): Promise<ApiOrigin> {
    const origin = new ApiOrigin(opts);
    await origin.load();
    await new Promise<void>((resolve) => origin.server.listen(0, '127.0.0.1', () => resolve()));
    return origin;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async load(): Promise<void> {
    const d = this.opts.deployment;
    const loaded = new Set<string>();
    for (const route of this.emulator.routes) {
      if (this.handlers.has(route.functionLogicalId)) continue;
      const fn = d.resource(route.functionLogicalId);
      const env = d.resolve(
        ((fn.Properties?.Environment ?? {}) as { Variables?: unknown }).Variables ?? {},
      ) as Record<string, string>;
      const service = env.POWERTOOLS_SERVICE_NAME;
      const entry = service === undefined ? undefined : entryOfService(service);
      if (entry === undefined || !this.opts.functions.includes(entry)) continue;
      Object.assign(process.env, env, this.opts.environment ?? {});
      const exported = String(fn.Properties?.Handler ?? 'index.handler').split('.')[1] ?? 'handler';
      const mod = (await import(join(LAMBDA_ROOT, entry, 'index'))) as Record<string, Handler>;
      if (typeof mod[exported] !== 'function')
        throw new Error(
          `lambda/${entry}/index.ts exports no ${exported} (Handler of ${route.functionLogicalId})`,
        );
      this.handlers.set(route.functionLogicalId, mod[exported]);
      this.names.set(route.functionLogicalId, d.ref(route.functionLogicalId));
      loaded.add(entry);
    }
    for (const entry of this.opts.functions) {
      if (!loaded.has(entry)) throw new Error(`no route of the template invokes lambda/${entry}`);
    }
  }

  private send(
    res: http.ServerResponse,
    status: number,
    headers: http.OutgoingHttpHeaders,
    body: string | Buffer,
  ): void {
    res.writeHead(status, {
      ...headers,
      'content-length': Buffer.byteLength(body),
      date: new Date().toUTCString(),
      'apigw-requestid': randomUUID().slice(0, 16),
    });
    res.end(body);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const json = { 'content-type': 'application/json' };
    const requestBody = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    let iam: { accountId: string; userArn: string; accessKey: string } | undefined;
    const keys = this.opts.iamKeys;
    const route = this.emulator.match(req.method ?? 'GET', (req.url ?? '/').split('?')[0]);
    if (keys !== undefined && route?.route.authorizationType === 'AWS_IAM') {
      const verdict = await verifySigV4(
        { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: requestBody },
        keys,
      );
      if (!verdict.ok) return this.send(res, 403, json, JSON.stringify({ message: verdict.message }));
      iam = {
        accountId: verdict.key.accountId,
        userArn: verdict.key.userArn,
        accessKey: verdict.accessKeyId,
      };
    }
    let found: ReturnType<HttpApiEmulator['event']>;
    try {
      found = this.emulator.event({
        iam,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headersDistinct as Record<string, string[]>,
        body: requestBody,
        sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      });
    } catch (err) {
      if (err instanceof RouteNotFound) return this.send(res, 404, json, err.body);
      if (err instanceof AuthorizerRefused)
        return this.send(res, err.statusCode, json, JSON.stringify({ message: err.message }));
      throw err;
    }
    const handler = this.handlers.get(found.route.functionLogicalId);
    if (handler === undefined) return this.send(res, 500, json, '{"message":"Internal Server Error"}');
    const result = await handler(found.event, this.context(found.route.functionLogicalId));
    if (typeof result === 'string' || result === undefined || !('statusCode' in result)) {
      // Payload 2.0 without a statusCode: API Gateway answers 200 with the value as JSON.
      return this.send(res, 200, json, typeof result === 'string' ? result : JSON.stringify(result));
    }
    const headers: http.OutgoingHttpHeaders = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
    const body =
      result.body === undefined
        ? ''
        : result.isBase64Encoded
          ? Buffer.from(result.body, 'base64')
          : result.body;
    this.send(res, result.statusCode ?? 200, headers, body);
  }

  private context(logicalId: string): Context {
    const name = this.names.get(logicalId) ?? logicalId;
    const d = this.opts.deployment;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${d.region}:${d.accountId}:function:${name}`,
      memoryLimitInMB: '256',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => 10_000,
      done: () => {},
      fail: () => {},
      succeed: () => {},
    };
  }
}
