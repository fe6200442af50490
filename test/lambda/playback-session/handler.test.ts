import { generateKeyPairSync } from 'node:crypto';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type * as LibDynamoDb from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { runInNewContext } from 'node:vm';
import { ViewerAuth } from '../../../lambda/shared/contract';
import { ORIGIN_VERIFY_HEADER } from '../../../lambda/shared/origin-verify';
import { apiRouterSource } from '../../../lib/constructs/delivery/functions/api-router';
import { testConfig } from '../../helpers';
import { controlApi } from '../../support/api';
import type { HttpApiEmulator, IamCaller } from '../../support/api-gateway';
import { pathIdOf, registeredChannels, serveRegistry } from '../registry-fixtures';
import { DOMAIN, KEY_ID, ORIGIN_ARN, pair, SECRET_ARN } from './keys';
import { cloudFrontWouldAllow, fromCloudFrontBase64 } from './verify';

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
  // CloudFront sends the origin custom header under the name it was configured with (mixed case).
  const headers: Record<string, string> = { [ORIGIN_VERIFY_HEADER]: verify };
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
    POWERTOOLS_SERVICE_NAME: 'playback-session',
    ...env,
  });
  let mod: { handler: Handler } | undefined;
  jest.isolateModules(() => {
    const sdk = require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;
    sm = mockClient(sdk.SecretsManagerClient) as unknown as SmStub;
    GetSecretValueCommand = sdk.GetSecretValueCommand;
    setup(sm);
    // The registry table the channels' stacks write: auth mode and media paths per channel.
    const ddbLib = require('@aws-sdk/lib-dynamodb') as typeof LibDynamoDb;
    serveRegistry(mockClient(ddbLib.DynamoDBDocumentClient), CHANNELS, ddbLib.ScanCommand);
    mod = require('../../../lambda/playback-session/index') as { handler: Handler };
  });
  if (mod === undefined) throw new Error('handler did not load');
  return mod.handler;
}

/** A request as the caller sends it; the event comes from the synthesized routes. */
interface SessionRequest {
  /** Request headers (default: a forged viewer-IP header and no origin header, as a direct caller could send). */
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Content type of `body` (default application/json); a non-text type reaches the function base64-encoded. */
  readonly contentType?: string;
  /** Claims of a valid bearer token (jwt routes). */
  readonly jwt?: Record<string, string>;
  /** A SigV4 caller (iam routes). */
  readonly iam?: IamCaller;
}

/** The event API Gateway hands the session function for POST /playback/<channelId>/session. */
function event(channelId: string, req: SessionRequest = {}, api: HttpApiEmulator = controlApi()) {
  return api.event({
    method: 'POST',
    path: `/playback/${channelId}/session`,
    headers: {
      ...(req.body !== undefined ? { 'content-type': req.contentType ?? 'application/json' } : {}),
      ...(req.headers ?? { 'x-onair-viewer-ip': '203.0.113.9' }),
    },
    body: req.body,
    jwtClaims: req.jwt,
    iam: req.iam,
  }).event;
}

/** A backend calling an iam channel's route with its role. */
const BACKEND: IamCaller = {
  accountId: '111122223333',
  userArn: 'arn:aws:sts::111122223333:assumed-role/web/i-0123456789abcdef0',
};
const VIEWER_42 = { sub: 'viewer-42' };

