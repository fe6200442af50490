/**
 * A deployment as the CLI sees it, on 127.0.0.1 and in-process: CloudFormation's DescribeStacks
 * (awsQuery XML, what @aws-sdk/client-cloudformation parses) answering the stack's outputs, and
 * a control API that checks every request's SigV4 signature (test/support/sigv4.ts) before it
 * answers from a script of routes. The CLI finds it through AWS_ENDPOINT_URL_CLOUDFORMATION.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KnownKey, verifySigV4 } from '../support/sigv4';

export const OPERATOR_KEY = {
  accessKeyId: 'AKIAOPERATOREXAMPLE',
  secretAccessKey: 'operator/secret/EXAMPLEKEY',
} as const;

export interface Scripted {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Received {
  readonly method: string;
  readonly path: string;
  /** The query string as sent (without `?`). */
  readonly query: string;
  readonly body: string;
  readonly signedBy?: string;
}

export class StandIn {
  readonly routes = new Map<string, Scripted | Scripted[]>();
  readonly received: Received[] = [];
  readonly keys = new Map<string, KnownKey>([
    [
      OPERATOR_KEY.accessKeyId,
      {
        secretAccessKey: OPERATOR_KEY.secretAccessKey,
        userArn: 'arn:aws:iam::111122223333:user/op',
        accountId: '111122223333',
      },
    ],
  ]);
  extraOutputs: Record<string, string> = {};
  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });

  static async start(): Promise<StandIn> {
    const s = new StandIn();
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', () => r()));
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Environment for the CLI: dummy operator credentials and the local CloudFormation. */
  env(): Record<string, string> {
    return {
      AWS_ACCESS_KEY_ID: OPERATOR_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: OPERATOR_KEY.secretAccessKey,
      AWS_REGION: 'us-west-2',
      AWS_ENDPOINT_URL_CLOUDFORMATION: `${this.url}/cloudformation`,
      ONAIR_POLL_SECONDS: '0.05',
    };
  }

  /** A route's answer; a list is answered in turn, its last one repeating. */
  route(key: string, answer: Scripted | Scripted[]): this {
    this.routes.set(key, answer);
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private outputs(): Record<string, string> {
    return {
      ControlApiUrl: `${this.url}/api/`,
      DistributionDomainName: 'd111111abcdef8.cloudfront.net',
      PlayerUrl: 'https://d111111abcdef8.cloudfront.net/player/?channel=main',
      ...this.extraOutputs,
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    if (url.startsWith('/cloudformation')) return this.cloudFormation(body.toString('utf8'), res);
    const path = url.replace(/^\/api/, '').split('?')[0];
    const verdict = await verifySigV4(
      { method: req.method ?? 'GET', url, headers: req.headers, body },
      this.keys,
    );
    this.received.push({
      method: req.method ?? 'GET',
      path,
      query: url.split('?')[1] ?? '',
      body: body.toString('utf8'),
      signedBy: verdict.ok ? verdict.accessKeyId : undefined,
    });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (!verdict.ok) return send(403, { message: verdict.message });
    const script = this.routes.get(`${req.method} ${path}`);
    const scripted = Array.isArray(script) ? (script.length > 1 ? script.shift() : script[0]) : script;
    if (scripted === undefined) return send(404, { message: 'Not Found' });
    send(scripted.status, scripted.body ?? {}, scripted.headers);
  }

  private cloudFormation(form: string, res: http.ServerResponse): void {
    const params = new URLSearchParams(form);
    const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    if (params.get('Action') !== 'DescribeStacks') {
      res.writeHead(400);
      return void res.end();
    }
    const name = params.get('StackName') ?? '';
    if (name !== 'OnAir-test') {
      res.writeHead(400, { 'content-type': 'text/xml' });
      return void res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xml(name)} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    }
    const outputs = Object.entries(this.outputs())
      .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${xml(v)}</OutputValue></member>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>` +
        `<StackName>${name}</StackName><StackId>arn:aws:cloudformation:us-west-2:111122223333:stack/${name}/1</StackId>` +
        `<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${outputs}</Outputs>` +
        `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  }
}
