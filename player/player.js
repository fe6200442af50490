// OnAir demo player: obtains a signed playback session from this distribution's session API
// (CloudFront-* cookies scoped to the channel's HLS endpoint, /out/v1/<endpoint id>/), plays the
// manifest the session names and renews the session before it expires. Everything is
// same-origin, so the cookies are first-party. With `&recording=<id>` it replays that recording
// instead (a session scoped to /recordings/<channel>/<id>/, from the same route).
import {
  channelFromSearch,
  channelOfRecording,
  describeFailure,
  describeMediaError,
  describeRecordingFailure,
  formatDuration,
  formatRemaining,
  formatRendition,
  formatSeconds,
  manifestUrl,
  recordingFromSearch,
  recordingManifestUrl,
  recordingSessionBody,
  recordingsPageUrl,
  renewalDelayMs,
  resumePosition,
  retryDelayMs,
  serverTime,
  sessionRequestBody,
  sessionUrl,
  wallClockLatencySeconds,
} from './session.js';

const $ = (id) => document.getElementById(id);
const video = $('video');
const message = $('message');
const badge = $('state');
const tokenForm = $('token-form');
const tokenInput = $('token');

const state = {
  channel: '',
  /** The recording replayed, or '' for the live stream. */
  recording: '',
  /** Session expiry on the local clock (ms). */
  expiresAt: 0,
  /** Server clock minus local clock (ms), from the session response's Date header. */
  clockOffsetMs: 0,
  sessionTimer: 0,
  sessionAttempt: 0,
  mediaAttempt: 0,
  inFlight: false,
  started: false,
  /** The channel's HLS manifest path, from the session response. */
  manifest: '',
  /** @type {any} */
  hls: null,
  /** Where a replay restarted after a media failure resumes (seconds), if anywhere. */
  /** @type {number | undefined} */
  resumeAt: undefined,
};

function show(text, kind = 'info') {
  message.textContent = text;
  message.className = kind;
}

function setBadge(text, kind = '') {
  badge.textContent = text;
  badge.className = `badge ${kind}`;
}

function scheduleSession(delayMs) {
  clearTimeout(state.sessionTimer);
  state.sessionTimer = setTimeout(requestSession, delayMs);
}

async function requestSession() {
  if (state.inFlight) return;
  state.inFlight = true;
  clearTimeout(state.sessionTimer);
  const token = tokenInput.value.trim();
  const headers = { 'content-type': 'application/json' };
  if (token !== '') headers.authorization = `Bearer ${token}`;
  try {
    let res;
    try {
      res = await fetch(sessionUrl(state.channel), {
        method: 'POST',
        credentials: 'include',
        cache: 'no-store',
        headers,
        body: state.recording ? recordingSessionBody(state.recording) : sessionRequestBody(),
      });
    } catch {
      return onSessionFailure(0, null, null, token !== '', null);
    }
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    const manifest = res.ok
      ? state.recording
        ? recordingManifestUrl(body, state.recording)
        : manifestUrl(body)
      : undefined;
    if (!res.ok || body === null || typeof body.expiresAt !== 'string' || manifest === undefined) {
      return onSessionFailure(
        res.ok ? 502 : res.status,
        body,
        res.headers.get('retry-after'),
        token !== '',
        res.headers.get('www-authenticate'),
      );
    }
    const localNow = Date.now();
    const serverNow = serverTime(res.headers.get('date'), localNow);
    state.clockOffsetMs = serverNow - localNow;
    state.expiresAt = Date.parse(body.expiresAt) - state.clockOffsetMs;
    state.sessionAttempt = 0;
    state.manifest = manifest;
    if (state.recording && typeof body.recording?.durationSeconds === 'number') {
      $('duration').textContent = formatDuration(body.recording.durationSeconds);
    }
    scheduleSession(renewalDelayMs(body.expiresAt, serverNow));
    if (token === '') tokenForm.hidden = true;
    tick();
    show(
      `Session valid until ${new Date(state.expiresAt).toLocaleTimeString()}; it renews automatically.`,
      'ok',
    );
    // A renewal only replaces the cookies; the player picks them up with its next request.
    if (!state.started) startPlayback();
  } finally {
    state.inFlight = false;
  }
}

function onSessionFailure(status, body, retryAfter, hadToken, wwwAuthenticate) {
  const request = { status, body, channel: state.channel, hadToken, wwwAuthenticate };
  const failure = state.recording
    ? describeRecordingFailure({ ...request, recording: state.recording })
    : describeFailure(request);
  setBadge('no session', 'error');
  if (failure.needsToken) {
    tokenForm.hidden = false;
    tokenInput.focus();
  }
  if (failure.retry) {
    const delay = retryDelayMs(retryAfter, state.sessionAttempt++, Date.now());
    scheduleSession(delay);
    show(`${failure.message} Next attempt in ${Math.ceil(delay / 1000)} s.`, 'warn');
  } else {
    show(failure.message, 'error');
  }
}

