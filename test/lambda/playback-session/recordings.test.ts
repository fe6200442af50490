import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type * as LibDynamoDb from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ViewerAuth } from '../../../lambda/shared/contract';
import { checkSignature } from '../../e2e/edge/signature';
import { controlApi } from '../../support/api';
import type { IamCaller } from '../../support/api-gateway';
import { awsError, captureLogs, logEntry } from '../fixtures';
import { RecordingsWorld } from '../recordings/world';
import { registeredChannels } from '../registry-fixtures';
import { DOMAIN, KEY_ID, ORIGIN_ARN, pair, SECRET_ARN } from './keys';
import { cloudFrontWouldAllow, fromCloudFrontBase64 } from './verify';

/**
 * Recording sessions and the listing of published recordings on the session route: the real
 * handler, events from the synthesized routes (test/support/api.ts: "main" public, "members" jwt,
 * "partner" iam), the recordings index as the stateful world of the recordings functions.
 */
const TABLE = 'OnAir-test-RecordingsTable';
const TRUSTED = new Map([[KEY_ID, pair.publicKey]]);
const BACKEND: IamCaller = {
  accountId: '111122223333',
  userArn: 'arn:aws:sts::111122223333:assumed-role/web/i-0123456789abcdef0',
};

const entry = (ml: string) => ({ ml, in: `i${ml}`, key: 'k', mp: `mp-${ml}`, app: 'x', p: 1 as const });
const CHANNELS = registeredChannels(
  { main: entry('1'), members: entry('2'), partner: entry('3') },
  { members: { auth: ViewerAuth.JWT }, partner: { auth: ViewerAuth.IAM } },
);

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
let world: RecordingsWorld;
let lib: typeof LibDynamoDb;

/** A fresh handler module (module-scope caches) with this environment, its SDK clients mocked. */
function loadHandler(env: Record<string, string> = {}): Handler {
  delete process.env.ONAIR_RECORDINGS_TABLE;
  Object.assign(process.env, {
    ONAIR_PLAYBACK_DOMAIN: DOMAIN,
    ONAIR_SIGNING_KEY_SECRET_ARN: SECRET_ARN,
    ONAIR_SIGNING_KEY_ID: KEY_ID,
    ONAIR_SESSION_TTL_SECONDS: '3600',
    ONAIR_BIND_SOURCE_IP: 'false',
    ONAIR_ORIGIN_SECRET_ARN: ORIGIN_ARN,
    ONAIR_RECORDINGS_TABLE: TABLE,
    POWERTOOLS_SERVICE_NAME: 'playback-session',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...env,
  });
  let mod: { handler: Handler } | undefined;
  jest.isolateModules(() => {
    const sm = require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;
    const stub = mockClient(sm.SecretsManagerClient);
    stub
      .on(sm.GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ keyPairId: KEY_ID, privateKey: pair.privateKey }) });
    stub
      .on(sm.GetSecretValueCommand, { SecretId: ORIGIN_ARN })
      .resolves({ SecretString: JSON.stringify({ originVerify: 'v' }) });
    lib = require('@aws-sdk/lib-dynamodb') as typeof LibDynamoDb;
    world = new RecordingsWorld(TABLE, { lib, channels: CHANNELS });
    world.reset();
    mod = require('../../../lambda/playback-session/index') as { handler: Handler };
  });
  if (mod === undefined) throw new Error('handler did not load');
  return mod.handler;
}

interface Req {
  readonly body?: unknown;
  readonly jwt?: Record<string, string>;
  readonly iam?: IamCaller;
}
/** The event API Gateway hands the function for POST /playback/<channel>/session. */
const event = (channelId: string, req: Req = {}) =>
  controlApi().event({
    method: 'POST',
    path: `/playback/${channelId}/session`,
    headers: req.body === undefined ? {} : { 'content-type': 'application/json' },
    body:
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
    jwtClaims: req.jwt,
    iam: req.iam,
  }).event;
const body = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(String(r.body));
const policyOf = (url: string) =>
  JSON.parse(fromCloudFrontBase64(new URL(url).searchParams.get('Policy') ?? '').toString());

