import {
  CHANNEL_ID_PATTERN,
  LIVE_URI as CONTRACT_LIVE_URI,
  RECORDING_ID_PATTERN,
  recordingPrefix,
} from '../../lambda/shared/contract';
import { SESSION_PATH } from '../../lib/constructs/playback/playback';
import {
  channelFromSearch,
  channelOfRecording,
  DEFAULT_RETRY_MS,
  describeFailure,
  describeMediaError,
  describeRecordingFailure,
  EMPTY_PAGE_FOLLOW_UPS,
  followEmptyPage,
  formatDuration,
  formatRemaining,
  formatRendition,
  formatSeconds,
  LIVE_URI,
  MAX_RETRY_MS,
  MIN_RENEW_DELAY_MS,
  manifestUrl,
  RECORDING_ID,
  RECORDING_URI,
  RENEW_BEFORE_MS,
  recordingFromSearch,
  recordingManifestUrl,
  recordingSessionBody,
  recordingsListBody,
  recordingsListMessage,
  recordingsPageUrl,
  renewalDelayMs,
  replayUrl,
  resumePosition,
  retryDelayMs,
  serverTime,
  sessionRequestBody,
  sessionUrl,
  wallClockLatencySeconds,
} from '../../player/session.js';

const MIN = 60_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('URLs', () => {
  test('the session is the distribution path of the control API route', () => {
    expect(sessionUrl('main')).toBe('/api/playback/main/session');
    expect(sessionUrl('main')).toBe(`/api${SESSION_PATH('main')}`);
  });

  test('the page asks for an HLS session', () => {
    expect(JSON.parse(sessionRequestBody())).toEqual({ format: 'hls' });
  });

  test("the manifest is the session's manifestPath, below the endpoint path the cookies cover", () => {
    const id = '0123456789abcdef0123456789abcdef';
    const session = {
      channelId: 'main',
      format: 'hls',
      expiresAt: '2026-11-25T12:30:00.000Z',
      url: `https://d111111abcdef8.cloudfront.net/out/v1/${id}/index.m3u8?Policy=p`,
      manifestPath: `/out/v1/${id}/index.m3u8`,
      cookiePath: `/out/v1/${id}/`,
    };
    expect(manifestUrl(session)).toBe(`/out/v1/${id}/index.m3u8`);
    expect(manifestUrl(session)?.startsWith(session.cookiePath)).toBe(true);
  });

  test.each([
    ['no body', null],
    ['no manifestPath', { format: 'hls' }],
    [
      'another format',
      { format: 'dash', manifestPath: '/out/v1/0123456789abcdef0123456789abcdef/index.mpd' },
    ],
    ['another site', { manifestPath: 'https://example.com/out/v1/0123456789abcdef0123456789abcdef/x.m3u8' }],
    ['a path outside /out/v1', { manifestPath: '/player/index.m3u8' }],
    ['a dot segment', { manifestPath: '/out/v1/0123456789abcdef0123456789abcdef/../x.m3u8' }],
    ['an id that is not 32 hex digits', { manifestPath: '/out/v1/main/index.m3u8' }],
  ])('no manifest to play from a response with %s', (_what, body) => {
    expect(manifestUrl(body)).toBeUndefined();
  });

  test('the media path pattern is the contract LIVE_URI', () => {
    expect(LIVE_URI.source).toBe(CONTRACT_LIVE_URI.source);
  });

  test.each([
    ['', 'main'],
    ['?channel=', 'main'],
    ['?channel=sports-2', 'sports-2'],
    ['?foo=1&channel=ab', 'ab'],
  ])('channel from %j is %s', (search, channel) => {
    expect(channelFromSearch(search)).toEqual({ channel });
  });

  test.each([
    '?channel=Main',
    '?channel=a',
    '?channel=../api',
    '?channel=main%2Fhls',
    '?channel=-main',
    `?channel=${'a'.repeat(33)}`,
  ])('rejects %s with a message naming the value and what is allowed', (search) => {
    const r = channelFromSearch(search);
    expect(r).toEqual({ error: expect.stringContaining('is not a channel id (2-32 characters') });
  });

  test('accepts exactly the channel ids of the contract', () => {
    const ids = [
      'ab',
      'main',
      'sports-2',
      'a-b',
      'a1',
      'Main',
      'a',
      '1a',
      'a-',
      '-a',
      'a_b',
      'a.b',
      'a'.repeat(32),
      'a'.repeat(33),
    ];
    for (const id of ids)
      expect({ id, accepted: 'channel' in channelFromSearch(`?channel=${id}`) }).toEqual({
        id,
        accepted: CHANNEL_ID_PATTERN.test(id),
      });
  });
});

