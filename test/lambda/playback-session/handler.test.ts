import { generateKeyPairSync } from 'node:crypto';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { runInNewContext } from 'node:vm';
import { apiRouterSource } from '../../../lib/constructs/functions/api-router';
import { cloudFrontWouldAllow } from './verify';

const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const KEY_ID = 'K3AAAAEXAMPLE1';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:SigningKeysKeyv1-abc';
const DOMAIN = 'd111111abcdef8.cloudfront.net';
const ORIGIN_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:PlaybackOriginSecret-xyz';
const ORIGIN_VALUE = 'q8ZorigInVerifyValue0123456789abcdefABCDEF0123456';
type EdgeRequest = { method: string; uri: string; headers: Record<string, { value: string }> };
const apiRouter = runInNewContext(`${apiRouterSource(['*'])}; handler`) as (e: {
  viewer: { ip: string };
  request: EdgeRequest;
}) => EdgeRequest;
/**
 * Headers of a request that came through the distribution: the real `/api/playback/*` edge
 * function runs on it (it records the viewer's IP, replacing any the viewer sent), then CloudFront
 * adds the origin-verify header.
 */
const viaCloudFront = (ip = '203.0.113.9', verify = ORIGIN_VALUE, sent: Record<string, string> = {}) => {
  const edge = apiRouter({
    viewer: { ip },
    request: {
      method: 'POST',
      uri: '/api/playback/main/session',
      headers: Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, { value: v }])),
    },
  });
  const headers: Record<string, string> = { 'x-onair-origin-verify': verify };
  for (const [name, { value }] of Object.entries(edge.headers)) headers[name] = value;
  return { headers };
};

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

type SmStub = AwsStub<
  SecretsManager.ServiceInputTypes,
  SecretsManager.ServiceOutputTypes,
  SecretsManager.SecretsManagerClientResolvedConfig
>;
let sm: SmStub;
let GetSecretValueCommand: typeof SecretsManager.GetSecretValueCommand;

/**
 * Loads a fresh copy of the handler module (module-scope key cache) with this environment, and
 * mocks the Secrets Manager client of that same module registry.
 */
function loadHandler(env: Record<string, string> = {}, setup: (sm: SmStub) => void = () => {}): Handler {
  delete process.env.ONAIR_PREVIOUS_SIGNING_KEY_SECRET_ARN;
  delete process.env.ONAIR_PREVIOUS_SIGNING_KEY_ID;
  Object.assign(process.env, {
    ONAIR_PLAYBACK_DOMAIN: DOMAIN,
    ONAIR_SIGNING_KEY_SECRET_ARN: SECRET_ARN,
    ONAIR_SIGNING_KEY_ID: KEY_ID,
    ONAIR_SESSION_TTL_SECONDS: '7200',
    ONAIR_BIND_SOURCE_IP: 'false',
    ONAIR_ORIGIN_SECRET_ARN: ORIGIN_ARN,
    ONAIR_PLAYBACK_AUTH: JSON.stringify({ main: 'public', members: 'jwt', partner: 'iam' }),
    POWERTOOLS_SERVICE_NAME: 'playback-session',
    ...env,
  });
  let mod: { handler: Handler } | undefined;
  jest.isolateModules(() => {
    const sdk = require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;
    sm = mockClient(sdk.SecretsManagerClient) as unknown as SmStub;
    GetSecretValueCommand = sdk.GetSecretValueCommand;
    setup(sm);
    mod = require('../../../lambda/playback-session/index') as { handler: Handler };
  });
  if (mod === undefined) throw new Error('handler did not load');
  return mod.handler;
}

function event(channelId: string, opts: Partial<APIGatewayProxyEventV2> & { authorizer?: object } = {}) {
  const { authorizer, ...rest } = opts;
  return {
    version: '2.0',
    routeKey: `POST /playback/${channelId}/session`,
    rawPath: `/playback/${channelId}/session`,
    rawQueryString: '',
    headers: { 'x-onair-viewer-ip': '203.0.113.9' },
    pathParameters: { channelId },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      http: { method: 'POST', path: `/playback/${channelId}/session`, sourceIp: '130.176.0.1' },
      ...(authorizer ? { authorizer } : {}),
    },
    ...rest,
  } as unknown as APIGatewayProxyEventV2;
}

