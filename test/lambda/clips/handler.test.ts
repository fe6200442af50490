import 'aws-sdk-client-mock-jest';
import {
  CreateHarvestJobCommand,
  DescribeHarvestJobCommand,
  MediaPackageClient,
} from '@aws-sdk/client-mediapackage';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambda/clips/handler';
import { OPERATOR, operatorEvent } from '../../support/api';
import { RouteNotFound } from '../../support/api-gateway';
import { awsError, captureLogs, logEntry, REGISTRY } from '../fixtures';
import { useRegistry } from '../registry-fixtures';

const mp = mockClient(MediaPackageClient);
const BUCKET = 'onair-dev-archive-bucket';
const ROLE = 'arn:aws:iam::111122223333:role/OnAir-dev-ClipsHarvestRole';
const NOW = new Date('2026-12-01T20:00:00Z');

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
/** The handler with this deployment's environment (read per invocation). */
function loadHandler(startoverSeconds = 86_400): Handler {
  useRegistry(REGISTRY);
  process.env.ONAIR_ARCHIVE_BUCKET = BUCKET;
  process.env.ONAIR_HARVEST_ROLE_ARN = ROLE;
  process.env.ONAIR_STARTOVER_SECONDS = String(startoverSeconds);
  return handler as Handler;
}

