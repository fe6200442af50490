import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { PROJECT_ROOT } from '../../lib/build/functions';
import { REGISTRY } from '../lambda/fixtures';
import { MEDIAPACKAGE_HOST, pathIdOf, REGISTRY_TABLE, registeredChannels } from '../lambda/registry-fixtures';
import { controlApi, OPERATOR } from '../support/api';
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

describe('the channels bundle (control) against a local AWS endpoint', () => {
  let server: Server;
  let endpoint: string;
  const requests: string[] = [];
  const userAgents: string[] = [];
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
      userAgents.push(String(req.headers['user-agent'] ?? ''));
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
      if (target === 'DynamoDB_20120810.Scan')
        return send(
          { Items: Object.values(registeredChannels(REGISTRY)).map((i) => marshall(i)) },
          'application/x-amz-json-1.0',
        );
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
    const b = bundles.find((x) => x.entry === 'channels') as BundleUnderTest;
    // The event API Gateway sends for this route of the synthesized API.
    const { event } = controlApi().event({ method: 'GET', path: '/channels/main/status', iam: OPERATOR });
    const r = await runWithBundle(
      b.file,
      `console.log(JSON.stringify(await mod.control(${JSON.stringify(event)})));`,
      {
        ...LAMBDA_ENV,
        ...b.environment,
        AWS_ENDPOINT_URL: endpoint,
        ONAIR_REGISTRY_TABLE: REGISTRY_TABLE,
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
    // the registry (one Scan), MediaLive (channel, input), the status table
    expect(requests).toHaveLength(4);
    // Each client names its own version (the one field the build keeps of its package.json).
    for (const [client, service] of [
      ['client-medialive', 'medialive'],
      ['client-dynamodb', 'dynamodb'],
    ]) {
      const { version } = JSON.parse(
        readFileSync(join(PROJECT_ROOT, 'node_modules', '@aws-sdk', client, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(userAgents).toContainEqual(expect.stringContaining(`api/${service}#${version}`));
    }
  }, 30_000);
});

describe('the channel-registration bundle against a local AWS endpoint', () => {
  let server: Server;
  let endpoint: string;
  const requests: {
    method: string;
    url: string;
    auth: string;
    regionSet?: string;
    ifMatch?: string;
    body: string;
  }[] = [];
  const KVS_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/0123abcd-4567-89ef-0123-456789abcdef';
  const hlsId = pathIdOf('main', 'hls');
  const dashId = pathIdOf('main', 'dash');
  const cmafId = pathIdOf('main', 'cmaf');

  beforeAll(async () => {
    // KeyValueStore and MediaPackage (REST JSON) and DynamoDB (JSON 1.0) as the services answer.
    server = createServer(async (req, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      requests.push({
        method: String(req.method),
        url: decodeURIComponent(String(req.url)),
        auth: req.headers.authorization?.split(' ')[0] ?? '',
        regionSet: req.headers['x-amz-region-set'] as string | undefined,
        ifMatch: req.headers['if-match'] as string | undefined,
        body: text,
      });
      const target = String(req.headers['x-amz-target'] ?? '');
      const send = (json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      const url = decodeURIComponent(String(req.url));
      if (url === '/origin_endpoints/OnAir-test-main-cmaf')
        return send({
          id: 'OnAir-test-main-cmaf',
          cmafPackage: {
            hlsManifests: [
              { id: 'hls', url: `https://${MEDIAPACKAGE_HOST}/out/v1/${cmafId}/hls/index.m3u8` },
            ],
          },
        });
      if (req.method === 'GET' && url === `/key-value-stores/${KVS_ARN}`)
        return send(
          { KvsARN: KVS_ARN, ItemCount: 0, TotalSizeInBytes: 0, Created: 1764000000, Status: 'READY' },
          { etag: 'ETAG1' },
        );
      if (req.method === 'POST' && url === `/key-value-stores/${KVS_ARN}/keys`)
        return send({ ItemCount: 3, TotalSizeInBytes: 300 }, { etag: 'ETAG2' });
      if (target === 'DynamoDB_20120810.GetItem' || target === 'DynamoDB_20120810.PutItem') return send({});
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('Create: the KeyValueStore write is signed with SigV4A (the JavaScript signer the bundle registers)', async () => {
    const b = bundles.find((x) => x.entry === 'channel-registration') as BundleUnderTest;
    const url = (id: string, file: string) => `https://${MEDIAPACKAGE_HOST}/out/v1/${id}/${file}`;
    const event = {
      RequestType: 'Create',
      ServiceToken: 'arn:aws:lambda:us-west-2:111122223333:function:provider',
      ResponseURL: 'https://example.com/response',
      StackId: 'arn:aws:cloudformation:us-west-2:111122223333:stack/OnAir-test-Channelmain/1',
      RequestId: 'r1',
      LogicalResourceId: 'Registration',
      ResourceType: 'Custom::OnAirChannelRegistration',
      ResourceProperties: {
        ServiceToken: 'x',
        ChannelId: 'main',
        Entry: {
          ml: '1234567',
          in: '7654321',
          key: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:k-AbCdEf',
          mp: 'OnAir-test-main',
          app: 'main',
          p: '1',
          auth: 'public',
          idleMinutes: '30',
          autoRestart: 'false',
        },
        Endpoints: {
          hls: { Id: 'OnAir-test-main-hls', Url: url(hlsId, 'index.m3u8') },
          dash: { Id: 'OnAir-test-main-dash', Url: url(dashId, 'index.mpd') },
          cmaf: { Id: 'OnAir-test-main-cmaf' },
        },
      },
    };
    const r = await runWithBundle(
      b.file,
      `console.log(JSON.stringify(await mod.handler(${JSON.stringify(event)})));`,
      {
        ...LAMBDA_ENV,
        ...b.environment,
        AWS_ENDPOINT_URL: endpoint,
        // KeyValueStore's endpoint rules prefix the host with the account id: a name, not an IP.
        AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE: endpoint.replace('127.0.0.1', 'kvs.localhost'),
        NODE_OPTIONS: `--require ${join(__dirname, '..', 'support', 'resolve-local.cjs')}`,
        ONAIR_ROUTE_TABLE_ARN: KVS_ARN,
        ONAIR_REGISTRY_TABLE: REGISTRY_TABLE,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(JSON.parse(r.stdout)).toMatchObject({ PhysicalResourceId: 'onair-channel-main' });
    const kvs = requests.filter((q) => q.url.startsWith('/key-value-stores/'));
    expect(kvs.map((q) => q.method)).toEqual(['GET', 'POST']);
    // SigV4A (ECDSA P-256) for every KeyValueStore request, valid in every Region ("*")
    for (const q of kvs) {
      expect(q.auth).toBe('AWS4-ECDSA-P256-SHA256');
      expect(q.regionSet).toBe('*');
    }
    const write = kvs[1];
    expect(write?.ifMatch).toBe('ETAG1');
    expect(JSON.parse(write?.body ?? '{}')).toEqual({
      Puts: [
        { Key: hlsId, Value: MEDIAPACKAGE_HOST },
        { Key: dashId, Value: MEDIAPACKAGE_HOST },
        { Key: cmafId, Value: MEDIAPACKAGE_HOST },
      ],
    });
    // the other services keep SigV4
    for (const q of requests.filter((x) => !x.url.startsWith('/key-value-stores/')))
      expect(q.auth).toBe('AWS4-HMAC-SHA256');
  }, 30_000);
});
