// OnAir recordings page: lists a channel's published recordings (poster, date, duration), each
// linking to the player's replay mode. The list comes from the channel's own session route
// (body {"list": "recordings"}), so it follows the channel's viewer auth like its live stream;
// every poster URL is signed for exactly that image.
import {
  channelFromSearch,
  describeFailure,
  followEmptyPage,
  formatDuration,
  recordingsListBody,
  recordingsListMessage,
  replayUrl,
  sessionUrl,
} from './session.js';

const $ = (id) => document.getElementById(id);
const list = $('recordings');
const message = $('message');
const more = $('more');
const tokenForm = $('token-form');
const tokenInput = $('token');

let channel = '';
/** The cursor of the next page (`before`), when there is one. */
let next = '';

function show(text, kind = 'info') {
  message.textContent = text;
  message.className = kind;
}

/** One recording: its poster (a signed URL, or none), start date and duration, linked to its replay. */
function item(recording) {
  const li = document.createElement('li');
  const link = document.createElement('a');
  link.href = replayUrl(channel, recording.id);
  const started = new Date(recording.startedAt);
  const when = Number.isNaN(started.getTime()) ? recording.startedAt : started.toLocaleString();
  const duration = formatDuration(recording.durationSeconds);
  if (typeof recording.posterUrl === 'string') {
    const img = document.createElement('img');
    img.src = recording.posterUrl;
    img.alt = '';
    img.width = 320;
    img.height = 180;
    img.loading = 'lazy';
    link.append(img);
  } else {
    const none = document.createElement('span');
    none.className = 'no-poster';
    none.textContent = 'No poster';
    link.append(none);
  }
  const text = document.createElement('span');
  text.className = 'caption';
  const time = document.createElement('time');
  time.dateTime = recording.startedAt;
  time.textContent = when;
  text.append(time, ` · ${duration}`);
  link.append(text);
  link.setAttribute('aria-label', `Replay the recording of ${when}, ${duration} long`);
  li.append(link);
  return li;
}

/** Fetches the next page; an empty page with a cursor is followed at once, a few times at most. */
async function load(followed = 0) {
  const token = tokenInput.value.trim();
  const headers = { 'content-type': 'application/json' };
  if (token !== '') headers.authorization = `Bearer ${token}`;
  more.hidden = true;
  let res;
  try {
    res = await fetch(sessionUrl(channel), {
      method: 'POST',
      credentials: 'include',
      cache: 'no-store',
      headers,
      body: recordingsListBody(next || undefined),
    });
  } catch {
    return show('The network request failed; reload the page to try again.', 'error');
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok || body === null || !Array.isArray(body.recordings)) {
    const failure = describeFailure({
      status: res.ok ? 502 : res.status,
      body,
      channel,
      hadToken: token !== '',
      wwwAuthenticate: res.headers.get('www-authenticate'),
    });
    if (failure.needsToken) {
      tokenForm.hidden = false;
      tokenInput.focus();
    }
    return show(failure.message, 'error');
  }
  tokenForm.hidden = true;
  for (const r of body.recordings) list.append(item(r));
  next = typeof body.next === 'string' ? body.next : '';
  if (followEmptyPage(body, followed)) return load(followed + 1);
  more.hidden = next === '';
  const status = recordingsListMessage(channel, list.children.length, next !== '');
  show(status.text, status.kind);
}

function main() {
  const parsed = channelFromSearch(location.search);
  if ('error' in parsed) return show(parsed.error, 'error');
  channel = parsed.channel;
  $('channel').textContent = channel;
  $('live-link').href = `./?${new URLSearchParams({ channel }).toString()}`;
  document.title = `OnAir · recordings of ${channel}`;
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    list.replaceChildren();
    next = '';
    load();
  });
  more.addEventListener('click', () => load());
  load();
}

main();
