import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REGISTRY } from '../lambda/fixtures';
import { type BundleUnderTest, bundlesUnderTest, LAMBDA_ENV, runWithBundle } from '../support/bundles';

/**
 * The bundles are what Lambda runs, and they are built with parts of the SDK left out
 * (lib/build/functions.ts): each must load on its own, and a function must still talk to AWS
 * through its bundled clients.
 */
const bundles = bundlesUnderTest();

test.each(bundles.map((b) => [b.entry, b] as const))(
  '%s/index.mjs loads in a fresh Node process with its synthesized environment and exports every handler the app names',
  async (_entry, b: BundleUnderTest) => {
    const r = await runWithBundle(
      b.file,
      `console.log(JSON.stringify(${JSON.stringify(b.handlers)}.map((h) => typeof mod[h])));`,
      { ...LAMBDA_ENV, ...b.environment },
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(b.handlers.map(() => 'function'));
  },
  30_000,
);

describe('the channel-control bundle against a local AWS endpoint', () => {
  let server: Server;
  let endpoint: string;
  const requests: string[] = [];
  const body = async (req: IncomingMessage) => {
    let s = '';
    for await (const chunk of req) s += chunk;
    return s;
  };

  beforeAll(async () => {
    // MediaLive (REST JSON, camelCase members) and DynamoDB (JSON 1.0) as the services answer.
    server = createServer(async (req, res) => {
      const target = String(req.headers['x-amz-target'] ?? '');
      requests.push(`${req.method} ${req.url} ${target} ${req.headers.authorization?.split(' ')[0] ?? ''}`);
      await body(req);
      const send = (json: unknown, type = 'application/json') => {
        res.writeHead(200, { 'content-type': type });
        res.end(JSON.stringify(json));
      };
      if (req.url === '/prod/channels/1234567')
        return send({
          id: '1234567',
          state: 'RUNNING',
          channelClass: 'SINGLE_PIPELINE',
          pipelinesRunningCount: 1,
          encoderSettings: {
            videoDescriptions: [
              {
                name: 'video_720p',
                width: 1280,
                height: 720,
                codecSettings: { h264Settings: { maxBitrate: 3_000_000, rateControlMode: 'QVBR' } },
              },
            ],
          },
        });
      if (req.url === '/prod/inputs/7654321')
        return send({ id: '7654321', destinations: [{ url: 'rtmp://203.0.113.10:1935/main/secret-key' }] });
      if (target === 'DynamoDB_20120810.BatchGetItem')
        return send(
          {
            Responses: {
              'status-table': [
                { channelId: { S: 'main' }, liveSince: { S: '2026-12-01T18:00:00Z' }, openAlerts: { M: {} } },
              ],
            },
          },
          'application/x-amz-json-1.0',
        );
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('GET /channels/{id}/status: signed requests, nested MediaLive shapes and DynamoDB items come through', async () => {
    const b = bundles.find((x) => x.entry === 'channel-control') as BundleUnderTest;
    const event = {
      routeKey: 'GET /channels/{id}/status',
      rawPath: '/channels/main/status',
      pathParameters: { id: 'main' },
      requestContext: { requestId: 'r1' },
    };
    const r = await runWithBundle(
      b.file,
      `console.log(JSON.stringify(await mod.handler(${JSON.stringify(event)})));`,
      {
        ...LAMBDA_ENV,
        ...b.environment,
        AWS_ENDPOINT_URL: endpoint,
        ONAIR_CHANNELS: JSON.stringify(REGISTRY),
        ONAIR_STATUS_TABLE: 'status-table',
        ONAIR_PLAYBACK_DOMAIN: 'd111111abcdef8.cloudfront.net',
      },
    );
    expect(r.stderr).not.toMatch(/Error/);
    const res = JSON.parse(r.stdout) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      channelId: 'main',
      state: 'RUNNING',
      channelClass: 'SINGLE_PIPELINE',
      pipelinesRunning: 1,
      ladder: [{ name: '720p', width: 1280, height: 720, maxBitrateKbps: 3000 }],
      ingestEndpoints: ['rtmp://203.0.113.10:1935/main'],
      live: true,
      liveSince: '2026-12-01T18:00:00Z',
    });
    // Credentials came from the environment (SigV4-signed), as in Lambda.
    expect(requests.every((q) => q.endsWith('AWS4-HMAC-SHA256'))).toBe(true);
    expect(requests).toHaveLength(3);
  }, 30_000);
});