const ID = 'main-20261201t190000z';
const folder = (channel: string, id: string) => `recordings/${channel}/${id}/`;
/** A recording item as the recordings functions leave it. */
function recording(id: string, over: Record<string, unknown> = {}) {
  const channelId = id.replace(/-\d{8}t\d{6}z$/, '');
  const m = /-(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})(\d{2})z$/.exec(id) as RegExpExecArray;
  const start = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  return {
    recordingId: id,
    channelId,
    sessionStart: start,
    sessionEnd: new Date(Date.parse(start) + 5400_000).toISOString(),
    status: 'READY',
    published: true,
    parts: { p01: { start, end: start, jobId: `${id}-p01`, attempt: 1, status: 'SUCCEEDED' } },
    partCount: 1,
    durationSeconds: 5400,
    sizeBytes: 123,
    manifestKey: `${folder(channelId, id)}index.m3u8`,
    posterKey: `${folder(channelId, id)}poster.jpg`,
    createdAt: start,
    updatedAt: start,
    ...over,
  };
}
const put = (...items: ReturnType<typeof recording>[]) => {
  for (const it of items) world.items.set(it.recordingId, it);
};

beforeEach(() => {
  for (const stream of [process.stdout, process.stderr]) jest.spyOn(stream, 'write').mockReturnValue(true);
  for (const m of ['log', 'info', 'warn', 'error'] as const) jest.spyOn(console, m).mockReturnValue();
});
afterEach(() => jest.restoreAllMocks());

