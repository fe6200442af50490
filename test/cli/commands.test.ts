import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../cli/errors';
import { onair } from './run';
import { OPERATOR_KEY, StandIn } from './stand-in';

const VIEW = {
  channelId: 'main',
  state: 'RUNNING',
  channelClass: 'SINGLE_PIPELINE',
  pipelinesRunning: 1,
  ladder: [
    { name: '720p', width: 1280, height: 720, maxBitrateKbps: 3000, framerate: 30, gopSeconds: 2 },
    { name: '360p', width: 640, height: 360, maxBitrateKbps: 700, framerate: 30, gopSeconds: 2 },
  ],
  encoding: {
    input: { codec: 'AVC', resolution: 'HD', maximumBitrate: 'MAX_10_MBPS' },
    audio: { codec: 'AAC', bitrateKbps: 128, sampleRate: 48000 },
  },
  ingestEndpoints: ['rtmp://198.51.100.7:1935/main'],
  live: true,
  liveSince: '2026-12-01T18:00:00Z',
  lastAlert: {
    type: 'RTMP Has No Audio/Video',
    pipeline: '0',
    message: 'm',
    state: 'CLEARED',
    at: '2026-12-01T18:00:05Z',
  },
  openAlerts: [],
};
const KEY = 'Abcdefghijklmnopqrstuvwxyz012345';
const INGEST = {
  channelId: 'main',
  state: 'IDLE',
  rotationPending: false,
  inconsistent: false,
  endpoints: [{ server: 'rtmp://198.51.100.7:1935/main', streamKey: KEY }],
};

let api: StandIn;
let env: Record<string, string>;
beforeEach(async () => {
  api = await StandIn.start();
  env = { ...api.env(), ONAIR_STAGE: 'test' };
});
afterEach(() => api.stop());

