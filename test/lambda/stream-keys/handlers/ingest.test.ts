import 'aws-sdk-client-mock-jest';
import { ChannelState, DescribeChannelCommand, DescribeInputCommand } from '@aws-sdk/client-medialive';
import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../../../../lambda/shared/contract';
import { ingest } from '../../../../lambda/stream-keys';
import { OPERATOR } from '../../../support/api';
import { awsError, captureLogs, logEntry } from '../../fixtures';
import { SECRET_ARN, SRT_SECRET_ARN } from '../fixtures';
import { ingestRequest } from '../requests';
import { useStreamKeyAws } from '../setup';

const { ml, sm } = useStreamKeyAws();
const KEY = 'CurrentKeyCurrentKeyCurrentKey12';

beforeEach(() => {
  ml.on(DescribeInputCommand).resolves({
    Destinations: [
      { Ip: '198.51.100.10', Port: '1935', Url: `rtmp://198.51.100.10:1935/main/${KEY}` },
      { Ip: '198.51.100.20', Port: '1935', Url: `rtmp://198.51.100.20:1935/main/${KEY}` },
    ],
  });
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.RUNNING });
  sm.on(GetSecretValueCommand).resolves({ SecretString: KEY });
  sm.on(DescribeSecretCommand).resolves({
    Tags: [{ Key: PENDING_ROTATION_TAG, Value: '2026-11-25T10:00:00.000Z' }],
  });
});

test('GET /channels/{id}/ingest → one OBS endpoint per pipeline with the AWSCURRENT key', async () => {
  const { result: res, logs } = await captureLogs(() => ingest(ingestRequest('main')));

  expect(res.statusCode).toBe(200);
  expect(res.headers?.['cache-control']).toBe('no-store');
  expect(JSON.parse(res.body as string)).toEqual({
    channelId: 'main',
    protocol: 'RTMP_PUSH',
    state: 'RUNNING',
    rotationPending: true,
    inconsistent: false,
    endpoints: [
      { server: 'rtmp://198.51.100.10:1935/main', streamKey: KEY },
      { server: 'rtmp://198.51.100.20:1935/main', streamKey: KEY },
    ],
  });
  expect(ml).toHaveReceivedCommandWith(DescribeInputCommand, { InputId: '7654321' });
  expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '1234567' });
  expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
    SecretId: SECRET_ARN,
    VersionStage: 'AWSCURRENT',
  });
  // the audit log names who read the key: the signed caller, not the API owner's account
  expect(logEntry(logs, 'ingest details served')).toMatchObject({
    channelId: 'main',
    caller: { userArn: OPERATOR.userArn, accountId: OPERATOR.accountId },
  });
  expect(logs).not.toContain(KEY);
});

test('unknown channel → 404, nothing read', async () => {
  const res = await ingest(ingestRequest('other'));
  expect(res.statusCode).toBe(404);
  expect(ml).not.toHaveReceivedAnyCommand();
  expect(sm).not.toHaveReceivedAnyCommand();
});

test('malformed channel id → 400', async () => {
  const res = await ingest(ingestRequest('-bad'));
  expect(res.statusCode).toBe(400);
});

test('DescribeInput throttled → 503 with Retry-After', async () => {
  ml.on(DescribeInputCommand).rejects(awsError('TooManyRequestsException', 429));
  const res = await ingest(ingestRequest('main'));
  expect(res.statusCode).toBe(503);
  expect(res.headers?.['retry-after']).toBe('5');
});

test('Secrets Manager 5xx → 503', async () => {
  sm.on(GetSecretValueCommand).rejects(awsError('InternalServiceError', 500, 'server'));
  const res = await ingest(ingestRequest('main'));
  expect(res.statusCode).toBe(503);
});

test('an input that does not accept the AWSCURRENT key → inconsistent: true with the key the input accepts', async () => {
  const INPUT_KEY = 'InputKeyInputKeyInputKeyInput123';
  ml.on(DescribeInputCommand).resolves({
    Destinations: [
      { Ip: '198.51.100.10', Port: '1935', Url: `rtmp://198.51.100.10:1935/main/${INPUT_KEY}` },
      { Ip: '198.51.100.20', Port: '1935', Url: `rtmp://198.51.100.20:1935/main/${INPUT_KEY}` },
    ],
  });

  const { result: res, logs } = await captureLogs(() => ingest(ingestRequest('main')));

  const body = JSON.parse(res.body as string);
  expect(body.inconsistent).toBe(true);
  expect(body.endpoints.map((e: { streamKey: string }) => e.streamKey)).toEqual([INPUT_KEY, INPUT_KEY]);
  expect(logs).toContain('does not accept the AWSCURRENT stream key');
  expect(logs).not.toContain(INPUT_KEY);
  expect(logs).not.toContain(KEY);
});

test('destinations that report no URL (some emulators) show the current key and are not called inconsistent', async () => {
  ml.on(DescribeInputCommand).resolves({ Destinations: [{}, {}] });
  const res = await ingest(ingestRequest('main'));
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(res.body as string)).toMatchObject({
    inconsistent: false,
    endpoints: [{ streamKey: KEY }, { streamKey: KEY }],
  });
});