describe('renewal timing', () => {
  test('renews 5 minutes before expiry', () => {
    expect(RENEW_BEFORE_MS).toBe(5 * MIN);
    expect(renewalDelayMs(at(60 * MIN), NOW)).toBe(55 * MIN);
    expect(renewalDelayMs(at(15 * MIN), NOW)).toBe(10 * MIN);
  });

  test('a session shorter than 10 minutes renews half-way', () => {
    expect(renewalDelayMs(at(2 * MIN), NOW)).toBe(MIN);
  });

  test('never renews in a tight loop, even for an expired or unparsable expiry', () => {
    expect(renewalDelayMs(at(-MIN), NOW)).toBe(MIN_RENEW_DELAY_MS);
    expect(renewalDelayMs('not a date', NOW)).toBe(MIN_RENEW_DELAY_MS);
  });

  test("measures against the server's clock, not a skewed viewer clock", () => {
    const viewerClock = NOW + 30 * MIN; // viewer 30 minutes fast
    const server = serverTime(new Date(NOW).toUTCString(), viewerClock);
    expect(server).toBe(NOW);
    expect(renewalDelayMs(at(60 * MIN), server)).toBe(55 * MIN);
    expect(serverTime(null, viewerClock)).toBe(viewerClock);
    expect(serverTime('garbage', viewerClock)).toBe(viewerClock);
  });
});

describe('retries', () => {
  test('honours Retry-After in seconds or as an HTTP date, capped', () => {
    expect(retryDelayMs('7', 0, NOW)).toBe(7000);
    expect(retryDelayMs(new Date(NOW + 12_000).toUTCString(), 0, NOW)).toBe(12_000);
    expect(retryDelayMs('3600', 0, NOW)).toBe(MAX_RETRY_MS);
  });

  test('backs off exponentially without Retry-After, capped', () => {
    expect([0, 1, 2, 10].map((n) => retryDelayMs(null, n, NOW))).toEqual([
      DEFAULT_RETRY_MS,
      2 * DEFAULT_RETRY_MS,
      4 * DEFAULT_RETRY_MS,
      MAX_RETRY_MS,
    ]);
  });
});

describe('session errors', () => {
  const fail = (status: number, hadToken = false, body: unknown = null) =>
    describeFailure({ status, body, channel: 'members', hadToken });

  test('404: unknown channel, no retry', () => {
    expect(fail(404)).toEqual({ message: 'Unknown channel "members".', needsToken: false, retry: false });
  });

  test('401: asks for a token, then says the token was refused', () => {
    expect(fail(401)).toMatchObject({ needsToken: true, retry: false });
    expect(fail(401).message).toContain('needs a sign-in token');
    expect(fail(401, true).message).toContain('token was refused');
    const refused = describeFailure({
      status: 401,
      body: { message: 'Unauthorized' },
      channel: 'members',
      hadToken: true,
      wwwAuthenticate:
        'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
    });
    expect(refused.message).toBe(
      'The token was refused for channel "members" (the token does not have a valid audience). Paste a fresh one.',
    );
  });

  test('403: an iam channel cannot be played from the page', () => {
    expect(fail(403)).toMatchObject({ needsToken: false, retry: false });
    expect(fail(403).message).toContain('iam viewer auth');
  });

  test.each([429, 502, 503, 504, 0])('%i: retried', (status) => {
    expect(fail(status)).toMatchObject({ needsToken: false, retry: true });
  });

  test('other errors show the API message', () => {
    expect(fail(400, false, { error: 'BadRequest', message: 'invalid request body' }).message).toBe(
      'Session request failed (HTTP 400): invalid request body',
    );
    expect(fail(500).retry).toBe(true);
  });

  test('media: 403 renews the session, 404 means not live', () => {
    expect(describeMediaError(403)).toMatchObject({ renewSession: true });
    expect(describeMediaError(404)).toMatchObject({ renewSession: false });
    expect(describeMediaError(404).message).toContain('not live');
    expect(describeMediaError(undefined).message).toBe('The stream could not be loaded; retrying.');
  });
});

