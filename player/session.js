// Pure logic of the demo player (no DOM, no network): URLs, renewal timing and error messages.
// Served as an ES module next to player.js and unit-tested in test/player/session.test.ts.

/**
 * Channel ids the platform accepts: CHANNEL_ID_PATTERN of lambda/shared/contract (the page is served
 * as written, without a bundler; test/player/session.test.ts checks that this copy agrees).
 */
const CHANNEL_ID = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

export const DEFAULT_CHANNEL = 'main';
/** Renew this long before the session expires. */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;
/** Never renew more often than this, whatever the clocks say. */
export const MIN_RENEW_DELAY_MS = 10 * 1000;
/** Wait this long before retrying a 503 without Retry-After. */
export const DEFAULT_RETRY_MS = 5 * 1000;
/** Longest wait between retries. */
export const MAX_RETRY_MS = 60 * 1000;

/**
 * The channel named by the page's query string (`?channel=<id>`), or `main`.
 * @param {string} search `location.search`
 * @returns {{ channel: string } | { error: string }}
 */
export function channelFromSearch(search) {
  const raw = new URLSearchParams(search).get('channel');
  if (raw === null || raw === '') return { channel: DEFAULT_CHANNEL };
  if (!CHANNEL_ID.test(raw)) {
    return {
      error: `"${raw}" is not a channel id (2-32 characters: a-z, 0-9 and "-", starting with a letter)`,
    };
  }
  return { channel: raw };
}

/** Same-origin URL the page POSTs to for a session (the distribution's /api/playback/* behavior). */
export function sessionUrl(channel) {
  return `/api/playback/${channel}/session`;
}

/** The format this page plays: hls.js plays HLS (MPEG-TS). */
export const FORMAT = 'hls';

/** What the page POSTs for a session: the format it plays (the API's default, named anyway). */
export function sessionRequestBody() {
  return JSON.stringify({ format: FORMAT });
}

/**
 * A media path the platform issues: MediaPackage v1's own `/out/v1/<32 hex endpoint id>/…`
 * (LIVE_URI of lambda/shared/contract; test/player/session.test.ts checks that this copy agrees).
 */
