/**
 * The recordings commands against the CLI's local stand-in (SigV4 recomputed for every call):
 * what each sends, what it prints, and each route's refusals as one line with its exit code.
 */
import { retryAfterSeconds } from '../../cli/api';
import { ExitCode } from '../../cli/errors';
import { onair } from './run';
import { OPERATOR_KEY, StandIn } from './stand-in';

/** A recording as lambda/recordings/record.ts recordingView answers it. */
const recording = (id: string, over: Record<string, unknown> = {}) => ({
  recordingId: id,
  channelId: 'main',
  status: 'READY',
  published: false,
  sessionStart: '2026-12-01T18:00:00.000Z',
  sessionEnd: '2026-12-01T19:30:00.000Z',
  durationSeconds: 5400,
  sizeBytes: 2_400_000_000,
  manifestKey: `recordings/main/${id}/index.m3u8`,
  posterKey: `recordings/main/${id}/poster.jpg`,
  parts: [{ part: '0000', status: 'SUCCEEDED', start: '2026-12-01T18:00:00Z', end: '2026-12-01T19:30:00Z' }],
  createdAt: '2026-12-01T18:00:01.000Z',
  updatedAt: '2026-12-01T19:31:00.000Z',
  ...over,
});
const NEWER = recording('main-20261202t180000z', {
  sessionStart: '2026-12-02T18:00:00.000Z',
  sessionEnd: null,
  status: 'RECORDING',
  durationSeconds: null,
  sizeBytes: null,
  manifestKey: null,
  posterKey: null,
  parts: [],
});
const OLDER = recording('main-20261201t180000z', { published: true });

let api: StandIn;
let env: Record<string, string>;
beforeEach(async () => {
  api = await StandIn.start();
  env = { ...api.env(), ONAIR_STAGE: 'test' };
});
afterEach(() => api.stop());