describe('display', () => {
  test('remaining time', () => {
    expect(formatRemaining(14 * MIN + 5000)).toBe('14 min 05 s');
    expect(formatRemaining(90 * MIN)).toBe('1 h 30 min');
    expect(formatRemaining(-1)).toBe('expired');
  });

  test('rendition', () => {
    expect(formatRendition({ height: 720, bitrate: 3_000_000 })).toBe('720p · 3000 kbit/s');
    expect(formatRendition({ height: 0, bitrate: 0 })).toBe('—');
    expect(formatRendition(undefined)).toBe('—');
  });

  test('seconds', () => {
    expect(formatSeconds(4.26)).toBe('4.3 s');
    expect(formatSeconds(0)).toBe('—');
    expect(formatSeconds(undefined)).toBe('—');
  });

  test('wall-clock latency corrects the viewer clock by the server offset', () => {
    const frame = new Date(NOW - 8000);
    expect(wallClockLatencySeconds(frame, NOW, 0)).toBe(8);
    // viewer 3 s slow: server − local = +3 s
    expect(wallClockLatencySeconds(frame, NOW - 3000, 3000)).toBe(8);
    expect(wallClockLatencySeconds(null, NOW, 0)).toBeUndefined();
  });
});

describe('recordings', () => {
  const ID = 'main-20261201t190000z';

  test('the recording id pattern is the contract RECORDING_ID_PATTERN', () => {
    expect(RECORDING_ID.source).toBe(RECORDING_ID_PATTERN.source);
  });

  test('replay mode: ?recording=<id>, absent for live; a malformed id is an error naming it', () => {
    expect(recordingFromSearch('?channel=main')).toEqual({});
    expect(recordingFromSearch(`?channel=main&recording=${ID}`)).toEqual({ recording: ID });
    expect(recordingFromSearch('?recording=../x')).toEqual({
      error: '"../x" is not a recording id (such as "main-20261201t190000z")',
    });
  });

  test('the bodies the pages POST to the session route', () => {
    expect(JSON.parse(recordingSessionBody(ID))).toEqual({ recording: ID });
    expect(JSON.parse(recordingsListBody())).toEqual({ list: 'recordings' });
    expect(JSON.parse(recordingsListBody('2026-12-01T19:00:00.000Z'))).toEqual({
      list: 'recordings',
      before: '2026-12-01T19:00:00.000Z',
    });
  });

  test("the manifest is the session's manifestPath below the folder of the recording asked for, nothing else", () => {
    const folder = `/${recordingPrefix('main', ID)}`;
    expect(RECORDING_URI.test(`${folder}index.m3u8`)).toBe(true);
    expect(recordingManifestUrl({ manifestPath: `${folder}index.m3u8`, cookiePath: folder }, ID)).toBe(
      `${folder}index.m3u8`,
    );
    for (const manifestPath of [
      `/${recordingPrefix('main', 'main-20261202t190000z')}index.m3u8`,
      `${folder}../x.m3u8`,
      `https://example.com${folder}index.m3u8`,
      '/out/v1/0123456789abcdef0123456789abcdef/index.m3u8',
    ])
      expect(recordingManifestUrl({ manifestPath }, ID)).toBeUndefined();
    expect(recordingManifestUrl(null, ID)).toBeUndefined();
  });

  test('a recording id names its channel (so ?recording=<id> alone replays it)', () => {
    expect(channelOfRecording(ID)).toBe('main');
    expect(channelOfRecording('live-news-2-20261201t190000z')).toBe('live-news-2');
  });

  test('links: replay and the recordings page, relative to /player/', () => {
    expect(replayUrl('main', ID)).toBe(`./?channel=main&recording=${ID}`);
    expect(recordingsPageUrl('main')).toBe('recordings.html?channel=main');
  });

  test('an empty listing page with a cursor is followed at once, a bounded number of times', () => {
    const empty = { recordings: [], next: '2026-12-01T19:00:00.000Z' };
    expect(EMPTY_PAGE_FOLLOW_UPS).toBe(3);
    expect([0, 1, 2, 3].map((n) => followEmptyPage(empty, n))).toEqual([true, true, true, false]);
    expect(followEmptyPage({ recordings: [] }, 0)).toBe(false);
    expect(followEmptyPage({ recordings: [{ id: 'x' }], next: empty.next }, 0)).toBe(false);
  });

  test("the recordings page's status line: none yet only when there is no cursor", () => {
    expect(recordingsListMessage('main', 0, false)).toEqual({
      text: 'Channel "main" has no published recordings yet.',
      kind: 'info',
    });
    expect(recordingsListMessage('main', 0, true)).toEqual({
      text: 'No published recordings of channel "main" among the most recent ones; older recordings may have some.',
      kind: 'info',
    });
    expect(recordingsListMessage('main', 1, true)).toEqual({
      text: '1 published recording, newest first.',
      kind: 'ok',
    });
    expect(recordingsListMessage('main', 3, false)).toEqual({
      text: '3 published recordings, newest first.',
      kind: 'ok',
    });
  });

  test('a replay restarted after a media failure resumes where it was; live rejoins the edge', () => {
    expect(resumePosition(true, 1234.5, undefined)).toBe(1234.5);
    // a restart that failed again before seeking keeps the earlier position
    expect(resumePosition(true, 0, 1234.5)).toBe(1234.5);
    expect(resumePosition(true, Number.NaN, 1234.5)).toBe(1234.5);
    expect(resumePosition(true, 0, undefined)).toBeUndefined();
    expect(resumePosition(false, 1234.5, undefined)).toBeUndefined();
  });

  test('duration', () => {
    expect(formatDuration(5400)).toBe('1:30:00');
    expect(formatDuration(725.4)).toBe('12:05');
    expect(formatDuration(null)).toBe('—');
  });

  test("a refused recording session says why: unknown (also another channel's), not published, still processing", () => {
    const base = { channel: 'main', recording: ID, hadToken: false };
    expect(describeRecordingFailure({ ...base, status: 404, body: null })).toEqual({
      message: `Channel "main" has no recording "${ID}".`,
      needsToken: false,
      retry: false,
    });
    expect(
      describeRecordingFailure({
        ...base,
        status: 403,
        body: { error: 'Forbidden', message: `recording "${ID}" is not published` },
      }).message,
    ).toBe(`Recording "${ID}" is not published.`);
    expect(describeRecordingFailure({ ...base, status: 409, body: null }).retry).toBe(true);
    for (const status of ['RECORDING', 'PROCESSING']) {
      expect(describeRecordingFailure({ ...base, status: 409, body: { error: 'Conflict', status } })).toEqual(
        {
          message: `Recording "${ID}" is still being processed; retrying.`,
          needsToken: false,
          retry: true,
        },
      );
    }
    // a FAILED recording will not become READY by waiting: no retry loop
    expect(
      describeRecordingFailure({
        ...base,
        status: 409,
        body: {
          error: 'Conflict',
          message: `recording "${ID}" failed to process`,
          recordingId: ID,
          status: 'FAILED',
        },
      }),
    ).toEqual({
      message: `Recording "${ID}" failed to process; it cannot be played.`,
      needsToken: false,
      retry: false,
    });
    // the channel's own auth failures read as for live
    expect(describeRecordingFailure({ ...base, status: 401, body: null }).needsToken).toBe(true);
  });
});