describe('a recording session: body {"recording": "<id>"}', () => {
  test('a published READY recording of a public channel: cookies and a signed manifest URL scoped to its folder, and the same shape as a live session', async () => {
    const handler = loadHandler();
    put(recording(ID));
    const res = await handler(event('main', { body: { recording: ID } }));
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['cache-control']).toBe('no-store');
    const b = body(res);
    expect(Object.keys(b).sort()).toEqual([
      'channelId',
      'cookiePath',
      'expiresAt',
      'manifestPath',
      'recording',
      'url',
    ]);
    const prefix = `/${folder('main', ID)}`;
    expect(b).toMatchObject({
      channelId: 'main',
      recording: { id: ID, durationSeconds: 5400 },
      manifestPath: `${prefix}index.m3u8`,
      cookiePath: prefix,
    });
    expect(b.url.startsWith(`https://${DOMAIN}${prefix}index.m3u8?Policy=`)).toBe(true);
    expect(policyOf(b.url).Statement[0].Resource).toBe(`https://${DOMAIN}${prefix}*`);
    expect(world.ddb).toHaveReceivedCommandWith(lib.GetCommand, {
      TableName: TABLE,
      Key: { recordingId: ID },
      ConsistentRead: true,
    });
    const q = new URL(b.url).searchParams;
    const signed = { policy: q.get('Policy') ?? '', signature: q.get('Signature') ?? '', at: new Date() };
    const allowed = (path: string) =>
      cloudFrontWouldAllow(pair.publicKey, { url: `https://${DOMAIN}${path}`, ...signed });
    // every file of the recording, nothing else: another recording, its channel's live media, the raw archive
    expect(allowed(`${prefix}rendition_1.m3u8`)).toBe(true);
    expect(allowed(`${prefix}p01/index_1_00001.ts`)).toBe(true);
    expect(allowed(`/${folder('main', 'main-20261202t190000z')}index.m3u8`)).toBe(false);
    expect(allowed('/recordings/main/')).toBe(false);
    expect(allowed('/out/v1/0123456789abcdef0123456789abcdef/index.m3u8')).toBe(false);
    expect(allowed(`/main/20261201T190000/a/main_1.00001.ts`)).toBe(false);
    // the poster, signed with the session's policy
    expect(b.recording.posterUrl).toBe(`https://${DOMAIN}${prefix}poster.jpg?${b.url.split('?')[1]}`);
    expect(res.cookies).toEqual(
      ['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id'].map(
        (name) =>
          `${name}=${q.get(name.slice(11))}; Path=${prefix}; Expires=${new Date(b.expiresAt).toUTCString()}; Secure; HttpOnly; SameSite=None; Partitioned`,
      ),
    );
  });

  test('a session is refused for a private (unpublished) recording: 403, nothing signed', async () => {
    const handler = loadHandler();
    put(recording(ID, { published: false }));
    const res = await handler(event('main', { body: { recording: ID } }));
    expect(res.statusCode).toBe(403);
    expect(body(res)).toMatchObject({ error: 'Forbidden', message: `recording "${ID}" is not published` });
    expect(res.cookies).toBeUndefined();
  });

  test("unknown, and another channel's recording, are the same 404 (a channel's viewers learn nothing of other channels'); not READY is 409", async () => {
    const handler = loadHandler();
    const other = 'partner-20261201t190000z';
    put(recording(other, { published: false }), recording('members-20261201t190000z'));
    const unknown = await handler(event('main', { body: { recording: ID } }));
    const foreign = await handler(event('main', { body: { recording: other } }));
    const published = await handler(event('main', { body: { recording: 'members-20261201t190000z' } }));
    for (const [res, id] of [
      [unknown, ID],
      [foreign, other],
      [published, 'members-20261201t190000z'],
    ] as const) {
      expect(res.statusCode).toBe(404);
      expect(body(res)).toEqual({
        error: 'NotFound',
        message: `channel "main" has no recording "${id}"`,
        recordingId: id,
      });
    }
    put(recording(ID, { status: 'PROCESSING', manifestKey: undefined }));
    const processing = await handler(event('main', { body: { recording: ID } }));
    expect(processing.statusCode).toBe(409);
    expect(body(processing).message).toBe(`recording "${ID}" is PROCESSING, not READY yet`);
  });

  test('a recording past its expiry (expiresAt: the archive deletes its files, DynamoDB its record later) is 404, nothing signed', async () => {
    const handler = loadHandler();
    const past = Math.floor(Date.now() / 1000) - 60;
    put(recording(ID, { expiresAt: past }));
    const res = await handler(event('main', { body: { recording: ID } }));
    expect(res.statusCode).toBe(404);
    expect(body(res)).toEqual({
      error: 'NotFound',
      message: `recording "${ID}" has expired`,
      recordingId: ID,
    });
    expect(res.cookies).toBeUndefined();
    put(recording(ID, { expiresAt: past + 3600 }));
    expect((await handler(event('main', { body: { recording: ID } }))).statusCode).toBe(200);
  });

  test('a published FAILED recording is 409 with status FAILED (the player stops retrying), nothing signed', async () => {
    const handler = loadHandler();
    put(recording(ID, { status: 'FAILED', manifestKey: undefined }));
    const res = await handler(event('main', { body: { recording: ID } }));
    expect(res.statusCode).toBe(409);
    expect(body(res)).toEqual({
      error: 'Conflict',
      message: `recording "${ID}" failed to process`,
      recordingId: ID,
      status: 'FAILED',
    });
    expect(res.cookies).toBeUndefined();
  });

  test('a READY record whose manifest lies outside its folder is 409, logged, nothing signed', async () => {
    const handler = loadHandler();
    put(recording(ID, { manifestKey: 'recordings/main/other/index.m3u8' }));
    const { result: res, logs } = await captureLogs(() =>
      handler(event('main', { body: { recording: ID } })),
    );
    expect(res.statusCode).toBe(409);
    expect(body(res)).toEqual({
      error: 'Conflict',
      message: `recording "${ID}" has no manifest in its folder`,
      recordingId: ID,
      status: 'READY',
    });
    expect(res.cookies).toBeUndefined();
    expect(logEntry(logs, 'recording manifest outside its folder')).toMatchObject({
      level: 'ERROR',
      recordingId: ID,
      manifestKey: 'recordings/main/other/index.m3u8',
      prefix: `recordings/main/${ID}/`,
    });
  });

  test("follows the channel's viewer auth: jwt through its authorized route (401 without a token), iam gets the cookie values", async () => {
    const handler = loadHandler();
    const jwtId = 'members-20261201t190000z';
    const iamId = 'partner-20261201t190000z';
    put(recording(jwtId), recording(iamId));
    expect(() => event('members', { body: { recording: jwtId } })).toThrow(
      expect.objectContaining({ statusCode: 401 }),
    );
    const jwt = await handler(event('members', { body: { recording: jwtId }, jwt: { sub: 'viewer-42' } }));
    expect(jwt.statusCode).toBe(200);
    expect(body(jwt).cookiePath).toBe(`/${folder('members', jwtId)}`);
    // the literal route carries the channel in its route key, not in pathParameters
    expect(event('members', { jwt: { sub: 'x' } }).routeKey).toBe('POST /playback/members/session');
    expect(() => event('partner', { body: { recording: iamId } })).toThrow(
      expect.objectContaining({ statusCode: 403 }),
    );
    const iam = await handler(event('partner', { body: { recording: iamId }, iam: BACKEND }));
    expect(iam.statusCode).toBe(200);
    expect(iam.cookies).toBeUndefined();
    const b = body(iam);
    expect(
      cloudFrontWouldAllow(pair.publicKey, {
        url: `https://${DOMAIN}/${folder('partner', iamId)}index.m3u8`,
        policy: b.cookies['CloudFront-Policy'],
        signature: b.cookies['CloudFront-Signature'],
        at: new Date(),
      }),
    ).toBe(true);
  });

  test('bound sessions: the recording policy names the viewer address', async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' });
    const iamId = 'partner-20261201t190000z';
    put(recording(iamId));
    const res = await handler(
      event('partner', { body: { recording: iamId, viewerIp: '198.51.100.5' }, iam: BACKEND }),
    );
    expect(res.statusCode).toBe(200);
    expect(policyOf(body(res).url).Statement[0].Condition.IpAddress).toEqual({
      'AWS:SourceIp': '198.51.100.5/32',
    });
    const missing = await handler(event('partner', { body: { recording: iamId }, iam: BACKEND }));
    expect(missing.statusCode).toBe(400);
  });

  test.each([
    ['recording and format together', { recording: ID, format: 'hls' }, /format/],
    ['recording and list together', { recording: ID, list: 'recordings' }, /list/],
    ['a path, not an id', { recording: '../partner/partner-20261201t190000z' }, /recording/],
    ['a number', { recording: 42 }, /recording/],
    [
      'viewerIp from a viewer (only backends send it)',
      { recording: ID, viewerIp: '198.51.100.1' },
      /viewerIp/,
    ],
  ])('a malformed request is 400 and reads nothing: %s', async (_what, b, problem) => {
    const handler = loadHandler();
    put(recording(ID));
    const res = await handler(event('main', { body: b }));
    expect(res.statusCode).toBe(400);
    expect(body(res).message).toMatch(/^invalid request body: /);
    expect(body(res).message).toMatch(problem);
    expect(world.ddb).toHaveReceivedCommandTimes(lib.GetCommand, 0);
  });

  test.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['InternalServerError', 500],
  ])('DynamoDB %s (after the SDK retries) is 503 with Retry-After, not 500', async (name, status) => {
    const handler = loadHandler();
    world.ddb.on(lib.GetCommand).rejects(awsError(name, status, status >= 500 ? 'server' : 'client'));
    const res = await handler(event('main', { body: { recording: ID } }));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.cookies).toBeUndefined();
  });

  test('a deployment that records no channel answers 404', async () => {
    const handler = loadHandler({ ONAIR_RECORDINGS_TABLE: '' });
    const res = await handler(event('main', { body: { recording: ID } }));
    expect(res.statusCode).toBe(404);
    expect(world.ddb).toHaveReceivedCommandTimes(lib.GetCommand, 0);
  });
});