/** POST …/clips as awscurl sends it: a JSON body (a string is sent as is). */
const post = (id: string, body: unknown, contentType = 'application/json') =>
  operatorEvent('POST', `/channels/${id}/clips`, {
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const get = (id: string, clipId: string) => operatorEvent('GET', `/channels/${id}/clips/${clipId}`);
const body = (r: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(r.body as string) as Record<string, unknown>;

beforeEach(() => {
  mp.reset();
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout'] });
});
afterEach(() => jest.useRealTimers());

describe('POST /channels/{id}/clips', () => {
  test('starts a harvest job on the channel HLS endpoint into clips/<channel>/<clip>/ and answers 202', async () => {
    mp.on(CreateHarvestJobCommand).callsFake((input) => ({
      ...input,
      ChannelId: 'OnAir-test-main',
      Status: 'IN_PROGRESS',
      CreatedAt: NOW.toISOString(),
    }));
    const { result: res, logs } = await captureLogs(() =>
      loadHandler()(post('main', { start: '2026-12-01T19:00:00Z', end: '2026-12-01T19:05:00+00:00' })),
    );

    expect(res.statusCode).toBe(202);
    const clipId = body(res).clipId as string;
    expect(clipId).toMatch(/^main-20261201t190000z-[0-9a-f]{6}$/);
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 1);
    expect(mp).toHaveReceivedCommandWith(CreateHarvestJobCommand, {
      Id: clipId,
      OriginEndpointId: 'OnAir-test-main-hls',
      StartTime: '2026-12-01T19:00:00.000Z',
      EndTime: '2026-12-01T19:05:00.000Z',
      S3Destination: { BucketName: BUCKET, ManifestKey: `clips/main/${clipId}/index.m3u8`, RoleArn: ROLE },
    });
    expect(body(res)).toEqual({
      clipId,
      channelId: 'main',
      status: 'IN_PROGRESS',
      start: '2026-12-01T19:00:00.000Z',
      end: '2026-12-01T19:05:00.000Z',
      manifest: `s3://${BUCKET}/clips/main/${clipId}/index.m3u8`,
      createdAt: NOW.toISOString(),
    });
    // the audit log names the signed caller, not the API owner's account
    expect(logEntry(logs, 'clip requested')).toMatchObject({
      channelId: 'main',
      clipId,
      caller: { userArn: OPERATOR.userArn, accountId: OPERATOR.accountId },
    });
  });

  test('a body sent without a JSON content type (curl -d) arrives base64-encoded and is read the same', async () => {
    mp.on(CreateHarvestJobCommand).callsFake((input) => ({ ...input, ChannelId: 'OnAir-test-main' }));
    const range = { start: '2026-12-01T19:00:00Z', end: '2026-12-01T19:05:00Z' };
    const e = post('main', range, 'application/x-www-form-urlencoded');
    expect(e.isBase64Encoded).toBe(true);
    const res = await loadHandler()(e);
    expect(res.statusCode).toBe(202);
    expect(mp).toHaveReceivedCommandWith(CreateHarvestJobCommand, {
      StartTime: '2026-12-01T19:00:00.000Z',
      EndTime: '2026-12-01T19:05:00.000Z',
    });
  });

  test.each([
    [
      'end before start',
      { start: '2026-12-01T19:05:00Z', end: '2026-12-01T19:00:00Z' },
      'end (2026-12-01T19:00:00Z) must be after start (2026-12-01T19:05:00Z)',
    ],
    [
      'end in the future',
      { start: '2026-12-01T19:55:00Z', end: '2026-12-01T20:05:00Z' },
      'end (2026-12-01T20:05:00Z) is in the future; clips cut recorded time only',
    ],
    [
      'longer than 24 hours',
      { start: '2026-11-30T18:00:00Z', end: '2026-12-01T19:00:00Z' },
      'a clip is at most 24 hours long; 2026-11-30T18:00:00Z to 2026-12-01T19:00:00Z is 90000 s',
    ],
    [
      'before the startover window',
      { start: '2026-11-30T19:00:00Z', end: '2026-11-30T19:10:00Z' },
      'start (2026-11-30T19:00:00Z) is outside the startover window: clips can start at 2026-12-01T19:00:00.000Z at the earliest',
    ],
    [
      'not a time',
      { start: 'yesterday', end: '2026-12-01T19:00:00Z' },
      'invalid request body: start: expected an ISO 8601 time such as "2026-12-01T18:00:00Z"',
    ],
    [
      'an unknown field',
      { start: '2026-12-01T19:00:00Z', end: '2026-12-01T19:01:00Z', format: 'dash' },
      'invalid request body:',
    ],
  ])('%s → 400 naming the problem, no harvest job', async (_case, req, message) => {
    const res = await loadHandler(3600)(post('main', req));
    expect(res.statusCode).toBe(400);
    expect(String(body(res).message)).toContain(message);
    expect(mp).not.toHaveReceivedAnyCommand();
  });

  test('malformed JSON → 400; unknown channel → 404; no startover window → 409', async () => {
    const h = loadHandler();
    expect((await h(post('main', '{'))).statusCode).toBe(400);
    expect(
      (await h(post('nope', { start: '2026-12-01T19:00:00Z', end: '2026-12-01T19:01:00Z' }))).statusCode,
    ).toBe(404);
    const off = await loadHandler(0)(
      post('main', { start: '2026-12-01T19:00:00Z', end: '2026-12-01T19:01:00Z' }),
    );
    expect(off.statusCode).toBe(409);
    expect(body(off).message).toBe(
      'clips need a startover window: set packaging.startoverWindowHours above 0 and deploy',
    );
    expect(mp).not.toHaveReceivedAnyCommand();
  });

  test.each([
    ['UnprocessableEntityException', 'client', 422, 422],
    ['TooManyRequestsException', 'client', 429, 503],
    ['ServiceUnavailableException', 'server', 503, 503],
    ['InternalServerErrorException', 'server', 500, 503],
  ] as const)('MediaPackage %s (%s fault, HTTP %d) → %d', async (name, fault, status, expected) => {
    mp.on(CreateHarvestJobCommand).rejects(awsError(name, status, fault));
    const res = await loadHandler()(
      post('main', { start: '2026-12-01T19:00:00Z', end: '2026-12-01T19:01:00Z' }),
    );
    expect(res.statusCode).toBe(expected);
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    if (expected === 503) expect(res.headers?.['retry-after']).toBeDefined();
  });
});

describe('GET /channels/{id}/clips/{clipId}', () => {
  const job = {
    Status: 'SUCCEEDED' as const,
    Id: 'main-20261201t190000z-abc123',
    ChannelId: 'OnAir-test-main',
    StartTime: '2026-12-01T19:00:00.000Z',
    EndTime: '2026-12-01T19:05:00.000Z',
    S3Destination: {
      BucketName: BUCKET,
      ManifestKey: 'clips/main/main-20261201t190000z-abc123/index.m3u8',
      RoleArn: ROLE,
    },
  };

  test("reports the job of this channel's endpoint", async () => {
    mp.on(DescribeHarvestJobCommand, { Id: job.Id }).resolves(job);
    const res = await loadHandler()(get('main', job.Id));
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({
      clipId: job.Id,
      status: 'SUCCEEDED',
      manifest: `s3://${BUCKET}/${job.S3Destination.ManifestKey}`,
    });
  });

  test("another channel's job, or none, is 404; a malformed id is 400", async () => {
    mp.on(DescribeHarvestJobCommand, { Id: job.Id }).resolves(job);
    mp.on(DescribeHarvestJobCommand, { Id: 'gone' }).rejects(awsError('NotFoundException', 404));
    const h = loadHandler();
    expect((await h(get('studio', job.Id))).statusCode).toBe(404);
    expect((await h(get('main', 'gone'))).statusCode).toBe(404);
    expect((await h(get('main', 'Bad_Id'))).statusCode).toBe(400);
    // a slash is another path segment: no route matches, API Gateway answers 404 itself
    expect(() => get('main', 'Bad/Id')).toThrow(RouteNotFound);
  });
});