const entry = (ml: string) => ({ ml, in: `i${ml}`, key: 'k', mp: `mp-${ml}`, app: 'x', p: 1 as const });
const CHANNELS = registeredChannels(
  { main: entry('1'), members: entry('2'), partner: entry('3') },
  { members: { auth: ViewerAuth.JWT }, partner: { auth: ViewerAuth.IAM } },
);
const prefix = (channel: string, format: 'hls' | 'dash' | 'cmaf') => `/out/v1/${pathIdOf(channel, format)}/`;

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
  test('a public channel gets cookies and a signed HLS manifest URL for its endpoint that verify; the key is read once', async () => {
    const handler = loadHandler({}, secretOk);
    const before = Date.now();
    const res = await handler(event('main'));
    const after = Date.now();
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['cache-control']).toBe('no-store');
    const b = body(res);
    expect(Object.keys(b).sort()).toEqual([
      'channelId',
      'cookiePath',
      'expiresAt',
      'format',
      'manifestPath',
      'url',
    ]);
    expect(b).toMatchObject({
      channelId: 'main',
      format: 'hls',
      manifestPath: `${prefix('main', 'hls')}index.m3u8`,
      cookiePath: prefix('main', 'hls'),
    });
    expect(b.url.startsWith(`https://${DOMAIN}${prefix('main', 'hls')}index.m3u8?Policy=`)).toBe(true);
    // The TTL counts from the moment of signing (whole seconds), somewhere between before and after.
    const expires = Date.parse(b.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 7200_000);
    expect(expires).toBeLessThanOrEqual(Math.ceil(after / 1000) * 1000 + 7200_000);
    const q = new URL(b.url).searchParams;
    const signed = { policy: q.get('Policy') ?? '', signature: q.get('Signature') ?? '', at: new Date() };
    expect(cloudFrontWouldAllow(pair.publicKey, { url: b.url, ...signed })).toBe(true);
    // the policy covers the endpoint's other files, not another endpoint (format or channel)
    const segment = `https://${DOMAIN}${prefix('main', 'hls')}index_1_00042.ts`;
    expect(cloudFrontWouldAllow(pair.publicKey, { url: segment, ...signed })).toBe(true);
    for (const [channel, format] of [
      ['main', 'dash'],
      ['members', 'hls'],
    ] as const)
      expect(
        cloudFrontWouldAllow(pair.publicKey, {
          url: `https://${DOMAIN}${prefix(channel, format)}x.ts`,
          ...signed,
        }),
      ).toBe(false);
    expect(res.cookies).toHaveLength(3);
    expect(res.cookies?.[0]).toBe(
      `CloudFront-Policy=${q.get('Policy')}; Path=${prefix('main', 'hls')}; Expires=${new Date(expires).toUTCString()}; Secure; HttpOnly; SameSite=None; Partitioned`,
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
    const q = new URL(b.url).searchParams;
    const secrets = [
      'PRIVATE KEY',
      pair.privateKey.split('\n')[1] ?? 'x',
      q.get('Policy') ?? 'x',
      q.get('Signature') ?? 'x',
      b.url,
      ...(res.cookies ?? []),
    ];
    for (const s of secrets) expect(logged).not.toContain(s);
  });

  test('a public channel is served on the {channelId} route (no route per public channel)', async () => {
    const e = event('main');
    expect(e.routeKey).toBe('POST /playback/{channelId}/session');
    expect(e.pathParameters).toEqual({ channelId: 'main' });
    const res = await loadHandler({}, secretOk)(e);
    expect(res.statusCode).toBe(200);
    expect(body(res).channelId).toBe('main');
    // the session is counted against the channel the route names
    expect(output.join('\n')).toMatch(
      /"ChannelId":"main"[^\n]*PlaybackSessionsIssued|PlaybackSessionsIssued[^\n]*"ChannelId":"main"/,
    );
  });

  test('an unknown channel reaches the {channelId} route and is 404 naming the channel', async () => {
    const e = event('nope');
    expect(e.routeKey).toBe('POST /playback/{channelId}/session');
    expect(e.pathParameters).toEqual({ channelId: 'nope' });
    const res = await loadHandler()(e);
    expect(res.statusCode).toBe(404);
    expect(body(res)).toEqual({ error: 'NotFound', message: 'unknown channel "nope"', channelId: 'nope' });
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });

  test('a malformed channel id is 400 naming the problem', async () => {
    const res = await loadHandler()(event('Bad_Id'));
    expect(res.statusCode).toBe(400);
    expect(body(res).message).toBe(
      'invalid channel id: expected a channel id (2-32 characters, a-z 0-9 and "-", starting with a letter)',
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

  test('a session is for one format: {"format": "dash"|"cmaf"} signs that endpoint; HLS by default', async () => {
    const handler = loadHandler({}, secretOk);
    for (const [format, manifest] of [
      ['dash', 'index.mpd'],
      ['cmaf', 'hls/index.m3u8'],
      ['hls', 'index.m3u8'],
    ] as const) {
      const res = await handler(event('main', { body: JSON.stringify({ format }) }));
      expect(res.statusCode).toBe(200);
      const b = body(res);
      expect(b).toMatchObject({ format, manifestPath: `${prefix('main', format)}${manifest}` });
      expect(res.cookies?.[0]).toContain(`; Path=${prefix('main', format)};`);
      const policy = JSON.parse(
        fromCloudFrontBase64(new URL(b.url).searchParams.get('Policy') ?? '').toString(),
      );
      expect(policy.Statement[0].Resource).toBe(`https://${DOMAIN}${prefix('main', format)}*`);
    }
    const iam = await handler(event('partner', { iam: BACKEND, body: '{"format":"cmaf"}' }));
    expect(body(iam)).toMatchObject({ format: 'cmaf', cookiePath: prefix('partner', 'cmaf') });
    const bad = await handler(event('main', { body: '{"format":"mss"}' }));
    expect(bad.statusCode).toBe(400);
    expect(body(bad).message).toMatch(/^invalid request body: .*format/);
  });

  test('a jwt channel: API Gateway answers 401 without a token; with one the session is logged against its sub', async () => {
    const handler = loadHandler({}, secretOk);
    expect(() => event('members')).toThrow(expect.objectContaining({ statusCode: 401 }));
    const ok = await handler(event('members', { jwt: VIEWER_42 }));
    expect(ok.statusCode).toBe(200);
    expect(output.join('\n')).toMatch(/"sub":"viewer-42"/);
    // a valid token without a subject names no viewer
    const noSub = await handler(event('members', { jwt: { iss: 'https://issuer.example.com/' } }));
    expect(noSub.statusCode).toBe(401);
  });

  test('a request that reaches the function without the authorizer its channel needs is refused (a deploy that changes auth updates the function and the routes separately)', async () => {
    const input = { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] };
    const allPublic = controlApi(
      testConfig({ channels: ['main', 'members', 'partner'].map((id) => ({ id, input })) }),
    );
    const handler = loadHandler({}, secretOk);
    const members = event('members', {}, allPublic);
    expect(members).not.toHaveProperty('requestContext.authorizer');
    const anon = await handler(members);
    expect(anon.statusCode).toBe(401);
    expect(body(anon).message).toBe('channel "members" needs a bearer token (Authorization: Bearer <JWT>)');
    const unsigned = await handler(event('partner', {}, allPublic));
    expect(unsigned.statusCode).toBe(401);
    expect(body(unsigned).message).toBe('channel "partner" needs a SigV4-signed request');
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });

  test('an iam channel returns the cookie values to the backend (no Set-Cookie)', async () => {
    const res = await loadHandler({}, secretOk)(event('partner', { iam: BACKEND }));
    expect(res.statusCode).toBe(200);
    expect(res.cookies).toBeUndefined();
    const b = body(res);
    expect(Object.keys(b.cookies).sort()).toEqual([
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
    ]);
    expect(b.cookiePath).toBe(prefix('partner', 'hls'));
    expect(
      cloudFrontWouldAllow(pair.publicKey, {
        url: `https://${DOMAIN}${prefix('partner', 'hls')}index_3.ts`,
        policy: b.cookies['CloudFront-Policy'],
        signature: b.cookies['CloudFront-Signature'],
        at: new Date(),
      }),
    ).toBe(true);
    // unsigned, API Gateway answers 403 itself
    expect(() => event('partner')).toThrow(expect.objectContaining({ statusCode: 403 }));
  });

  test('bound sessions use the viewer IP the edge function recorded when CloudFront sent the origin header, or the backend-supplied viewerIp for iam', async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' }, secretOk);
    const res = await handler(event('main', viaCloudFront()));
    expect(res.statusCode).toBe(200);
    const q = new URL(body(res).url).searchParams;
    const policy = Buffer.from(
      String(q.get('Policy')).replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    ).toString();
    expect(policy).toContain('"AWS:SourceIp":"203.0.113.9/32"');
    // a viewer cannot choose the bound address: the edge function overwrites the header
    const spoofed = await handler(
      event('main', viaCloudFront('203.0.113.9', ORIGIN_VALUE, { 'x-onair-viewer-ip': '198.51.100.1' })),
    );
    expect(body(spoofed).url).toBeDefined();
    const spoofedPolicy = Buffer.from(
      String(new URL(body(spoofed).url).searchParams.get('Policy'))
        .replace(/-/g, '+')
        .replace(/_/g, '=')
        .replace(/~/g, '/'),
      'base64',
    ).toString();
    expect(spoofedPolicy).toContain('"AWS:SourceIp":"203.0.113.9/32"');
    const jwt = { jwt: VIEWER_42 };
    expect((await handler(event('members', { ...viaCloudFront(), ...jwt }))).statusCode).toBe(200);
    // the origin secret is read once per container
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ORIGIN_ARN });
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: ORIGIN_ARN })).toHaveLength(1);
    const iam = { iam: BACKEND };
    const missing = await handler(event('partner', iam));
    expect(missing.statusCode).toBe(400);
    expect(body(missing).message).toMatch(/^viewerIp is required/);
    // iam callers come directly (SigV4): no origin header needed
    const given = await handler(event('partner', { ...iam, body: '{"viewerIp":"198.51.100.5"}' }));
    expect(given.statusCode).toBe(200);
    const badIp = await handler(event('partner', { ...iam, body: '{"viewerIp":"300.1.1.1"}' }));
    expect(badIp.statusCode).toBe(400);
  });

  test('a body that API Gateway delivers base64-encoded (not a JSON content type) is read like a text body', async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' }, secretOk);
    const form = 'application/x-www-form-urlencoded';
    const e = event('partner', { iam: BACKEND, body: '{"viewerIp":"198.51.100.5"}', contentType: form });
    expect(e.isBase64Encoded).toBe(true);
    const res = await handler(e);
    expect(res.statusCode).toBe(200);
    const policy = fromCloudFrontBase64(body(res).cookies['CloudFront-Policy']).toString();
    expect(policy).toContain('"AWS:SourceIp":"198.51.100.5/32"');
    const extra = await handler(event('partner', { iam: BACKEND, body: '{"ip":"x"}', contentType: form }));
    expect(extra.statusCode).toBe(400);
    expect(body(extra).message).toMatch(/^invalid request body: .*ip/);
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
    const jwt = { jwt: VIEWER_42 };
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
    const iam = { iam: BACKEND };
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
      const url = body(res).url as string;
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