export const LIVE_URI =
  /^\/out\/v1\/([0-9a-f]{32})\/([A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*)$/;

/**
 * The same-origin manifest path of a session response: its `manifestPath`, which the session's
 * cookies (Path=/out/v1/<endpoint id>/) cover. Undefined when the response names none the page can
 * play (another format, or not a media path of this platform).
 * @param {unknown} body the session response
 * @returns {string | undefined}
 */
export function manifestUrl(body) {
  if (body === null || typeof body !== 'object') return undefined;
  const { manifestPath, format } = /** @type {{ manifestPath?: unknown, format?: unknown }} */ (body);
  if (format !== undefined && format !== FORMAT) return undefined;
  return typeof manifestPath === 'string' && LIVE_URI.test(manifestPath) ? manifestPath : undefined;
}

/**
 * Milliseconds from now until the session should be renewed: `RENEW_BEFORE_MS` before it expires,
 * or half-way through a session shorter than twice that. Measured against the server's clock (the
 * response's Date header) so a skewed viewer clock neither renews in a loop nor too late.
 * @param {string} expiresAt ISO 8601 expiry from the session response
 * @param {number} serverNow the server's time (ms since the epoch) when it answered
 */
export function renewalDelayMs(expiresAt, serverNow) {
  const remaining = Date.parse(expiresAt) - serverNow;
  if (!Number.isFinite(remaining)) return MIN_RENEW_DELAY_MS;
  const delay = remaining > 2 * RENEW_BEFORE_MS ? remaining - RENEW_BEFORE_MS : remaining / 2;
  return Math.max(MIN_RENEW_DELAY_MS, Math.floor(delay));
}

/**
 * The server's clock from an HTTP Date header, falling back to the local clock.
 * @param {string | null} dateHeader
 * @param {number} localNow
 */
export function serverTime(dateHeader, localNow) {
  const t = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Number.isFinite(t) ? t : localNow;
}

/**
 * Delay before retrying: Retry-After (seconds or an HTTP date) when given, else exponential
 * backoff from DEFAULT_RETRY_MS, capped at MAX_RETRY_MS.
 * @param {string | null} retryAfter
 * @param {number} attempt 0 for the first retry
 * @param {number} now local time (ms), for an HTTP-date Retry-After
 */
export function retryDelayMs(retryAfter, attempt, now) {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(MAX_RETRY_MS, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.min(MAX_RETRY_MS, Math.max(0, at - now));
  }
  return Math.min(MAX_RETRY_MS, DEFAULT_RETRY_MS * 2 ** attempt);
}

/**
 * What the page tells the viewer about a failed session request, and what it does next.
 * `wwwAuthenticate` is the 401's header: API Gateway's JWT authorizer names the reason there
 * (`error_description="the token does not have a valid audience"`).
 * @param {{ status: number, body: unknown, channel: string, hadToken: boolean, wwwAuthenticate?: string | null }} failure
 * @returns {{ message: string, needsToken: boolean, retry: boolean }}
 */
export function describeFailure({ status, body, channel, hadToken, wwwAuthenticate }) {
  const detail =
    body !== null && typeof body === 'object' && typeof body.message === 'string' ? body.message : '';
  if (status === 404) {
    return { message: `Unknown channel "${channel}".`, needsToken: false, retry: false };
  }
  if (status === 401) {
    const reason = /error_description="([^"]*)"/.exec(wwwAuthenticate ?? '')?.[1];
    return {
      message: hadToken
        ? `The token was refused for channel "${channel}" (${reason ?? 'expired, or the wrong issuer or audience'}). Paste a fresh one.`
        : `Channel "${channel}" needs a sign-in token: paste a JWT from your identity provider.`,
      needsToken: true,
      retry: false,
    };
  }
  if (status === 403) {
    return {
      message: `Channel "${channel}" issues sessions to a signed backend only (iam viewer auth); this page cannot play it.`,
      needsToken: false,
      retry: false,
    };
  }
  if (status === 429 || status === 502 || status === 503 || status === 504) {
    return {
      message: `The session service is busy (HTTP ${status}); retrying.`,
      needsToken: false,
      retry: true,
    };
  }
  if (status === 0) {
    return { message: 'The network request failed; retrying.', needsToken: false, retry: true };
  }
  return {
    message: `Session request failed (HTTP ${status})${detail ? `: ${detail}` : '.'}`,
    needsToken: false,
    retry: status >= 500,
  };
}

