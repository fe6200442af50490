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
import type { Deployment } from '../deployment';

type Handler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyResultV2>;

export interface ApiOriginOptions {
  readonly deployment: Deployment;
  readonly template: Record<string, unknown>;
  /** lambda/<entry> folders whose handlers this origin runs (others answer 500). */
  readonly functions: readonly string[];
  /** Variables set over the functions' synthesized environment (e.g. a quieter log level). */
  readonly environment?: Readonly<Record<string, string>>;
}

const LAMBDA_ROOT = join(__dirname, '..', '..', '..', 'lambda');

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
      const entry = env.POWERTOOLS_SERVICE_NAME;
      if (entry === undefined || !this.opts.functions.includes(entry)) continue;
      Object.assign(process.env, env, this.opts.environment ?? {});
      const mod = (await import(join(LAMBDA_ROOT, entry, 'index'))) as { handler: Handler };
      this.handlers.set(route.functionLogicalId, mod.handler);
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
    let found: ReturnType<HttpApiEmulator['event']>;
    try {
      found = this.emulator.event({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headersDistinct as Record<string, string[]>,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
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