test('a destination with a foreign URL is inconsistent (only an absent URL proves nothing)', async () => {
  ml.on(DescribeInputCommand).resolves({
    Destinations: [
      { Url: `rtmp://198.51.100.10:1935/main/${KEY}` },
      { Url: 'rtmp://198.51.100.20:1935/other/x' },
    ],
  });
  const res = await ingest(ingestRequest('main'));
  expect(JSON.parse(res.body as string)).toMatchObject({ inconsistent: true });
});

describe('an SRT channel', () => {
  const PASSPHRASE = 'Passphrase0123456789Passphrase0123456789abcd';
  function srtInput(settings: Record<string, unknown> = {}, secretArn = SRT_SECRET_ARN) {
    ml.on(DescribeInputCommand, { InputId: '5555555' }).resolves({
      Type: 'SRT_LISTENER',
      Destinations: [
        { Ip: '198.51.100.10', Port: '5000', Url: 'srt://198.51.100.10:5000' },
        { Ip: '198.51.100.20', Port: '5000', Url: 'srt://198.51.100.20:5000' },
      ],
      SrtSettings: {
        SrtListenerSettings: {
          Decryption: { Algorithm: 'AES256', PassphraseSecretArn: secretArn },
          MinimumLatency: 2000,
          ...settings,
        },
      },
    });
    sm.on(GetSecretValueCommand, { SecretId: SRT_SECRET_ARN }).resolves({ SecretString: PASSPHRASE });
  }

  test('GET /channels/{id}/ingest → one complete srt:// URL per pipeline plus the settings encoders ask for', async () => {
    srtInput({ StreamId: 'studio-main' });

    const { result: res, logs } = await captureLogs(() => ingest(ingestRequest('studio')));

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual({
      channelId: 'studio',
      protocol: 'SRT_LISTENER',
      state: 'RUNNING',
      rotationPending: true,
      inconsistent: false,
      endpoints: ['198.51.100.10', '198.51.100.20'].map((host) => ({
        url: `srt://${host}:5000?mode=caller&passphrase=${PASSPHRASE}&pbkeylen=32&latency=2000000&streamid=studio-main`,
        host,
        port: 5000,
        passphrase: PASSPHRASE,
        encryption: 'AES256',
        pbkeylen: 32,
        latencyMs: 2000,
        streamId: 'studio-main',
      })),
    });
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: SRT_SECRET_ARN,
      VersionStage: 'AWSCURRENT',
    });
    expect(logEntry(logs, 'ingest details served')).toMatchObject({
      channelId: 'studio',
      protocol: 'SRT_LISTENER',
      caller: { userArn: OPERATOR.userArn },
    });
    expect(logs).not.toContain(PASSPHRASE);
  });

  test.each([
    ['AES128', 16],
    ['AES192', 24],
    ['AES256', 32],
  ])('%s → pbkeylen=%i in the URL and the settings', async (algorithm, pbkeylen) => {
    srtInput({ Decryption: { Algorithm: algorithm, PassphraseSecretArn: SRT_SECRET_ARN } });
    const body = JSON.parse((await ingest(ingestRequest('studio'))).body as string);
    expect(body.endpoints[0]).toMatchObject({ encryption: algorithm, pbkeylen });
    expect(new URL(body.endpoints[0].url).searchParams.get('pbkeylen')).toBe(String(pbkeylen));
  });

  test('a stream id with URL-reserved characters is query-encoded (and decodes back)', async () => {
    srtInput({ StreamId: '#!::r=studio,m=publish' });
    const body = JSON.parse((await ingest(ingestRequest('studio'))).body as string);
    const url = body.endpoints[0].url as string;
    expect(url).not.toContain('#');
    expect(new URL(url).searchParams.get('streamid')).toBe('#!::r=studio,m=publish');
    expect(new URL(url).searchParams.get('latency')).toBe('2000000');
  });

  test('an input that names another secret → inconsistent: true, logged without the passphrase', async () => {
    srtInput({}, 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:Other-AbCdEf');
    const { result: res, logs } = await captureLogs(() => ingest(ingestRequest('studio')));
    expect(JSON.parse(res.body as string)).toMatchObject({ inconsistent: true, protocol: 'SRT_LISTENER' });
    expect(logs).toContain('the SRT input names another secret than the channel passphrase');
    expect(logs).not.toContain(PASSPHRASE);
  });

  test('an input that reports neither addresses nor SRT settings (some emulators) → the passphrase, no URL', async () => {
    ml.on(DescribeInputCommand, { InputId: '5555555' }).resolves({ Destinations: [] });
    sm.on(GetSecretValueCommand, { SecretId: SRT_SECRET_ARN }).resolves({ SecretString: PASSPHRASE });
    const body = JSON.parse((await ingest(ingestRequest('studio'))).body as string);
    expect(body).toMatchObject({
      inconsistent: false,
      endpoints: [{ passphrase: PASSPHRASE }, { passphrase: PASSPHRASE }],
    });
    expect(body.endpoints[0].url).toBeUndefined();
  });
});