describe('onair recordings <channel>', () => {
  test('the newest page as a table, newest first; says when there are older ones', async () => {
    api.route('GET /channels/main/recordings', {
      status: 200,
      body: { channelId: 'main', recordings: [NEWER, OLDER], next: 'tok1' },
    });
    const r = await onair(['recordings', 'main'], env);
    expect(r.code).toBe(0);
    const [header, newer, older, more] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^RECORDING\s+STATUS\s+PUBLISHED\s+STARTED \(UTC\)\s+LENGTH\s+SIZE$/);
    expect(newer).toMatch(/^main-20261202t180000z\s+RECORDING\s+no\s+2026-12-02 18:00\s+-\s+-$/);
    expect(older).toMatch(/^main-20261201t180000z\s+READY\s+yes\s+2026-12-01 18:00\s+90 min 00 s\s+2\.4 GB$/);
    // --until is inclusive: the hint is a millisecond before the last one shown, not it again.
    expect(more).toBe('… older ones too: --all, or --until 2026-12-01T17:59:59.999Z');
    expect(api.received).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/channels/main/recordings',
        query: 'limit=25',
        signedBy: OPERATOR_KEY.accessKeyId,
      }),
    ]);
  });

  test('--since/--until (ISO or a duration ago) become from/to; --all follows every next token', async () => {
    api.route('GET /channels/main/recordings', [
      { status: 200, body: { channelId: 'main', recordings: [NEWER], next: 'tok/1+=' } },
      { status: 200, body: { channelId: 'main', recordings: [OLDER] } },
    ]);
    const before = Date.now();
    const r = await onair(
      ['recordings', 'main', '--since', '2026-11-01T00:00:00Z', '--until', '1h', '--all', '--json'],
      env,
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { recordings: { recordingId: string }[]; more?: boolean };
    expect(out.recordings.map((x) => x.recordingId)).toEqual([NEWER.recordingId, OLDER.recordingId]);
    expect(out.more).toBeUndefined();
    const [first, second] = api.received.map((x) => new URLSearchParams(x.query));
    expect(first.get('from')).toBe('2026-11-01T00:00:00.000Z');
    const to = Date.parse(first.get('to') ?? '');
    expect(to).toBeGreaterThanOrEqual(before - 3_600_000 - 1000);
    expect(to).toBeLessThanOrEqual(Date.now() - 3_600_000 + 1000);
    expect(first.get('limit')).toBe('100');
    expect(first.get('next')).toBeNull();
    // The token goes back exactly as the API gave it (URL-encoded on the wire).
    expect(second.get('next')).toBe('tok/1+=');
    expect(second.get('from')).toBe('2026-11-01T00:00:00.000Z');
  });

  test('no recordings: says so', async () => {
    api.route('GET /channels/main/recordings', { status: 200, body: { channelId: 'main', recordings: [] } });
    const r = await onair(['recordings', 'main', '--since', '24h'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('no recordings of main in that range');
  });

  test.each([
    [
      ['--since', 'yesterday'],
      /--since must be an ISO 8601 time such as 2026-12-01T18:00:00Z, or a duration ago/,
    ],
    // A bare number is ambiguous (24 hours? it was read as 24 seconds): a unit is required.
    [['--since', '24'], /or a duration ago with its unit \(90m, 24h, 7d\), got "24"/],
    [
      ['--since', '2026-12-02T00:00:00Z', '--until', '2026-12-01T00:00:00Z'],
      /--until \(.*\) is before --since/,
    ],
  ])('%j is a usage error before any call', async (args, says) => {
    const r = await onair(['recordings', 'main', ...args], env);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toMatch(says);
    expect(api.received).toEqual([]);
  });
});

test('onair recording <id>: status, session, length, size, files and parts', async () => {
  api.route(`GET /recordings/${OLDER.recordingId}`, { status: 200, body: OLDER });
  const r = await onair(['recording', OLDER.recordingId], env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('status      READY');
  expect(r.stdout).toContain('published   yes: viewers can get a session for it');
  expect(r.stdout).toContain('session     2026-12-01 18:00Z → 2026-12-01 19:30Z');
  expect(r.stdout).toContain('size        2.4 GB');
  expect(r.stdout).toContain(`manifest    recordings/main/${OLDER.recordingId}/index.m3u8`);
  expect(r.stdout).toMatch(/part 0000 SUCCEEDED/);
});

test.each([
  ['publish', 'published', true],
  ['unpublish', 'not published', false],
])('onair %s <id>: prints "%s" as the API answers it', async (command, says, published) => {
  api.route(`POST /recordings/${OLDER.recordingId}/${command}`, {
    status: 200,
    body: { ...OLDER, published },
  });
  const r = await onair([command, OLDER.recordingId], env);
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toBe(`recording ${OLDER.recordingId}: ${says}`);
  expect(api.received).toEqual([
    expect.objectContaining({
      method: 'POST',
      path: `/recordings/${OLDER.recordingId}/${command}`,
      body: '',
    }),
  ]);
});

describe('onair delete-recording <id>', () => {
  test('--yes deletes without asking (204), after reading the recording', async () => {
    api.route(`GET /recordings/${OLDER.recordingId}`, { status: 200, body: OLDER });
    api.route(`DELETE /recordings/${OLDER.recordingId}`, { status: 204 });
    const r = await onair(['delete-recording', OLDER.recordingId, '--yes', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ recordingId: OLDER.recordingId, deleted: true });
    expect(api.received.map((x) => `${x.method} ${x.path}`)).toEqual([
      `GET /recordings/${OLDER.recordingId}`,
      `DELETE /recordings/${OLDER.recordingId}`,
    ]);
  });

  test('--yes on an unknown id: no such recording (exit 5), never "deleted" (DELETE answers 204 for it)', async () => {
    api.route('GET /recordings/main-20990101t000000z', {
      status: 404,
      body: { error: 'NotFound', message: 'no recording "main-20990101t000000z"' },
    });
    api.route('DELETE /recordings/main-20990101t000000z', { status: 204 });
    const r = await onair(['delete-recording', 'main-20990101t000000z', '--yes'], env);
    expect(r.code).toBe(ExitCode.NOT_FOUND);
    expect(r.stderr).toMatch(/not found \(404\): no recording "main-20990101t000000z"/);
    expect(r.stdout).not.toMatch(/deleted/);
    expect(api.received.map((x) => x.method)).not.toContain('DELETE');
  });

  test('without --yes and without a terminal to ask on: nothing is deleted, a usage error', async () => {
    api.route(`GET /recordings/${OLDER.recordingId}`, { status: 200, body: OLDER });
    api.route(`DELETE /recordings/${OLDER.recordingId}`, { status: 204 });
    const r = await onair(['delete-recording', OLDER.recordingId], env);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toMatch(/not deleting without confirmation: pass --yes/);
    expect(api.received.map((x) => x.method)).not.toContain('DELETE');
  });
});

/** Each recordings route, the command that calls it. */
const ROUTES: readonly { route: string; args: string[]; before?: string }[] = [
  { route: 'GET /channels/main/recordings', args: ['recordings', 'main'] },
  { route: `GET /recordings/${OLDER.recordingId}`, args: ['recording', OLDER.recordingId] },
  { route: `POST /recordings/${OLDER.recordingId}/publish`, args: ['publish', OLDER.recordingId] },
  { route: `POST /recordings/${OLDER.recordingId}/unpublish`, args: ['unpublish', OLDER.recordingId] },
  {
    route: `DELETE /recordings/${OLDER.recordingId}`,
    args: ['delete-recording', OLDER.recordingId, '--yes'],
    // The command reads the recording first.
    before: `GET /recordings/${OLDER.recordingId}`,
  },
];
const ERRORS = [
  {
    status: 400,
    body: { error: 'BadRequest', message: 'invalid query: limit: expected 1-100' },
    code: ExitCode.USAGE,
    says: /the API refused the request \(400\): invalid query: limit: expected 1-100$/m,
  },
  {
    status: 401,
    body: { message: 'Unauthorized' },
    code: ExitCode.DENIED,
    says: /refused your credentials \(401: Unauthorized\): they need execute-api:Invoke on (GET|POST|DELETE)\/.*recordings/,
  },
  {
    status: 403,
    body: { message: 'Forbidden' },
    code: ExitCode.DENIED,
    says: /refused your credentials \(403: Forbidden\): they need execute-api:Invoke on (GET|POST|DELETE)\/.*recordings/,
  },
  {
    status: 404,
    body: { error: 'NotFound', message: 'no such thing' },
    code: ExitCode.NOT_FOUND,
    says: /not found \(404\): no such thing; `onair (channels` lists this deployment's channels|recordings <channel>` lists the recordings)$/m,
  },
  {
    status: 409,
    body: { error: 'Conflict', message: 'recording is still live; stop the channel first' },
    headers: { 'retry-after': '30' },
    code: ExitCode.CONFLICT,
    says: /conflict: recording is still live; stop the channel first; retry in 30 s/,
  },
  {
    status: 503,
    body: { error: 'ServiceUnavailable', message: 'AWS is throttling requests; retry later' },
    headers: { 'retry-after': '5' },
    code: ExitCode.UNAVAILABLE,
    says: /busy or failing \(503: AWS is throttling requests; retry later\); retry in 5 s$/m,
  },
] as const;

describe.each(ROUTES)('$route', ({ route, args, before }) => {
  test.each(ERRORS)('$status: one line saying what to do, exit $code', async (e) => {
    if (before) api.route(before, { status: 200, body: OLDER });
    api.route(route, {
      status: e.status,
      body: e.body,
      headers: 'headers' in e ? { ...e.headers } : undefined,
    });
    const r = await onair(args, env);
    expect(r.code).toBe(e.code);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(r.stderr).toMatch(/^onair: /);
    expect(r.stderr).toMatch(e.says);
    expect(r.stdout).toBe('');
  });
});

describe('Retry-After', () => {
  test('delay-seconds or an HTTP-date (RFC 9110), in seconds from now', () => {
    const now = Date.parse('2026-12-05T16:00:00Z');
    expect(retryAfterSeconds('30', now)).toBe(30);
    expect(retryAfterSeconds('Sat, 05 Dec 2026 16:00:45 GMT', now)).toBe(45);
    expect(retryAfterSeconds('Sat, 05 Dec 2026 15:59:00 GMT', now)).toBeUndefined();
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  test('a 503 with an HTTP-date says how many seconds to wait', async () => {
    api.route(`GET /recordings/${OLDER.recordingId}`, {
      status: 503,
      body: { error: 'ServiceUnavailable', message: 'retry later' },
      headers: { 'retry-after': new Date(Date.now() + 20_000).toUTCString() },
    });
    const r = await onair(['recording', OLDER.recordingId], env);
    expect(r.code).toBe(ExitCode.UNAVAILABLE);
    expect(r.stderr).toMatch(/; retry in (1[6-9]|2[01]) s$/m);
  });
});
