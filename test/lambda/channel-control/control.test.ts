import './env';
import {
  DescribeChannelCommand,
  DescribeInputCommand,
  MediaLiveClient,
  StartChannelCommand,
  StopChannelCommand,
} from '@aws-sdk/client-medialive';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, medialive } from '../../../lambda/channel-control/handler';
import { ViewerAuth } from '../../../lambda/shared/contract';
import { serverOf } from '../../../lambda/shared/destinations';
import { logger } from '../../../lambda/shared/powertools';
import { OPERATOR, operatorEvent } from '../../support/api';
import { awsError, captureLogs, logEntry, REGISTRY } from '../fixtures';
import { pathIdOf, registeredChannels, serveRegistry } from '../registry-fixtures';

const ml = mockClient(MediaLiveClient);
const ddb = mockClient(DynamoDBDocumentClient);

/** Calls the handler with the event an operator's signed request produces on the synthesized routes. */
async function call(method: string, path: string, request: Parameters<typeof operatorEvent>[2] = {}) {
  const res = (await handler(operatorEvent(method, path, request))) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, headers: res.headers ?? {}, body: JSON.parse(String(res.body)) };
}

beforeEach(() => {
  ml.reset();
  ddb.reset();
  serveRegistry(
    ddb,
    registeredChannels(REGISTRY, { main: { ladder: MAIN_LADDER }, studio: { auth: ViewerAuth.IAM } }),
  );
  ddb.on(BatchGetCommand).resolves({ Responses: { 'status-table': [] } });
});

/** main's ladder as its registration wrote it; studio was registered before ladders were. */
const MAIN_LADDER = [
  { name: '720p', width: 1280, height: 720, maxBitrateKbps: 3000, framerate: 30, gopSeconds: 2 },
  { name: '360p', width: 640, height: 360, maxBitrateKbps: 700, framerate: 30, gopSeconds: 2 },
];

test('the MediaLive client retries throttling with the standard strategy (4 attempts)', async () => {
  expect(await medialive.config.maxAttempts()).toBe(4);
});

describe('POST /channels/{id}/start', () => {
  test('starts an IDLE channel: 202, exact StartChannel request', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    ml.on(StartChannelCommand).resolves({ State: 'STARTING' });
    const r = await call('POST', '/channels/main/start');
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ channelId: 'main', state: 'STARTING', previousState: 'IDLE', changed: true });
    expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '1234567' });
    expect(ml).toHaveReceivedCommandWith(StartChannelCommand, { ChannelId: '1234567' });
    expect(ml).toHaveReceivedCommandTimes(StartChannelCommand, 1);
  });

  test('is idempotent: a RUNNING channel answers 200 with its state and no StartChannel', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    const r = await call('POST', '/channels/studio/start');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      channelId: 'studio',
      state: 'RUNNING',
      previousState: 'RUNNING',
      changed: false,
    });
    expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '2345678' });
    expect(ml).not.toHaveReceivedCommand(StartChannelCommand);
  });

  test.each([
    'STARTING',
    'STOPPING',
    'UPDATING',
    'RECOVERING',
    'CREATING',
    'DELETING',
    'CREATE_FAILED',
    'UPDATE_FAILED',
    'DELETED',
  ])('%s is 409 with the state and no StartChannel', async (state) => {
    ml.on(DescribeChannelCommand).resolves({ State: state as 'IDLE' });
    const r = await call('POST', '/channels/main/start');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'Conflict', channelId: 'main', state });
    expect(r.headers['retry-after']).toBe('10');
    expect(ml).not.toHaveReceivedCommand(StartChannelCommand);
  });

  test('a ConflictException from StartChannel (a race) is 409 with the state described again', async () => {
    ml.on(DescribeChannelCommand).resolvesOnce({ State: 'IDLE' }).resolves({ State: 'STARTING' });
    ml.on(StartChannelCommand).rejects(awsError('ConflictException', 409));
    const r = await call('POST', '/channels/main/start');
    expect(r.status).toBe(409);
    expect(r.headers['retry-after']).toBe('10');
    expect(r.body).toEqual({
      error: 'Conflict',
      message: 'cannot start channel "main": its state changed meanwhile and is now STARTING',
      channelId: 'main',
      state: 'STARTING',
    });
    expect(ml).toHaveReceivedCommandTimes(DescribeChannelCommand, 2);
  });

  test('a race whose second DescribeChannel is throttled is 503', async () => {
    ml.on(DescribeChannelCommand)
      .resolvesOnce({ State: 'IDLE' })
      .rejects(awsError('TooManyRequestsException', 429));
    ml.on(StartChannelCommand).rejects(awsError('ConflictException', 409));
    const r = await call('POST', '/channels/main/start');
    expect(r.status).toBe(503);
  });

  test('throttling left after the SDK retries is 503 with Retry-After', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    ml.on(StartChannelCommand).rejects(awsError('TooManyRequestsException', 429));
    const r = await call('POST', '/channels/main/start');
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.body).toMatchObject({ error: 'ServiceUnavailable', awsError: 'TooManyRequestsException' });
  });

  test('a MediaLive 5xx is 503', async () => {
    ml.on(DescribeChannelCommand).rejects(awsError('InternalServerErrorException', 500, 'server'));
    const r = await call('POST', '/channels/main/start');
    expect(r.status).toBe(503);
  });

  test('a channel MediaLive does not know is 404', async () => {
    ml.on(DescribeChannelCommand).rejects(awsError('NotFoundException', 404));
    const r = await call('POST', '/channels/main/start');
    expect(r.status).toBe(404);
  });

  test('an unknown channel id is 404 without any AWS call', async () => {
    const r = await call('POST', '/channels/nope/start');
    expect(r.status).toBe(404);
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('a malformed channel id is 400', async () => {
    const r = await call('POST', '/channels/Bad_Id/start');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: 'BadRequest',
      message:
        'invalid path: id: expected a channel id (2-32 characters, a-z 0-9 and "-", starting with a letter)',
    });
    expect(ml).not.toHaveReceivedAnyCommand();
  });
});