function startPlayback() {
  state.started = true;
  const src = state.manifest;
  const Hls = globalThis.Hls;
  if (Hls?.isSupported()) {
    const hls = new Hls({
      // The worker is a file of this site, so the CSP needs no blob: workers.
      workerPath: 'hls.worker.js',
      ...(state.resumeAt === undefined ? {} : { startPosition: state.resumeAt }),
      // Same-origin requests carry the cookies anyway; explicit for copies of this page elsewhere.
      xhrSetup: (xhr) => {
        xhr.withCredentials = true;
      },
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      state.mediaAttempt = 0;
      setBadge(modeLabel(), 'live');
      video.play().catch(() => show('Press play to start.', 'info'));
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
      $('rendition').textContent = formatRendition(hls.levels[data.level]);
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      onMediaFailure(data.response?.code);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    state.hls = hls;
    $('engine').textContent = `hls.js ${Hls.version}`;
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
    const at = state.resumeAt;
    if (at !== undefined)
      video.addEventListener(
        'loadedmetadata',
        () => {
          video.currentTime = at;
        },
        { once: true },
      );
    video.addEventListener('playing', () => setBadge(modeLabel(), 'live'), { once: true });
    // Native playback does not expose the HTTP status.
    video.addEventListener('error', () => onMediaFailure(undefined), { once: true });
    video.play().catch(() => show('Press play to start.', 'info'));
    $('engine').textContent = 'native HLS';
  } else {
    setBadge('unsupported', 'error');
    show('This browser can play neither HLS natively nor with Media Source Extensions.', 'error');
  }
}

/** The badge while playing: the live stream, or a replay (a recording, seekable from start to end). */
function modeLabel() {
  return state.recording ? 'replay' : 'live';
}

function onMediaFailure(status) {
  const failure = describeMediaError(status);
  setBadge('offline', 'error');
  const delay = retryDelayMs(null, state.mediaAttempt++, Date.now());
  show(`${failure.message} Next attempt in ${Math.ceil(delay / 1000)} s.`, 'warn');
  // Destroying hls.js detaches the video (its position resets): a replay resumes where it was.
  state.resumeAt = resumePosition(state.recording !== '', video.currentTime, state.resumeAt);
  if (state.hls !== null) {
    state.hls.destroy();
    state.hls = null;
  }
  const expired = Date.now() >= state.expiresAt;
  setTimeout(() => {
    state.started = false;
    if (failure.renewSession || expired) requestSession();
    else startPlayback();
  }, delay);
}

/** Distance from the live edge: hls.js's estimate, or the seekable range's end natively. */
function edgeLatency() {
  if (state.hls !== null) return state.hls.latency;
  const ranges = video.seekable;
  return ranges.length > 0 ? ranges.end(ranges.length - 1) - video.currentTime : undefined;
}

/** Wall-clock time of the frame on screen (EXT-X-PROGRAM-DATE-TIME). */
function playingDate() {
  if (state.hls !== null) return state.hls.playingDate;
  const start = typeof video.getStartDate === 'function' ? video.getStartDate() : null;
  return start && Number.isFinite(start.getTime())
    ? new Date(start.getTime() + video.currentTime * 1000)
    : null;
}

function tick() {
  if (state.expiresAt > 0) {
    const left = state.expiresAt - Date.now();
    $('expires').textContent =
      `${new Date(state.expiresAt).toLocaleTimeString()} (in ${formatRemaining(left)})`;
  }
  if (!video.paused && !state.recording) {
    $('latency').textContent = formatSeconds(edgeLatency());
    $('wallclock').textContent = formatSeconds(
      wallClockLatencySeconds(playingDate(), Date.now(), state.clockOffsetMs),
    );
  }
}

function main() {
  const parsed = channelFromSearch(location.search);
  if ('error' in parsed) {
    setBadge('error', 'error');
    show(parsed.error, 'error');
    return;
  }
  const replay = recordingFromSearch(location.search);
  if ('error' in replay) {
    setBadge('error', 'error');
    show(replay.error, 'error');
    return;
  }
  state.recording = replay.recording ?? '';
  // A recording id names its channel: ?recording=<id> alone replays it.
  state.channel =
    state.recording && !new URLSearchParams(location.search).has('channel')
      ? channelOfRecording(state.recording)
      : parsed.channel;
  $('channel').textContent = state.recording ? `${state.channel} · ${state.recording}` : state.channel;
  $('channel-input').value = state.channel;
  $('recordings-link').href = recordingsPageUrl(state.channel);
  // A replay has no live edge: its stats are the recording's length instead.
  for (const el of document.querySelectorAll(state.recording ? '.live-only' : '.replay-only'))
    el.hidden = true;
  document.title = state.recording ? `OnAir · replay ${state.recording}` : `OnAir · ${state.channel}`;
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    state.sessionAttempt = 0;
    requestSession();
  });
  setInterval(tick, 1000);
  requestSession();
}

main();