const OK = { SecretString: JSON.stringify({ keyPairId: KEY_ID, privateKey: pair.privateKey }) };
const secretOk = (stub: SmStub) => {
  stub.on(GetSecretValueCommand).resolves(OK);
  stub
    .on(GetSecretValueCommand, { SecretId: ORIGIN_ARN })
    .resolves({ SecretString: JSON.stringify({ originVerify: ORIGIN_VALUE }) });
};
const body = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(String(r.body));

let output: string[];
beforeEach(() => {
  output = [];
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  }
  jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void output.push(a.join(' ')));
  jest.spyOn(console, 'info').mockImplementation((...a: unknown[]) => void output.push(a.join(' ')));
  jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void output.push(a.join(' ')));
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void output.push(a.join(' ')));
});
afterEach(() => jest.restoreAllMocks());

describe('POST /playback/{channelId}/session', () => {
  test('a public channel gets cookies and signed manifest URLs that verify; the key is read once', async () => {
    const handler = loadHandler({}, secretOk);
    const before = Date.now();
    const res = await handler(event('main'));
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['cache-control']).toBe('no-store');
    const b = body(res);
    expect(Object.keys(b).sort()).toEqual(['channelId', 'expiresAt', 'urls']);
    expect(b.channelId).toBe('main');
    const expires = Date.parse(b.expiresAt);
    expect(expires - before).toBeGreaterThan(7190_000);
    expect(expires - before).toBeLessThanOrEqual(7201_000);
    for (const f of ['hls', 'dash', 'cmaf']) {
      const q = new URL(b.urls[f]).searchParams;
      expect(
        cloudFrontWouldAllow(pair.publicKey, {
          url: b.urls[f],
          policy: q.get('Policy') ?? '',
          signature: q.get('Signature') ?? '',
          at: new Date(),
        }),
      ).toBe(true);
    }
    expect(res.cookies).toHaveLength(3);
    expect(res.cookies?.[0]).toMatch(
      /^CloudFront-Policy=.+; Path=\/live\/main\/; Expires=.+; Secure; HttpOnly; SameSite=None; Partitioned$/,
    );
    await handler(event('main'));
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
  });

  test('nothing secret is logged: no private key, policy, signature, cookie or signed URL', async () => {
    const handler = loadHandler({}, secretOk);
    const res = await handler(event('main'));
    const b = body(res);
    const logged = output.join('\n');
    expect(logged).toContain('playback session issued');
    const q = new URL(b.urls.hls).searchParams;
    const secrets = [
      'PRIVATE KEY',
      pair.privateKey.split('\n')[1] ?? 'x',
      q.get('Policy') ?? 'x',
      q.get('Signature') ?? 'x',
      b.urls.hls,
      ...(res.cookies ?? []),
    ];
    for (const s of secrets) expect(logged).not.toContain(s);
  });

  test('an unknown channel is 404 naming the channel', async () => {
    const res = await loadHandler()(event('nope'));
    expect(res.statusCode).toBe(404);
    expect(body(res)).toEqual({ error: 'NotFound', message: 'unknown channel "nope"', channelId: 'nope' });
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });

  test('a malformed channel id is 400 naming the problem', async () => {
    const res = await loadHandler()(event('Bad_Id'));
    expect(res.statusCode).toBe(400);
    expect(body(res).message).toBe(
      'invalid channel id: expected a channel id (2-32 characters, a-z 0-9 "-")',
    );
  });

  test('a malformed body is 400: bad JSON, unknown fields', async () => {
    const handler = loadHandler();
    const bad = await handler(event('main', { body: '{oops' }));
    expect(bad.statusCode).toBe(400);
    expect(body(bad).message).toBe('request body is not valid JSON');
    const extra = await handler(event('main', { body: '{"channel":"x"}' }));
    expect(extra.statusCode).toBe(400);
    expect(body(extra).message).toMatch(/^invalid request body: .*channel/);
  });

  test('a jwt channel without a token is 401; with one the session is logged against its sub', async () => {
    const handler = loadHandler({}, secretOk);
    const anon = await handler(event('members'));
    expect(anon.statusCode).toBe(401);
    expect(body(anon).message).toBe('channel "members" needs a bearer token (Authorization: Bearer <JWT>)');
    const ok = await handler(
      event('members', { authorizer: { jwt: { claims: { sub: 'viewer-42' }, scopes: [] } } }),
    );
    expect(ok.statusCode).toBe(200);
    expect(output.join('\n')).toMatch(/"sub":"viewer-42"/);
  });

  test('an iam channel returns the cookie values to the backend (no Set-Cookie)', async () => {
    const res = await loadHandler(
      {},
      secretOk,
    )(event('partner', { authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:role/web' } } }));
    expect(res.statusCode).toBe(200);
    expect(res.cookies).toBeUndefined();
    const b = body(res);
    expect(Object.keys(b.cookies).sort()).toEqual([
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
    ]);
    expect(b.cookiePath).toBe('/live/partner/');
    expect(
      cloudFrontWouldAllow(pair.publicKey, {
        url: `https://${DOMAIN}/live/partner/hls/index_3.ts`,
        policy: b.cookies['CloudFront-Policy'],
        signature: b.cookies['CloudFront-Signature'],
        at: new Date(),
      }),
    ).toBe(true);
    const unsigned = await loadHandler()(event('partner'));
    expect(unsigned.statusCode).toBe(401);
  });

  test('bound sessions use the viewer IP the edge function recorded when CloudFront sent the origin header, or the backend-supplied viewerIp for iam', async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' }, secretOk);
    const res = await handler(event('main', viaCloudFront()));
    expect(res.statusCode).toBe(200);
    const q = new URL(body(res).urls.hls).searchParams;
    const policy = Buffer.from(
      String(q.get('Policy')).replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    ).toString();
    expect(policy).toContain('"AWS:SourceIp":"203.0.113.9/32"');
    // a viewer cannot choose the bound address: the edge function overwrites the header
    const spoofed = await handler(
      event('main', viaCloudFront('203.0.113.9', ORIGIN_VALUE, { 'x-onair-viewer-ip': '198.51.100.1' })),
    );
    expect(body(spoofed).urls.hls).toBeDefined();
    const spoofedPolicy = Buffer.from(
      String(new URL(body(spoofed).urls.hls).searchParams.get('Policy'))
        .replace(/-/g, '+')
        .replace(/_/g, '=')
        .replace(/~/g, '/'),
      'base64',
    ).toString();
    expect(spoofedPolicy).toContain('"AWS:SourceIp":"203.0.113.9/32"');
    const jwt = { authorizer: { jwt: { claims: { sub: 'viewer-42' }, scopes: [] } } };
    expect((await handler(event('members', { ...viaCloudFront(), ...jwt }))).statusCode).toBe(200);
    // the origin secret is read once per container
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ORIGIN_ARN });
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: ORIGIN_ARN })).toHaveLength(1);
    const iam = { authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:role/web' } } };
    const missing = await handler(event('partner', iam));
    expect(missing.statusCode).toBe(400);
    expect(body(missing).message).toMatch(/^viewerIp is required/);
    // iam callers come directly (SigV4): no origin header needed
    const given = await handler(event('partner', { ...iam, body: '{"viewerIp":"198.51.100.5"}' }));
    expect(given.statusCode).toBe(200);
    const badIp = await handler(event('partner', { ...iam, body: '{"viewerIp":"300.1.1.1"}' }));
    expect(badIp.statusCode).toBe(400);
  });

  test("bound public/jwt sessions requested directly from execute-api (no or a wrong origin header) are 403: their CloudFront-Viewer-Address is the caller's own", async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' }, secretOk);
    const message = `sessions are bound to the viewer address (playback.bindSourceIp): request them through the distribution, POST https://${DOMAIN}/api/playback/main/session`;
    // event() carries a forged CloudFront-Viewer-Address and no origin header
    const direct = await handler(event('main'));
    expect(direct.statusCode).toBe(403);
    expect(body(direct)).toEqual({ error: 'Forbidden', message });
    const wrong = await handler(event('main', viaCloudFront('203.0.113.9', 'guess')));
    expect(wrong.statusCode).toBe(403);
    const jwt = { authorizer: { jwt: { claims: { sub: 'viewer-42' }, scopes: [] } } };
    const members = await handler(event('members', { ...viaCloudFront('203.0.113.9', ''), ...jwt }));
    expect(members.statusCode).toBe(403);
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: SECRET_ARN })).toHaveLength(0);
  });

  test('the origin header value never appears in logs', async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' }, secretOk);
    expect((await handler(event('main', viaCloudFront()))).statusCode).toBe(200);
    expect((await handler(event('main', viaCloudFront('203.0.113.9', `${ORIGIN_VALUE}x`)))).statusCode).toBe(
      403,
    );
    const logged = output.join('\n');
    expect(logged).toContain('playback session issued');
    expect(logged).not.toContain(ORIGIN_VALUE);
  });

  test.each([
    ['ThrottlingException', 'server'],
    ['AccessDeniedException', 'client'],
  ])(
    'an unreadable origin secret (%s) is 503 with Retry-After; the next request retries',
    async (name, fault) => {
      const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' }, secretOk);
      sm.on(GetSecretValueCommand, { SecretId: ORIGIN_ARN })
        .rejectsOnce(Object.assign(new Error('x'), { name, $fault: fault }))
        .resolves({ SecretString: JSON.stringify({ originVerify: ORIGIN_VALUE }) });
      const res = await handler(event('main', viaCloudFront()));
      expect(res.statusCode).toBe(503);
      expect(res.headers?.['retry-after']).toBe('2');
      expect(body(res)).toEqual({
        error: 'ServiceUnavailable',
        message: 'the playback API cannot verify its origin; retry shortly',
        reason: name,
      });
      expect((await handler(event('main', viaCloudFront()))).statusCode).toBe(200);
    },
  );

  test('unbound sessions never read the origin secret', async () => {
    const handler = loadHandler({}, secretOk);
    expect((await handler(event('main'))).statusCode).toBe(200);
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: ORIGIN_ARN })).toHaveLength(0);
  });

  test('bound sessions refuse IPv6 viewers with 400 and a clear message (CloudFront binds IPv4 only)', async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' }, secretOk);
    const viewer = await handler(event('main', viaCloudFront('2001:db8::9')));
    expect(viewer.statusCode).toBe(400);
    expect(body(viewer).message).toBe(
      'sessions are bound to the viewer address (playback.bindSourceIp) and CloudFront can bind only IPv4 addresses; got an IPv6 address: connect over IPv4',
    );
    const iam = { authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:role/web' } } };
    const backend = await handler(event('partner', { ...iam, body: '{"viewerIp":"2001:db8::5"}' }));
    expect(backend.statusCode).toBe(400);
    expect(body(backend).message).toMatch(/can bind only IPv4 addresses/);
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: SECRET_ARN })).toHaveLength(0);
  });

  test('unbound sessions serve IPv6 viewers', async () => {
    const res = await loadHandler(
      {},
      secretOk,
    )(event('main', { headers: { 'x-onair-viewer-ip': '2001:db8::9' } }));
    expect(res.statusCode).toBe(200);
  });

  describe('signing grace after a rotation', () => {
    const previousPair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const PREV_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:SigningKeysKeyv0-prev';
    const PREV_ID = 'K2PREVIOUSKEY1';
    const withCurrentCreated = (minutesAgo: number) =>
      loadHandler(
        { ONAIR_PREVIOUS_SIGNING_KEY_SECRET_ARN: PREV_ARN, ONAIR_PREVIOUS_SIGNING_KEY_ID: PREV_ID },
        (stub) => {
          stub.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
            SecretString: JSON.stringify({
              keyPairId: KEY_ID,
              privateKey: pair.privateKey,
              createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
            }),
          });
          stub.on(GetSecretValueCommand, { SecretId: PREV_ARN }).resolves({
            SecretString: JSON.stringify({ keyPairId: PREV_ID, privateKey: previousPair.privateKey }),
          });
        },
      );
    const signedWith = (res: APIGatewayProxyStructuredResultV2) => {
      const url = body(res).urls.hls as string;
      const q = new URL(url).searchParams;
      const args = {
        url,
        policy: q.get('Policy') ?? '',
        signature: q.get('Signature') ?? '',
        at: new Date(),
      };
      return {
        keyPairId: q.get('Key-Pair-Id'),
        byPrevious: cloudFrontWouldAllow(previousPair.publicKey, args),
        byCurrent: cloudFrontWouldAllow(pair.publicKey, args),
      };
    };

    test("within 10 minutes of the current key's creation, the previous key signs (edges may not trust the new one yet)", async () => {
      const res = await withCurrentCreated(1)(event('main'));
      expect(res.statusCode).toBe(200);
      expect(signedWith(res)).toEqual({ keyPairId: PREV_ID, byPrevious: true, byCurrent: false });
      expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: PREV_ARN });
    });

    test('after the grace the current key signs and the previous secret is not read', async () => {
      const res = await withCurrentCreated(11)(event('main'));
      expect(signedWith(res)).toEqual({ keyPairId: KEY_ID, byPrevious: false, byCurrent: true });
      expect(sm.commandCalls(GetSecretValueCommand, { SecretId: PREV_ARN })).toHaveLength(0);
    });

    test('an unreadable previous key falls back to the current one', async () => {
      const handler = withCurrentCreated(1);
      sm.on(GetSecretValueCommand, { SecretId: PREV_ARN }).rejects(
        Object.assign(new Error('x'), { name: 'ThrottlingException', $fault: 'server' }),
      );
      const res = await handler(event('main'));
      expect(res.statusCode).toBe(200);
      expect(signedWith(res).keyPairId).toBe(KEY_ID);
    });

    test('a current key without a recorded creation time signs at once', async () => {
      const res = await loadHandler(
        { ONAIR_PREVIOUS_SIGNING_KEY_SECRET_ARN: PREV_ARN, ONAIR_PREVIOUS_SIGNING_KEY_ID: PREV_ID },
        secretOk,
      )(event('main'));
      expect(signedWith(res).keyPairId).toBe(KEY_ID);
    });
  });

  test.each([
    ['ThrottlingException', 'server'],
    ['AccessDeniedException', 'client'],
    ['ResourceNotFoundException', 'client'],
    ['InternalServiceError', 'server'],
  ])(
    'an unreadable key secret (%s) is 503 with Retry-After; the next request retries',
    async (name, fault) => {
      const handler = loadHandler();
      sm.on(GetSecretValueCommand)
        .rejectsOnce(Object.assign(new Error('x'), { name, $fault: fault }))
        .resolves({ SecretString: JSON.stringify({ keyPairId: KEY_ID, privateKey: pair.privateKey }) });
      const res = await handler(event('main'));
      expect(res.statusCode).toBe(503);
      expect(res.headers?.['retry-after']).toBe('2');
      expect(body(res)).toEqual({
        error: 'ServiceUnavailable',
        message: 'the playback signing key is unavailable; retry shortly',
        reason: name,
      });
      expect((await handler(event('main'))).statusCode).toBe(200);
    },
  );

  test('a secret holding another key id (rotation in flight) is 503, never a session with the wrong key', async () => {
    const res = await loadHandler({}, (stub) =>
      stub.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ keyPairId: 'KOLDKEY000000', privateKey: pair.privateKey }),
      }),
    )(event('main'));
    expect(res.statusCode).toBe(503);
    expect(body(res).message).toBe('the playback signing key is being rotated; retry shortly');
  });
});