describe('the published recordings: body {"list": "recordings", "before"?, "limit"?}', () => {
  /** Six sessions of main, a day apart: two of them private, one still processing; one of another channel. */
  const history = () => [
    recording('main-20261206t190000z', { status: 'PROCESSING', manifestKey: undefined, published: true }),
    recording('main-20261205t190000z'),
    recording('main-20261204t190000z', { published: false }),
    recording('main-20261203t190000z', { posterKey: undefined }),
    recording('main-20261202t190000z', { published: false }),
    recording('main-20261201t190000z'),
    recording('members-20261205t190000z'),
  ];

  test('newest first, published READY only, each poster signed for exactly itself (canned policy, session TTL)', async () => {
    const handler = loadHandler();
    put(...history());
    const before = Date.now();
    const res = await handler(event('main', { body: { list: 'recordings' } }));
    expect(res.statusCode).toBe(200);
    expect(res.cookies).toBeUndefined();
    const b = body(res);
    expect(b.recordings.map((r: { id: string }) => r.id)).toEqual([
      'main-20261205t190000z',
      'main-20261203t190000z',
      'main-20261201t190000z',
    ]);
    expect(b.next).toBeUndefined();
    expect(b.recordings[0]).toEqual({
      id: 'main-20261205t190000z',
      startedAt: '2026-12-05T19:00:00.000Z',
      endedAt: '2026-12-05T20:30:00.000Z',
      durationSeconds: 5400,
      posterUrl: expect.stringMatching(
        new RegExp(`^https://${DOMAIN}/recordings/main/main-20261205t190000z/poster\\.jpg\\?Expires=\\d+&`),
      ),
    });
    expect(b.recordings[1].posterUrl).toBeNull();
    expect(Date.parse(b.expiresAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    const poster = new URL(b.recordings[0].posterUrl);
    const check = (path: string) =>
      checkSignature(
        {
          url: `https://${DOMAIN}${path}`,
          query: [...poster.searchParams.entries()],
          cookies: {},
          viewerIp: '203.0.113.9',
          now: new Date(),
        },
        TRUSTED,
      ).allowed;
    expect(check(poster.pathname)).toBe(true);
    expect(check('/recordings/main/main-20261205t190000z/index.m3u8')).toBe(false);
    expect(check('/recordings/main/main-20261201t190000z/poster.jpg')).toBe(false);
    expect(world.ddb).toHaveReceivedCommandWith(lib.QueryCommand, {
      TableName: TABLE,
      IndexName: 'byChannel',
      KeyConditionExpression: 'channelId = :ch',
      FilterExpression: 'published = :yes AND #status = :ready',
      ProjectionExpression: 'recordingId, sessionStart, sessionEnd, durationSeconds, posterKey, expiresAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':ch': 'main', ':yes': true, ':ready': 'READY' },
      ScanIndexForward: false,
      Limit: 100,
    });
  });

  test('pages: limit, then next as before; the filter reading past private recordings', async () => {
    const handler = loadHandler();
    put(...history());
    const first = body(await handler(event('main', { body: { list: 'recordings', limit: 1 } })));
    expect(first.recordings.map((r: { id: string }) => r.id)).toEqual(['main-20261205t190000z']);
    expect(first.next).toBe('2026-12-05T19:00:00.000Z');
    const second = body(
      await handler(event('main', { body: { list: 'recordings', limit: 1, before: first.next } })),
    );
    expect(second.recordings.map((r: { id: string }) => r.id)).toEqual(['main-20261203t190000z']);
    const third = body(
      await handler(event('main', { body: { list: 'recordings', limit: 1, before: second.next } })),
    );
    expect(third.recordings.map((r: { id: string }) => r.id)).toEqual(['main-20261201t190000z']);
    expect(world.ddb).toHaveReceivedCommandWith(lib.QueryCommand, {
      KeyConditionExpression: 'channelId = :ch AND sessionStart < :before',
      ExpressionAttributeValues: expect.objectContaining({ ':before': '2026-12-03T19:00:00.000Z' }),
    });
    // the index has nothing older: no cursor
    expect(third.next).toBeUndefined();
  });

  /** `n` private recordings of main, an hour apart, the newest an hour before `newest`. */
  const privateRun = (n: number, newest: string) =>
    Array.from({ length: n }, (_, i) => {
      const at = new Date(Date.parse(newest) - (i + 1) * 3600_000).toISOString();
      return recording(`main-${at.replace(/[-:]/g, '').slice(0, 15).toLowerCase()}z`, { published: false });
    });

  test('over a hundred private recordings newer than a published one: the listing reads past them in pages of 100, not of `limit`', async () => {
    const handler = loadHandler();
    put(...privateRun(150, '2026-12-20T00:00:00.000Z'), recording('main-20261201t190000z'));
    const b = body(await handler(event('main', { body: { list: 'recordings' } })));
    expect(b.recordings.map((r: { id: string }) => r.id)).toEqual(['main-20261201t190000z']);
    expect(b.next).toBeUndefined();
    expect(world.ddb).toHaveReceivedCommandTimes(lib.QueryCommand, 2);
    for (const call of world.ddb.commandCalls(lib.QueryCommand)) expect(call.args[0].input.Limit).toBe(100);
  });

  test('a request reads at most 300 index items: past them, fewer (even none) with a cursor that resumes after the last item read', async () => {
    const handler = loadHandler();
    const run = privateRun(320, '2026-12-31T00:00:00.000Z');
    put(...run, recording('main-20261201t190000z'));
    const first = body(await handler(event('main', { body: { list: 'recordings' } })));
    expect(first.recordings).toEqual([]);
    expect(first.next).toBe(run[299].sessionStart);
    expect(world.ddb).toHaveReceivedCommandTimes(lib.QueryCommand, 3);
    const second = body(await handler(event('main', { body: { list: 'recordings', before: first.next } })));
    expect(second.recordings.map((r: { id: string }) => r.id)).toEqual(['main-20261201t190000z']);
    expect(second.next).toBeUndefined();
  });

  test('recordings past their expiry are left out of the listing (their files are being deleted)', async () => {
    const handler = loadHandler();
    const now = Math.floor(Date.now() / 1000);
    put(
      recording('main-20261205t190000z', { expiresAt: now + 86_400 }),
      recording('main-20261203t190000z', { expiresAt: now - 1 }),
      recording('main-20261201t190000z', { expiresAt: now - 86_400 }),
    );
    const b = body(await handler(event('main', { body: { list: 'recordings' } })));
    expect(b.recordings.map((r: { id: string }) => r.id)).toEqual(['main-20261205t190000z']);
    expect(b.next).toBeUndefined();
  });

  test('a page that ends between published recordings keeps its cursor at the last one returned', async () => {
    const handler = loadHandler();
    put(...history());
    const b = body(await handler(event('main', { body: { list: 'recordings', limit: 2 } })));
    expect(b.recordings.map((r: { id: string }) => r.id)).toEqual([
      'main-20261205t190000z',
      'main-20261203t190000z',
    ]);
    expect(b.next).toBe('2026-12-03T19:00:00.000Z');
    // one page of 100 read the whole history: the third published recording is the next page's
    expect(world.ddb).toHaveReceivedCommandTimes(lib.QueryCommand, 1);
    const rest = body(
      await handler(event('main', { body: { list: 'recordings', limit: 2, before: b.next } })),
    );
    expect(rest.recordings.map((r: { id: string }) => r.id)).toEqual(['main-20261201t190000z']);
    expect(rest.next).toBeUndefined();
  });

  test('a jwt channel lists through its authorized route only; an iam backend too; a channel without recordings lists none', async () => {
    const handler = loadHandler();
    put(...history());
    expect(() => event('members', { body: { list: 'recordings' } })).toThrow(
      expect.objectContaining({ statusCode: 401 }),
    );
    const jwt = await handler(event('members', { body: { list: 'recordings' }, jwt: { sub: 'v' } }));
    expect(body(jwt).recordings.map((r: { id: string }) => r.id)).toEqual(['members-20261205t190000z']);
    const iam = await handler(event('partner', { body: { list: 'recordings' }, iam: BACKEND }));
    expect(body(iam)).toMatchObject({ channelId: 'partner', recordings: [] });
  });

  test('bound sessions: each poster URL is a custom policy for exactly that poster and the viewer address', async () => {
    const handler = loadHandler({ ONAIR_BIND_SOURCE_IP: 'true' });
    put(recording('partner-20261201t190000z'));
    const res = await handler(
      event('partner', { body: { list: 'recordings', viewerIp: '198.51.100.5' }, iam: BACKEND }),
    );
    const [r] = body(res).recordings;
    expect(policyOf(r.posterUrl).Statement).toEqual([
      {
        Resource: `https://${DOMAIN}/recordings/partner/partner-20261201t190000z/poster.jpg`,
        Condition: {
          DateLessThan: { 'AWS:EpochTime': expect.any(Number) },
          IpAddress: { 'AWS:SourceIp': '198.51.100.5/32' },
        },
      },
    ]);
  });

  test.each([
    ['another list', { list: 'clips' }],
    ['limit 0', { list: 'recordings', limit: 0 }],
    ['limit above 50', { list: 'recordings', limit: 51 }],
    ['limit as a string', { list: 'recordings', limit: '5' }],
    ['before not a time', { list: 'recordings', before: 'yesterday' }],
    ['before without an offset', { list: 'recordings', before: '2026-12-01T19:00:00' }],
    ['an unknown key', { list: 'recordings', after: '2026-12-01T19:00:00Z' }],
    ['list and format', { list: 'recordings', format: 'hls' }],
  ])('a malformed listing is 400 and queries nothing: %s', async (_what, b) => {
    const handler = loadHandler();
    const res = await handler(event('main', { body: b }));
    expect(res.statusCode).toBe(400);
    expect(body(res).message).toMatch(/^invalid request body: /);
    expect(world.ddb).toHaveReceivedCommandTimes(lib.QueryCommand, 0);
  });

  test('DynamoDB throttling the query is 503 with Retry-After', async () => {
    const handler = loadHandler();
    world.ddb.on(lib.QueryCommand).rejects(awsError('ThrottlingException'));
    const res = await handler(event('main', { body: { list: 'recordings' } }));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
  });
});