describe('POST /channels/{id}/stop', () => {
  test.each(['RUNNING', 'RECOVERING'])(
    'stops a %s channel: 202, exact StopChannel request',
    async (state) => {
      ml.on(DescribeChannelCommand).resolves({ State: state as 'RUNNING' });
      ml.on(StopChannelCommand).resolves({ State: 'STOPPING' });
      const r = await call('POST', '/channels/studio/stop');
      expect(r.status).toBe(202);
      expect(r.body).toEqual({ channelId: 'studio', state: 'STOPPING', previousState: state, changed: true });
      expect(ml).toHaveReceivedCommandWith(StopChannelCommand, { ChannelId: '2345678' });
    },
  );

  test('is idempotent: an IDLE channel answers 200 and no StopChannel', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    const r = await call('POST', '/channels/main/stop');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ channelId: 'main', state: 'IDLE', previousState: 'IDLE', changed: false });
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test.each(['STARTING', 'STOPPING', 'UPDATING', 'CREATING', 'DELETING'])(
    '%s is 409 with the state',
    async (state) => {
      ml.on(DescribeChannelCommand).resolves({ State: state as 'IDLE' });
      const r = await call('POST', '/channels/main/stop');
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ state, channelId: 'main' });
      expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
    },
  );

  test('a ConflictException from StopChannel (a race) is 409 with the state described again', async () => {
    ml.on(DescribeChannelCommand).resolvesOnce({ State: 'RUNNING' }).resolves({ State: 'STOPPING' });
    ml.on(StopChannelCommand).rejects(awsError('ConflictException', 409));
    const r = await call('POST', '/channels/studio/stop');
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      error: 'Conflict',
      message: 'cannot stop channel "studio": its state changed meanwhile and is now STOPPING',
      channelId: 'studio',
      state: 'STOPPING',
    });
  });

  test('throttling on StopChannel is 503 with Retry-After', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(StopChannelCommand).rejects(awsError('TooManyRequestsException', 429));
    const r = await call('POST', '/channels/main/stop');
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
  });
});

describe('the request body of start and stop', () => {
  const actions = [
    ['start', 'IDLE', StartChannelCommand],
    ['stop', 'RUNNING', StopChannelCommand],
  ] as const;
  const json = 'application/json';
  const binary = 'application/octet-stream';

  describe.each(actions)('%s', (action, state, command) => {
    beforeEach(() => {
      ml.on(DescribeChannelCommand).resolves({ State: state });
      ml.on(command).resolves({});
    });

    test.each([
      ['no body', undefined, undefined],
      ['{}', '{}', json],
      ['{} with spaces', ' { } ', json],
      ['{} base64-encoded (not a JSON content type)', '{}', binary],
    ])('%s is accepted', async (_case, body, type) => {
      const event = operatorEvent('POST', `/channels/main/${action}`, {
        body,
        headers: type === undefined ? {} : { 'content-type': type },
      });
      expect(event.isBase64Encoded).toBe(type === binary);
      const res = (await handler(event)) as APIGatewayProxyStructuredResultV2;
      expect(res.statusCode).toBe(202);
      expect(ml).toHaveReceivedCommandTimes(command, 1);
    });

    test.each([
      ['an option', '{"force":true}', json, /^invalid request body: .*force/],
      ['an array', '[]', json, /^invalid request body: /],
      ['null', 'null', json, /^invalid request body: /],
      ['a string', '"now"', json, /^invalid request body: /],
      ['malformed JSON', '{', json, /^request body is not valid JSON$/],
      ['an option, base64-encoded', '{"force":true}', binary, /^invalid request body: .*force/],
      ['plain text', 'start', 'text/plain', /^request body is not valid JSON$/],
      ['malformed JSON, base64-encoded', '{', binary, /^request body is not valid JSON$/],
    ])('%s (%s) is 400 and changes nothing', async (_case, body, type, message) => {
      const event = operatorEvent('POST', `/channels/main/${action}`, {
        body,
        headers: { 'content-type': type },
      });
      expect(event.isBase64Encoded).toBe(type === binary);
      const res = (await handler(event)) as APIGatewayProxyStructuredResultV2;
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(String(res.body))).toEqual({
        error: 'BadRequest',
        message: expect.stringMatching(message),
      });
      expect(ml).not.toHaveReceivedCommand(command);
      expect(ml).not.toHaveReceivedAnyCommand();
    });
  });
});

