import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { fromAwsError } from '../../../lambda/shared/errors';
import { channelIdFromPath, errorResponse, redact, requireEmptyBody } from '../../../lambda/shared/http';
import { controlApi, OPERATOR } from '../../support/api';
import { awsError } from '../fixtures';

const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
const KEY = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

beforeEach(() => jest.clearAllMocks());

describe('fromAwsError', () => {
  test('Secrets Manager LimitExceededException is a quota (429, no Retry-After), not throttling', () => {
    const mapped = fromAwsError(awsError('LimitExceededException'));
    expect(mapped).toMatchObject({
      statusCode: 429,
      code: 'QuotaExceeded',
      details: { awsError: 'LimitExceededException' },
    });
    expect(mapped?.retryAfterSeconds).toBeUndefined();
    const res = errorResponse(awsError('LimitExceededException'), logger);
    expect(res.statusCode).toBe(429);
    expect(res.headers).not.toHaveProperty('retry-after');
  });

  test('throttling stays 503 with a 5 s Retry-After', () => {
    expect(fromAwsError(awsError('ThrottlingException'))).toMatchObject({
      statusCode: 503,
      retryAfterSeconds: 5,
    });
  });

  test('UnprocessableEntityException → 422 with the reason, any quoted stream key redacted', () => {
    const err = Object.assign(awsError('UnprocessableEntityException', 422), {
      message: 'Invalid destination rtmp://203.0.113.1:1935/main/SecretKeySecretKeySecretKey12',
    });
    const mapped = fromAwsError(err);
    expect(mapped?.statusCode).toBe(422);
    expect(mapped?.message).toBe(
      'AWS refused the request: Invalid destination rtmp://203.0.113.1:1935/main/<redacted>',
    );
  });

  test('MediaLive NotFoundException (resource gone) → 404', () => {
    const res = errorResponse(awsError('NotFoundException', 404), logger);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body as string)).toEqual({
      error: 'NotFound',
      message: 'the AWS resource no longer exists',
      awsError: 'NotFoundException',
    });
  });
});

describe('unmapped errors are logged without stream keys', () => {
  test.each([
    [`Invalid destination: stream name main/${KEY} rejected`, 'main/<redacted>'],
    [`bad url rtmp://198.51.100.10:1935/main/${KEY}`, 'rtmp://198.51.100.10:1935/main/<redacted>'],
  ])('%s', (message, kept) => {
    const err = Object.assign(new Error(message), { name: 'BadRequestException', $fault: 'client' });
    const res = errorResponse(err, logger, 'req-1');
    expect(res.statusCode).toBe(500);
    const logged = JSON.stringify(logger.error.mock.calls);
    expect(logged).not.toContain(KEY);
    expect(logged).toContain(kept);
    expect(logged).toContain('BadRequestException');
  });

  test('ordinary messages are kept', () => {
    expect(redact('channel 1234567 is not idle')).toBe('channel 1234567 is not idle');
    expect(redact(undefined)).toBeUndefined();
  });
});

describe('request checks without a schema library', () => {
  const request = (over: Partial<APIGatewayProxyEventV2>) => over as APIGatewayProxyEventV2;

  test('channelIdFromPath: a valid id passes; a malformed one is a 400 naming the field (events of the synthesized routes)', () => {
    const status = (id: string) =>
      controlApi().event({ method: 'GET', path: `/channels/${id}/status`, iam: OPERATOR }).event;
    expect(channelIdFromPath(status('main-2'))).toBe('main-2');
    for (const id of ['Main', 'x', 'a'.repeat(33), '-main'])
      expect(() => channelIdFromPath(status(id))).toThrow('invalid path: id: expected a channel id');
    // A route without {id} (GET /channels) carries no pathParameters at all.
    const list = controlApi().event({ method: 'GET', path: '/channels', iam: OPERATOR }).event;
    expect(() => channelIdFromPath(list)).toThrow('invalid path: id: expected a channel id');
  });

  test('requireEmptyBody: empty or {} passes; a field, another JSON value or malformed JSON is a 400', () => {
    for (const body of [undefined, '', '{}']) expect(() => requireEmptyBody(request({ body }))).not.toThrow();
    expect(() => requireEmptyBody(request({ body: '{"force":true}' }))).toThrow(
      'invalid request body: unrecognized key "force"',
    );
    expect(() => requireEmptyBody(request({ body: '[]' }))).toThrow(
      'invalid request body: expected an empty JSON object, got an array',
    );
    expect(() => requireEmptyBody(request({ body: 'null' }))).toThrow('got null');
    expect(() => requireEmptyBody(request({ body: '{' }))).toThrow('request body is not valid JSON');
  });
});