describe('finding the deployment and signing', () => {
  test('channels: a table with state, class, ladder, live and last alert; every call SigV4-signed with the operator key', async () => {
    api.route('GET /channels', {
      status: 200,
      body: {
        channels: [
          VIEW,
          {
            ...VIEW,
            channelId: 'news',
            state: 'IDLE',
            live: false,
            liveSince: undefined,
            lastAlert: undefined,
          },
          // GET /channels before the channel's first state change: no state at all.
          {
            ...VIEW,
            channelId: 'studio',
            state: undefined,
            live: false,
            liveSince: undefined,
            lastAlert: undefined,
          },
        ],
      },
    });
    const r = await onair(['channels'], env);
    expect(r.code).toBe(0);
    const [header, main, news, studio] = r.stdout.trim().split('\n');
    expect(studio).toMatch(/^studio\s+-\s+SINGLE_PIPELINE\s+720p\/360p\s+offline\s+-$/);
    expect(header).toMatch(/^CHANNEL\s+STATE\s+CLASS\s+LADDER\s+LIVE\s+LAST ALERT$/);
    expect(main).toMatch(
      /^main\s+RUNNING\s+SINGLE_PIPELINE\s+720p\/360p\s+live since 2026-12-01 18:00Z\s+RTMP Has No Audio\/Video \(pipeline 0\) CLEARED/,
    );
    expect(news).toMatch(/^news\s+IDLE\s+SINGLE_PIPELINE\s+720p\/360p\s+offline\s+-$/);
    expect(api.received).toEqual([
      expect.objectContaining({ method: 'GET', path: '/channels', signedBy: OPERATOR_KEY.accessKeyId }),
    ]);
  });

  test('--json prints the API answer; options work after the command too', async () => {
    api.route('GET /channels/main/status', { status: 200, body: VIEW });
    const r = await onair(['status', 'main', '--json', '--stage', 'test'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(VIEW);
  });

  test('wrong credentials: the recomputed signature differs, 403, exit 4 naming execute-api:Invoke', async () => {
    const r = await onair(['channels'], { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(r.code).toBe(ExitCode.DENIED);
    expect(r.stderr).toMatch(
      /^onair: list channels: the control API refused your credentials \(403: The request signature we calculated does not match.*execute-api:Invoke on GET\/channels/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(api.received[0].signedBy).toBeUndefined();
  });

  test('no stack for the stage: exit 3 saying what to deploy or pass', async () => {
    const r = await onair(['channels', '--stage', 'prod'], env);
    expect(r.code).toBe(ExitCode.SETUP);
    expect(r.stderr).toBe(
      'onair: no stack OnAir-prod in us-west-2: deploy it (npx cdk deploy --all), or pass the --stage and --region you deployed\n',
    );
  });

  test('no credentials anywhere: exit 3', async () => {
    const r = await onair(['channels'], {
      ...env,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(r.code).toBe(ExitCode.SETUP);
    expect(r.stderr).toMatch(/^onair: no AWS credentials: .*--profile\)\n$/);
  });
});

/** Each operator route, the command that calls it, and a valid answer. */
const ROUTES: readonly { route: string; args: string[] }[] = [
  { route: 'GET /channels', args: ['channels'] },
  { route: 'GET /channels/main/status', args: ['status', 'main'] },
  { route: 'POST /channels/main/start', args: ['start', 'main'] },
  { route: 'POST /channels/main/stop', args: ['stop', 'main'] },
  { route: 'GET /channels/main/ingest', args: ['ingest', 'main'] },
  { route: 'POST /channels/main/stream-key', args: ['rotate-key', 'main'] },
  { route: 'POST /channels/main/clips', args: ['clip', 'main', '--last', '60s'] },
  { route: 'GET /channels/main/clips/main-1', args: ['clip', 'main', '--last', '60s', '--wait'] },
];
const ERRORS: readonly {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  code: ExitCode;
  says: RegExp;
}[] = [
  {
    status: 400,
    body: { error: 'BadRequest', message: 'invalid request body: bad' },
    code: ExitCode.USAGE,
    says: /the API refused the request \(400\): invalid request body: bad$/,
  },
  {
    status: 401,
    body: { message: 'Unauthorized' },
    code: ExitCode.DENIED,
    says: /refused your credentials \(401: Unauthorized\): they need execute-api:Invoke/,
  },
  {
    status: 403,
    body: { message: 'Forbidden' },
    code: ExitCode.DENIED,
    says: /refused your credentials \(403: Forbidden\): they need execute-api:Invoke/,
  },
  {
    status: 404,
    body: { error: 'NotFound', message: 'unknown channel "main"' },
    code: ExitCode.NOT_FOUND,
    says: /not found \(404\): unknown channel "main"; `onair channels` lists/,
  },
  {
    status: 409,
    body: { error: 'Conflict', message: 'the channel is STOPPING', state: 'STOPPING' },
    headers: { 'retry-after': '10' },
    code: ExitCode.CONFLICT,
    says: /conflict \(state STOPPING\): the channel is STOPPING; retry in 10 s|conflict: the channel is STOPPING; nothing changed, retry in 10 s/,
  },
  {
    status: 503,
    body: { error: 'ServiceUnavailable', message: 'AWS is throttling requests; retry later' },
    headers: { 'retry-after': '5' },
    code: ExitCode.UNAVAILABLE,
    says: /busy or failing \(503: AWS is throttling requests; retry later\); retry in 5 s$/,
  },
];

describe.each(ROUTES)('$route', ({ route, args }) => {
  test.each(ERRORS)('$status: one line saying what to do, exit $code', async (e) => {
    const answer = { status: e.status, body: e.body, headers: e.headers };
    // The other calls a command makes answer normally, so the route under test is the one that fails.
    api.route('GET /channels/main/status', { status: 200, body: VIEW });
    api.route('GET /channels/main/ingest', { status: 200, body: INGEST });
    api.route('POST /channels/main/clips', {
      status: 202,
      body: { clipId: 'main-1', channelId: 'main', status: 'IN_PROGRESS', start: 'a', end: 'b' },
    });
    api.route(route, answer);
    const r = await onair(args, env);
    expect(r.code).toBe(e.code);
    // --wait may show progress lines first; the error is one line, the last.
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('onair: '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^onair: /);
    expect(lines.at(-1)).toMatch(e.says);
    expect(r.stdout).toBe('');
  });
});

describe('start, stop, rotate-key, clip', () => {
  test('start --wait shows progress until RUNNING', async () => {
    api.route('POST /channels/main/start', {
      status: 202,
      body: { channelId: 'main', state: 'STARTING', previousState: 'IDLE', changed: true },
    });
    api.route('GET /channels/main/status', [
      { status: 200, body: { ...VIEW, state: 'STARTING' } },
      { status: 200, body: { ...VIEW, state: 'STARTING' } },
      { status: 200, body: VIEW },
    ]);
    const r = await onair(['start', 'main', '--wait'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('main: IDLE → STARTING');
    expect(r.stdout).toContain('main: RUNNING');
    expect(r.stderr).toContain('main: STARTING, waiting for RUNNING');
  });

  test('stop --wait that settles elsewhere fails; one that never settles times out (exit 8)', async () => {
    api.route('POST /channels/main/stop', {
      status: 202,
      body: { channelId: 'main', state: 'STOPPING', previousState: 'RUNNING', changed: true },
    });
    api.route('GET /channels/main/status', { status: 200, body: { ...VIEW, state: 'STOPPING' } });
    const r = await onair(['stop', 'main', '--wait', '--timeout', '0.005'], env);
    expect(r.code).toBe(ExitCode.TIMEOUT);
    expect(r.stderr).toMatch(/onair: channel main is still STOPPING after 0 s \(waiting for IDLE\)/);
  });

  test('rotate-key on a live channel: the documented 409 pending is reported, exit 0', async () => {
    api.route('POST /channels/main/stream-key', {
      status: 409,
      body: { error: 'Conflict', message: 'pending', pending: true, state: 'RUNNING' },
    });
    const r = await onair(['rotate-key', 'main'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^main: rotation pending — the channel is RUNNING, so nothing changed now; the new key applies when it next stops/,
    );
  });

  test('clip --last 60s sends the last minute; --wait polls to SUCCEEDED', async () => {
    api.route('POST /channels/main/clips', {
      status: 202,
      body: { clipId: 'main-1', channelId: 'main', status: 'IN_PROGRESS', start: 's', end: 'e' },
    });
    api.route('GET /channels/main/clips/main-1', [
      {
        status: 200,
        body: { clipId: 'main-1', channelId: 'main', status: 'IN_PROGRESS', start: 's', end: 'e' },
      },
      {
        status: 200,
        body: {
          clipId: 'main-1',
          channelId: 'main',
          status: 'SUCCEEDED',
          start: 's',
          end: 'e',
          manifest: 's3://b/clips/main/main-1/index.m3u8',
        },
      },
    ]);
    const before = Date.now();
    const r = await onair(['clip', 'main', '--last', '60s', '--wait', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'SUCCEEDED',
      manifest: 's3://b/clips/main/main-1/index.m3u8',
    });
    const sent = JSON.parse(api.received.find((x) => x.method === 'POST')?.body ?? '{}') as {
      start: string;
      end: string;
    };
    expect(Date.parse(sent.end) - Date.parse(sent.start)).toBe(60_000);
    expect(Date.parse(sent.end)).toBeGreaterThanOrEqual(before - 1000);
  });

  test('clip without a range, or with a bad one: exit 2 before any call', async () => {
    expect((await onair(['clip', 'main'], env)).code).toBe(ExitCode.USAGE);
    const r = await onair(['clip', 'main', '--from', 'yesterday'], env);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toMatch(/--from must be an ISO 8601 time/);
    expect(api.received).toEqual([]);
  });
});

describe('ingest', () => {
  beforeEach(() => {
    api.route('GET /channels/main/status', { status: 200, body: VIEW });
    api.route('GET /channels/main/ingest', { status: 200, body: INGEST });
  });

  test('masks the key unless --reveal; encoder settings match the ladder', async () => {
    const masked = await onair(['ingest', 'main'], env);
    expect(masked.code).toBe(0);
    expect(masked.stdout).not.toContain(KEY);
    expect(masked.stdout).toContain('Stream Key   ••••••••2345 (32 characters; --reveal shows it)');
    expect(masked.stdout).toContain('Server       rtmp://198.51.100.7:1935/main');
    expect(masked.stdout).toContain('Keyframe interval    2 s');
    expect(masked.stdout).toContain('Resolution / FPS     1280x720 at 30');
    expect(masked.stdout).toContain('CBR 4500 kbit/s');
    expect(masked.stdout).toContain('AAC 48 kHz stereo 160 kbit/s');
    const json = await onair(['ingest', 'main', '--json'], env);
    expect(json.stdout).not.toContain(KEY);
    const shown = await onair(['ingest', 'main', '--reveal'], env);
    expect(shown.stdout).toContain(`Stream Key   ${KEY}`);
  });

  test('--obs writes an OBS profile readable only by its owner', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'onair-obs-')), 'profile');
    const r = await onair(['ingest', 'main', '--obs', dir], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'service.json'), 'utf8'))).toEqual({
      settings: { bwtest: false, key: KEY, server: 'rtmp://198.51.100.7:1935/main', use_auth: false },
      type: 'rtmp_custom',
    });
    const ini = readFileSync(join(dir, 'basic.ini'), 'utf8');
    expect(ini).toContain('BaseCX=1280\nBaseCY=720');
    expect(ini).toContain('FPSType=1\nFPSInt=30');
    expect(JSON.parse(readFileSync(join(dir, 'streamEncoder.json'), 'utf8'))).toMatchObject({
      rate_control: 'CBR',
      bitrate: 4500,
      keyint_sec: 2,
    });
    expect(statSync(join(dir, 'service.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

describe('ingest on an SRT channel', () => {
  const PASSPHRASE = 'Passphrase0123456789Passphrase0123456789abcd';
  const URL_A = `srt://198.51.100.10:5000?mode=caller&passphrase=${PASSPHRASE}&pbkeylen=32&latency=1000000&streamid=cam-1`;
  const SRT_INGEST = {
    channelId: 'main',
    protocol: 'SRT_LISTENER',
    state: 'IDLE',
    rotationPending: true,
    inconsistent: false,
    endpoints: [
      {
        url: URL_A,
        host: '198.51.100.10',
        port: 5000,
        passphrase: PASSPHRASE,
        encryption: 'AES256',
        pbkeylen: 32,
        latencyMs: 1000,
        streamId: 'cam-1',
      },
    ],
  };
  beforeEach(() => {
    api.route('GET /channels/main/status', { status: 200, body: VIEW });
    api.route('GET /channels/main/ingest', { status: 200, body: SRT_INGEST });
  });

  test('prints the srt:// URL and the hardware settings with the passphrase masked unless --reveal', async () => {
    const masked = await onair(['ingest', 'main'], env);
    expect(masked.code).toBe(0);
    expect(masked.stdout).not.toContain(PASSPHRASE);
    expect(masked.stdout).toContain('SRT listener — a passphrase rotation is pending');
    expect(masked.stdout).toContain(
      'URL          srt://198.51.100.10:5000?mode=caller&passphrase=<hidden>&pbkeylen=32&latency=1000000&streamid=cam-1',
    );
    expect(masked.stdout).toContain('Address      198.51.100.10, UDP port 5000 (mode caller)');
    expect(masked.stdout).toContain('Passphrase   ••••••••abcd (44 characters; --reveal shows it)');
    expect(masked.stdout).toContain('Encryption   AES-256 (pbkeylen 32)');
    expect(masked.stdout).toContain('Latency      1000 ms');
    expect(masked.stdout).toContain('Stream ID    cam-1');
    const json = await onair(['ingest', 'main', '--json'], env);
    expect(json.stdout).not.toContain(PASSPHRASE);
    const shown = await onair(['ingest', 'main', '--reveal'], env);
    expect(shown.stdout).toContain(`URL          ${URL_A}`);
    expect(shown.stdout).toContain(`Passphrase   ${PASSPHRASE}`);
  });

  test('--obs writes the srt:// URL as the custom server with an empty key', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'onair-obs-')), 'profile');
    const r = await onair(['ingest', 'main', '--obs', dir], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'service.json'), 'utf8'))).toEqual({
      settings: { bwtest: false, key: '', server: URL_A, use_auth: false },
      type: 'rtmp_custom',
    });
    expect(r.stdout).toContain('it holds the stream passphrase');
  });
});

test('push-test without ffmpeg names it and how to install it (exit 9)', async () => {
  const r = await onair(['push-test', 'main'], { ...env, ONAIR_FFMPEG: '/nonexistent/ffmpeg' });
  expect(r.code).toBe(ExitCode.MISSING_TOOL);
  expect(r.stderr).toMatch(
    /^onair: push-test needs ffmpeg, and "\/nonexistent\/ffmpeg" cannot be run: install ffmpeg \(Debian\/Ubuntu: apt-get install ffmpeg/,
  );
});

test('an unknown command or option: exit 2', async () => {
  expect((await onair(['frobnicate'], env)).code).toBe(ExitCode.USAGE);
  expect((await onair(['check', 'main', '--format', 'flv'], env)).code).toBe(ExitCode.USAGE);
});
