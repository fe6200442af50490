import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeChannelCommand } from '@aws-sdk/client-medialive';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  mediaLiveClient,
  SDK_HTTP_OPTIONS,
  SDK_MAX_ATTEMPTS,
  secretsManagerClient,
} from '../../../lambda/shared/clients';

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

  test.each([
    ['MediaLive', () => mediaLiveClient(), new DescribeChannelCommand({ ChannelId: '1' })],
    ['Secrets Manager', () => secretsManagerClient(), new GetSecretValueCommand({ SecretId: 's' })],
  ] as const)(
    '%s: standard retries, 5 attempts, connection and request timeouts',
    async (_name, make, command) => {
      const client = make();
      expect(await client.config.maxAttempts()).toBe(SDK_MAX_ATTEMPTS);
      expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
      // The handler resolves its options on the first request (a local server answers it).
      await (client as { send(c: unknown): Promise<unknown> }).send(command);
      const handlerConfig = (
        client.config.requestHandler as { httpHandlerConfigs(): Record<string, unknown> }
      ).httpHandlerConfigs();
      expect(handlerConfig).toMatchObject({ requestTimeout: 5_000, connectionTimeout: 3_000 });
      expect(SDK_HTTP_OPTIONS).toEqual({ requestTimeout: 5_000, connectionTimeout: 3_000 });
      client.destroy();
    },
  );
});
