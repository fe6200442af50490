import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ListKeyGroupsCommand } from '@aws-sdk/client-cloudfront';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeChannelCommand } from '@aws-sdk/client-medialive';
import { DescribeHarvestJobCommand } from '@aws-sdk/client-mediapackage';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  cloudFrontClient,
  cloudWatchClient,
  dynamoDbDocumentClient,
  mediaLiveClient,
  mediaPackageClient,
  SDK_HTTP_OPTIONS,
  SDK_MAX_ATTEMPTS,
  secretsManagerClient,
  snsClient,
} from '../../../lambda/shared/clients';

type AnyClient = {
  config: {
    maxAttempts(): Promise<number>;
    retryStrategy(): Promise<unknown>;
    region(): Promise<string>;
    requestHandler: unknown;
  };
  send(command: unknown): Promise<unknown>;
  destroy(): void;
};

describe('SDK clients', () => {
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url?.startsWith('/prod/channels') ? '{"state":"IDLE"}' : '{"SecretString":"x"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });
  afterAll(async () => {
    for (const k of ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
      delete process.env[k];
    await new Promise((r) => server.close(r));
  });

  // Every factory of lambda/shared/clients.ts, with a command it can send.
  const factories: [string, (o?: { maxAttempts?: number }) => unknown, unknown][] = [
    ['MediaLive', mediaLiveClient, new DescribeChannelCommand({ ChannelId: '1' })],
    ['MediaPackage', mediaPackageClient, new DescribeHarvestJobCommand({ Id: 'clip' })],
    ['Secrets Manager', secretsManagerClient, new GetSecretValueCommand({ SecretId: 's' })],
    [
      'DynamoDB (DocumentClient)',
      dynamoDbDocumentClient,
      new GetCommand({ TableName: 't', Key: { id: 'x' } }),
    ],
    ['SNS', snsClient, new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:1:t', Message: 'm' })],
    [
      'CloudWatch',
      cloudWatchClient,
      new GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(0), EndTime: new Date(0) }),
    ],
    ['CloudFront', cloudFrontClient, new ListKeyGroupsCommand({})],
  ];

  test.each(factories)(
    '%s: standard retries, 5 attempts, connection and request timeouts',
    async (_name, make, command) => {
      const client = make() as AnyClient;
      expect(await client.config.maxAttempts()).toBe(SDK_MAX_ATTEMPTS);
      expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
      // The handler resolves its options on the first request (a local server answers it; a
      // service that speaks XML or CBOR cannot parse the JSON answer, which does not matter here).
      await client.send(command).catch(() => undefined);
      const handlerConfig = (
        client.config.requestHandler as { httpHandlerConfigs(): Record<string, unknown> }
      ).httpHandlerConfigs();
      expect(handlerConfig).toMatchObject({ requestTimeout: 5_000, connectionTimeout: 3_000 });
      expect(SDK_HTTP_OPTIONS).toEqual({ requestTimeout: 5_000, connectionTimeout: 3_000 });
      client.destroy();
    },
  );

  test.each(factories)('%s: a caller sets its own number of attempts', async (_name, make) => {
    const client = make({ maxAttempts: 3 }) as AnyClient;
    expect(await client.config.maxAttempts()).toBe(3);
    client.destroy();
  });

  test('CloudFront: its control plane answers in us-east-1, whatever the Region of the function', async () => {
    const client = cloudFrontClient() as unknown as AnyClient;
    expect(await client.config.region()).toBe('us-east-1');
    client.destroy();
  });
});

test('functions make SDK clients only through lambda/shared/clients.ts (timeouts and retries everywhere)', () => {
  const root = join(__dirname, '..', '..', '..', 'lambda');
  const offenders = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f !== join('shared', 'clients.ts'))
    .filter((f) => /new \w+Client\(|DocumentClient\.from\(/.test(readFileSync(join(root, f), 'utf8')));
  expect(offenders).toEqual([]);
});