/** "14 min 05 s" for a duration in milliseconds (negative is "expired"). */
export function formatRemaining(ms) {
  if (!(ms > 0)) return 'expired';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${s} s`;
}

/** "4.2 s" for a latency in seconds; an em dash until there is a value. */
export function formatSeconds(seconds) {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? `${seconds.toFixed(1)} s`
    : '—';
}

/**
 * Seconds between "now" and the wall-clock time of the frame on screen (EXT-X-PROGRAM-DATE-TIME,
 * stamped by MediaLive/MediaPackage), corrected by the offset between the server's clock and the
 * viewer's. An estimate of glass-to-glass latency; undefined without a program date time.
 * @param {Date | null | undefined} playingDate
 * @param {number} localNow
 * @param {number} clockOffsetMs server time minus local time
 */
export function wallClockLatencySeconds(playingDate, localNow, clockOffsetMs) {
  if (!playingDate) return undefined;
  const t = playingDate.getTime();
  if (!Number.isFinite(t)) return undefined;
  return (localNow + clockOffsetMs - t) / 1000;
}

/**
 * What a failed media request means (hls.js fatal network error, HTTP status of the response).
 * CloudFront answers 403 when the signed cookies are missing or expired; MediaPackage answers 404
 * for a manifest while the channel receives no stream.
 * @param {number | undefined} status
 * @returns {{ message: string, renewSession: boolean }}
 */
export function describeMediaError(status) {
  if (status === 403) {
    return {
      message: 'CloudFront refused the media (session missing or expired); renewing.',
      renewSession: true,
    };
  }
  if (status === 404) {
    return {
      message:
        'The channel is not live yet (no stream reaches it); retrying. Start the channel and your encoder.',
      renewSession: false,
    };
  }
  return {
    message: `The stream could not be loaded${status ? ` (HTTP ${status})` : ''}; retrying.`,
    renewSession: false,
  };
}

/**
 * "720p · 3000 kbit/s" for an hls.js level; a media playlist without a multivariant playlist
 * has neither (MediaPackage always sends one, a test stream may not).
 * @param {{ height?: number, bitrate?: number } | undefined} level
 */
export function formatRendition(level) {
  const parts = [];
  if (level?.height) parts.push(`${level.height}p`);
  if (level?.bitrate) parts.push(`${Math.round(level.bitrate / 1000)} kbit/s`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

// ---- Recordings: replay mode and the recordings page ----

/**
 * Recording ids: `<channel>-<compact session start>` (RECORDING_ID_PATTERN of
 * lambda/shared/contract; test/player/session.test.ts checks that this copy agrees).
 */
export const RECORDING_ID = /^[a-z][a-z0-9-]{0,30}[a-z0-9]-\d{8}t\d{6}z$/;

/**
 * The recording named by the page's query string (`?channel=<id>&recording=<id>`): none (live
 * mode), a recording id, or an error for a malformed one.
 * @param {string} search `location.search`
 * @returns {{ recording?: string } | { error: string }}
 */
export function recordingFromSearch(search) {
  const raw = new URLSearchParams(search).get('recording');
  if (raw === null || raw === '') return {};
  if (!RECORDING_ID.test(raw)) {
    return { error: `"${raw}" is not a recording id (such as "main-20261201t190000z")` };
  }
  return { recording: raw };
}

/**
 * The channel a recording id names (`<channel>-<compact session start>`): `/player/?recording=<id>`
 * needs no `channel` parameter.
 * @param {string} recording
 */
export function channelOfRecording(recording) {
  return recording.replace(/-\d{8}t\d{6}z$/, '');
}

/** What the page POSTs for a recording's session (the channel's own session route). */
export function recordingSessionBody(recording) {
  return JSON.stringify({ recording });
}

/** What the recordings page POSTs for a page of the channel's published recordings. */
export function recordingsListBody(before) {
  return JSON.stringify(before ? { list: 'recordings', before } : { list: 'recordings' });
}

/**
 * Where a replay restarted after a media failure resumes: the position it had reached (hls.js's
 * `startPosition`, or the native video's `currentTime`), else the one an earlier restart kept (a
 * restart fails again before it seeks); the live stream always rejoins the edge (undefined).
 * @param {boolean} replay
 * @param {number} currentTime the video's position before hls.js is destroyed (that resets it)
 * @param {number | undefined} kept
 * @returns {number | undefined}
 */
export function resumePosition(replay, currentTime, kept) {
  if (!replay) return undefined;
  return Number.isFinite(currentTime) && currentTime > 0 ? currentTime : kept;
}

/**
 * Empty listing pages with a cursor the recordings page follows by itself, at most: the session
 * route reads a bounded number of index items per request (private, processing and failed
 * recordings among them), so a page may hold none of the published ones yet still have a cursor.
 */
export const EMPTY_PAGE_FOLLOW_UPS = 3;

/**
 * Whether the recordings page fetches the next page at once rather than show this one: it added
 * nothing, there is a cursor, and it has followed fewer than {@link EMPTY_PAGE_FOLLOW_UPS} such pages.
 * @param {{ recordings: unknown[], next?: unknown }} page
 * @param {number} followed empty pages followed so far for this click
 */
export function followEmptyPage(page, followed) {
  return page.recordings.length === 0 && typeof page.next === 'string' && followed < EMPTY_PAGE_FOLLOW_UPS;
}

/**
 * The recordings page's status line: how many are shown, or none yet; with none shown but a
 * cursor, that there may be older ones (the "Older recordings" button stays).
 */
export function recordingsListMessage(channel, shown, hasMore) {
  if (shown > 0)
    return { text: `${shown} published recording${shown === 1 ? '' : 's'}, newest first.`, kind: 'ok' };
  return {
    text: hasMore
      ? `No published recordings of channel "${channel}" among the most recent ones; older recordings may have some.`
      : `Channel "${channel}" has no published recordings yet.`,
    kind: 'info',
  };
}

/** A recording's media path: `/recordings/<channel>/<recording id>/<file>` (the archive bucket's key). */
export const RECORDING_URI =
  /^\/recordings\/([a-z][a-z0-9-]{0,30}[a-z0-9])\/([a-z][a-z0-9-]{0,30}[a-z0-9]-\d{8}t\d{6}z)\/([A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*)$/;

/**
 * The same-origin manifest path of a recording session response: its `manifestPath`, below the
 * folder of the recording asked for (which the cookies cover). Undefined for anything else.
 * @param {unknown} body the session response
 * @param {string} recording the recording id asked for
 * @returns {string | undefined}
 */
export function recordingManifestUrl(body, recording) {
  if (body === null || typeof body !== 'object') return undefined;
  const { manifestPath } = /** @type {{ manifestPath?: unknown }} */ (body);
  if (typeof manifestPath !== 'string') return undefined;
  const m = RECORDING_URI.exec(manifestPath);
  return m !== null && m[2] === recording ? manifestPath : undefined;
}

/** The replay page of a recording (relative to /player/). */
export function replayUrl(channel, recording) {
  return `./?${new URLSearchParams({ channel, recording }).toString()}`;
}

/** The recordings page of a channel (relative to /player/). */
export function recordingsPageUrl(channel) {
  return `recordings.html?${new URLSearchParams({ channel }).toString()}`;
}

/** "1:02:05" or "12:05" for a duration in seconds; an em dash when unknown. */
export function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The recording's status a 409 names (RECORDING, PROCESSING, FAILED), if any. */
function recordingStatus(body) {
  if (body === null || typeof body !== 'object') return undefined;
  const { status } = /** @type {{ status?: unknown }} */ (body);
  return typeof status === 'string' ? status : undefined;
}

/**
 * What the page tells the viewer when a recording's session is refused: a 409 is retried while
 * the recording is being recorded or processed, not once it has FAILED (that is final).
 * @param {{ status: number, body: unknown, channel: string, recording: string, hadToken: boolean, wwwAuthenticate?: string | null }} failure
 * @returns {{ message: string, needsToken: boolean, retry: boolean }}
 */
export function describeRecordingFailure(failure) {
  const { status, channel, recording } = failure;
  if (status === 404) {
    return {
      message: `Channel "${channel}" has no recording "${recording}".`,
      needsToken: false,
      retry: false,
    };
  }
  if (status === 409 && recordingStatus(failure.body) === 'FAILED') {
    return {
      message: `Recording "${recording}" failed to process; it cannot be played.`,
      needsToken: false,
      retry: false,
    };
  }
  if (status === 409) {
    return {
      message: `Recording "${recording}" is still being processed; retrying.`,
      needsToken: false,
      retry: true,
    };
  }
  if (status === 403 && failure.body !== null && typeof failure.body === 'object') {
    const message = /** @type {{ message?: unknown }} */ (failure.body).message;
    if (typeof message === 'string' && message.endsWith('is not published')) {
      return { message: `Recording "${recording}" is not published.`, needsToken: false, retry: false };
    }
  }
  return describeFailure(failure);
}