describe('audit log', () => {
  beforeEach(() => logger.setLogLevel('INFO'));
  afterEach(() => logger.setLogLevel('SILENT'));

  test.each([
    ['start', 'IDLE', StartChannelCommand],
    ['stop', 'RUNNING', StopChannelCommand],
  ] as const)(
    '%s names the signed caller (authorizer.iam), not the account that owns the API',
    async (action, state, command) => {
      ml.on(DescribeChannelCommand).resolves({ State: state });
      ml.on(command).resolves({});
      const request = operatorEvent('POST', `/channels/main/${action}`);
      const { logs } = await captureLogs(() => handler(request));
      const entry = logEntry(logs, `${action} requested`);
      expect(entry).toMatchObject({
        channelId: 'main',
        changed: true,
        caller: { userArn: OPERATOR.userArn, accountId: OPERATOR.accountId, userId: OPERATOR.userId },
      });
      expect(JSON.stringify(entry)).not.toContain(request.requestContext.accountId);
    },
  );
});

describe('GET /channels and /channels/{id}/status', () => {
  const describeMain = {
    State: 'RUNNING' as const,
    ChannelClass: 'SINGLE_PIPELINE' as const,
    PipelinesRunningCount: 1,
    EncoderSettings: {
      VideoDescriptions: [
        {
          Name: 'video_720p',
          Width: 1280,
          Height: 720,
          CodecSettings: {
            H264Settings: {
              MaxBitrate: 3_000_000,
              FramerateNumerator: 30,
              FramerateDenominator: 1,
              GopSize: 2,
              GopSizeUnits: 'SECONDS',
            },
          },
        },
        {
          Name: 'video_360p',
          Width: 640,
          Height: 360,
          CodecSettings: {
            H264Settings: {
              MaxBitrate: 800_000,
              FramerateNumerator: 30000,
              FramerateDenominator: 1001,
              GopSize: 60,
              GopSizeUnits: 'FRAMES',
            },
          },
        },
      ],
      AudioDescriptions: [
        { Name: 'audio_aac', CodecSettings: { AacSettings: { Bitrate: 128_000, SampleRate: 48_000 } } },
      ],
    } as never,
    InputSpecification: { Codec: 'AVC', Resolution: 'HD', MaximumBitrate: 'MAX_10_MBPS' } as const,
  };

  test('lists every registered channel from the registry and the status table, without calling MediaLive', async () => {
    const lastAlert = { type: 'Output Failure', message: 'x', state: 'CLEARED', at: '2024-01-01T00:00:00Z' };
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        'status-table': [
          {
            channelId: 'main',
            state: 'RUNNING',
            liveSince: '2024-01-01T00:00:00Z',
            lastAlert,
            openAlerts: {},
          },
        ],
      },
    });
    const r = await call('GET', '/channels');
    expect(r.status).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: { 'status-table': { Keys: [{ channelId: 'main' }, { channelId: 'studio' }] } },
    });
    expect(ml).not.toHaveReceivedAnyCommand();
    const domain = 'https://d111111abcdef8.cloudfront.net';
    expect(r.body.channels).toEqual([
      {
        channelId: 'main',
        auth: 'public',
        channelClass: 'SINGLE_PIPELINE',
        ladder: MAIN_LADDER,
        sessionUrl: `${domain}/api/playback/main/session`,
        playbackUrls: {
          hls: `${domain}/out/v1/${pathIdOf('main', 'hls')}/index.m3u8`,
          dash: `${domain}/out/v1/${pathIdOf('main', 'dash')}/index.mpd`,
          cmaf: `${domain}/out/v1/${pathIdOf('main', 'cmaf')}/hls/index.m3u8`,
        },
        state: 'RUNNING',
        live: true,
        liveSince: '2024-01-01T00:00:00Z',
        lastAlert,
        openAlerts: 0,
      },
      {
        channelId: 'studio',
        auth: 'iam',
        channelClass: 'STANDARD',
        ladder: [],
        // a backend asks the control API itself (SigV4): the API the request came to
        sessionUrl: 'https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/playback/studio/session',
        playbackUrls: expect.objectContaining({
          hls: `${domain}/out/v1/${pathIdOf('studio', 'hls')}/index.m3u8`,
        }),
        live: false,
        openAlerts: 0,
      },
    ]);
  });

  test("a channel's status: state, class, ladder, ingest servers without keys, playback URLs, live and last alert", async () => {
    ml.on(DescribeChannelCommand, { ChannelId: '1234567' }).resolves(describeMain);
    ml.on(DescribeInputCommand, { InputId: '7654321' }).resolves({
      Destinations: [{ Url: 'rtmp://198.51.100.7:1935/main/SECRETKEY123', Ip: '198.51.100.7', Port: '1935' }],
    });
    const lastAlert = { type: 'Output Failure', message: 'x', state: 'CLEARED', at: '2024-01-01T00:00:00Z' };
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        'status-table': [{ channelId: 'main', liveSince: '2024-01-01T00:00:00Z', lastAlert, openAlerts: {} }],
      },
    });
    const r = await call('GET', '/channels/main/status');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      channelId: 'main',
      auth: 'public',
      sessionUrl: 'https://d111111abcdef8.cloudfront.net/api/playback/main/session',
      state: 'RUNNING',
      channelClass: 'SINGLE_PIPELINE',
      pipelinesRunning: 1,
      ladder: [
        { name: '720p', width: 1280, height: 720, maxBitrateKbps: 3000, framerate: 30, gopSeconds: 2 },
        {
          name: '360p',
          width: 640,
          height: 360,
          maxBitrateKbps: 800,
          framerate: 30000 / 1001,
          gopSeconds: 60 / (30000 / 1001),
        },
      ],
      encoding: {
        input: { codec: 'AVC', resolution: 'HD', maximumBitrate: 'MAX_10_MBPS' },
        audio: { codec: 'AAC', bitrateKbps: 128, sampleRate: 48000 },
      },
      ingestEndpoints: ['rtmp://198.51.100.7:1935/main'],
      playbackUrls: {
        hls: `https://d111111abcdef8.cloudfront.net/out/v1/${pathIdOf('main', 'hls')}/index.m3u8`,
        dash: `https://d111111abcdef8.cloudfront.net/out/v1/${pathIdOf('main', 'dash')}/index.mpd`,
        cmaf: `https://d111111abcdef8.cloudfront.net/out/v1/${pathIdOf('main', 'cmaf')}/hls/index.m3u8`,
      },
      live: true,
      liveSince: '2024-01-01T00:00:00Z',
      lastAlert,
      openAlerts: [],
    });
    expect(JSON.stringify(r.body)).not.toContain('SECRETKEY123');
  });

  test('a RUNNING channel with an open input alert is not live', async () => {
    ml.on(DescribeChannelCommand).resolves(describeMain);
    ml.on(DescribeInputCommand).resolves({ Destinations: [] });
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        'status-table': [
          {
            channelId: 'main',
            openAlerts: { a1: { type: 'RTMP Has No Audio/Video', pipeline: '0', message: 'm', since: 't' } },
          },
        ],
      },
    });
    const r = await call('GET', '/channels/main/status');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ channelId: 'main', state: 'RUNNING', live: false });
    expect(r.body.openAlerts).toEqual([
      { id: 'a1', type: 'RTMP Has No Audio/Video', pipeline: '0', message: 'm', since: 't' },
    ]);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: { 'status-table': { Keys: [{ channelId: 'main' }] } },
    });
  });
});

test('serverOf keeps scheme, host, port and app, never the key', () => {
  const entry = { ml: '1', in: '2', key: 'k', mp: 'm', app: 'main', p: 1 as const };
  expect(serverOf(entry, { Url: 'rtmp://203.0.113.1:1935/main/abc' })).toBe('rtmp://203.0.113.1:1935/main');
  expect(serverOf(entry, { Ip: '203.0.113.1', Port: '1935', Url: 'rtmp://203.0.113.1:1935/main/abc' })).toBe(
    'rtmp://203.0.113.1:1935/main',
  );
  expect(serverOf(entry, { Url: 'not a url' })).toBeUndefined();
  expect(serverOf(entry, {})).toBeUndefined();
});
