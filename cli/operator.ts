import { type ControlApi, retryAfterSeconds } from './api';
import { pollMs, sleep } from './context';
import { CliError, ExitCode } from './errors';
import type {
  ActionResult,
  ChannelView,
  ClipView,
  IngestDetails,
  RecordingsPage,
  RecordingView,
} from './model';
import { duration, type Output } from './output';

/** The operator routes (docs/operations.md#control-api-routes), one function each. */
const enc = encodeURIComponent;

export async function listChannels(api: ControlApi): Promise<ChannelView[]> {
  const r = await api.call<{ channels: ChannelView[] }>({
    method: 'GET',
    path: '/channels',
    route: 'GET/channels',
    what: 'list channels',
  });
  return r.body.channels;
}

export async function channelStatus(api: ControlApi, id: string): Promise<ChannelView> {
  return (
    await api.call<ChannelView>({
      method: 'GET',
      path: `/channels/${enc(id)}/status`,
      route: 'GET/channels/*',
      what: `status of channel ${id}`,
    })
  ).body;
}

export async function channelAction(
  api: ControlApi,
  id: string,
  action: 'start' | 'stop',
): Promise<{ status: number; body: ActionResult }> {
  const r = await api.call<ActionResult>({
    method: 'POST',
    path: `/channels/${enc(id)}/${action}`,
    route: `POST/channels/*/${action}`,
    what: `${action} channel ${id}`,
  });
  return { status: r.status, body: r.body };
}

export async function ingestDetails(api: ControlApi, id: string): Promise<IngestDetails> {
  return (
    await api.call<IngestDetails>({
      method: 'GET',
      path: `/channels/${enc(id)}/ingest`,
      route: 'GET/channels/*',
      what: `ingest details of channel ${id}`,
    })
  ).body;
}

export type RotationAnswer =
  | { readonly rotated: true; readonly details: IngestDetails }
  | { readonly rotated: false; readonly pending: true; readonly state: string; readonly message?: string };

/** POST …/stream-key: 200 rotated, or the documented 409 `{pending: true}` (applied at the next stop). */
export async function rotateKey(api: ControlApi, id: string): Promise<RotationAnswer> {
  const what = `rotate the stream key of channel ${id}`;
  const r = await api.call<IngestDetails & { pending?: boolean; state?: string; message?: string }>({
    method: 'POST',
    path: `/channels/${enc(id)}/stream-key`,
    route: 'POST/channels/*/stream-key',
    what,
    accept: [409],
  });
  if (r.status === 200) return { rotated: true, details: r.body };
  if (r.body.pending === true)
    return { rotated: false, pending: true, state: r.body.state ?? 'UNKNOWN', message: r.body.message };
  const retry = retryAfterSeconds(r.headers.get('retry-after'));
  throw new CliError(
    `${what}: conflict${r.body.message ? `: ${r.body.message}` : ''}; nothing changed, retry${retry ? ` in ${retry} s` : ' shortly'}`,
    ExitCode.CONFLICT,
    { status: 409, ...r.body },
  );
}

export async function createClip(
  api: ControlApi,
  id: string,
  range: { start: string; end: string },
): Promise<ClipView> {
  return (
    await api.call<ClipView>({
      method: 'POST',
      path: `/channels/${enc(id)}/clips`,
      route: 'POST/channels/*/clips',
      what: `clip channel ${id}`,
      body: range,
    })
  ).body;
}

export async function clipStatus(api: ControlApi, id: string, clipId: string): Promise<ClipView> {
  return (
    await api.call<ClipView>({
      method: 'GET',
      path: `/channels/${enc(id)}/clips/${enc(clipId)}`,
      route: 'GET/channels/*/clips/*',
      what: `clip ${clipId} of channel ${id}`,
    })
  ).body;
}

/** What to do about a recording id the API does not know. */
const NO_RECORDING = '`onair recordings <channel>` lists the recordings';

/** One page of a channel's recordings, newest first (`from`/`to` bound the session start). */
export async function listRecordings(
  api: ControlApi,
  id: string,
  q: { from?: string; to?: string; limit?: number; next?: string },
): Promise<RecordingsPage> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const query = params.toString();
  return (
    await api.call<RecordingsPage>({
      method: 'GET',
      path: `/channels/${enc(id)}/recordings${query ? `?${query}` : ''}`,
      route: 'GET/channels/*/recordings',
      what: `list the recordings of channel ${id}`,
    })
  ).body;
}

export async function recording(api: ControlApi, recordingId: string): Promise<RecordingView> {
  return (
    await api.call<RecordingView>({
      method: 'GET',
      path: `/recordings/${enc(recordingId)}`,
      route: 'GET/recordings/*',
      what: `recording ${recordingId}`,
      notFound: NO_RECORDING,
    })
  ).body;
}

/** POST …/publish or …/unpublish: the recording as it is now. */
export async function setPublished(
  api: ControlApi,
  recordingId: string,
  published: boolean,
): Promise<RecordingView> {
  const action = published ? 'publish' : 'unpublish';
  return (
    await api.call<RecordingView>({
      method: 'POST',
      path: `/recordings/${enc(recordingId)}/${action}`,
      route: `POST/recordings/*/${action}`,
      what: `${action} recording ${recordingId}`,
      notFound: NO_RECORDING,
    })
  ).body;
}

/** DELETE /recordings/{id}: its files and its entry (204; an unknown id is 204 too). */
export async function deleteRecording(api: ControlApi, recordingId: string): Promise<void> {
  await api.call<undefined>({
    method: 'DELETE',
    path: `/recordings/${enc(recordingId)}`,
    route: 'DELETE/recordings/*',
    what: `delete recording ${recordingId}`,
    notFound: NO_RECORDING,
  });
}

/** States a start or stop passes through on its way. */
const TRANSITIONAL = new Set(['CREATING', 'STARTING', 'STOPPING', 'UPDATING', 'RECOVERING', 'DELETING']);

/**
 * Polls the channel's status until it reaches `target`, showing progress; fails when it settles in
 * another state or `timeoutMs` passes.
 */
export async function waitForState(
  api: ControlApi,
  out: Output,
  id: string,
  target: 'RUNNING' | 'IDLE',
  timeoutMs: number,
  until?: (v: ChannelView) => boolean,
): Promise<ChannelView> {
  const started = Date.now();
  const poll = pollMs(5);
  let last = '';
  for (;;) {
    const v = await channelStatus(api, id);
    const state = v.state ?? 'UNKNOWN';
    if (v.state === target && (until === undefined || until(v))) {
      out.progress(`${id}: ${v.state} after ${duration(Date.now() - started)}`);
      out.endProgress();
      return v;
    }
    if (state !== target && !TRANSITIONAL.has(state) && last !== '' && Date.now() - started > poll)
      throw new CliError(
        `channel ${id} settled in ${v.state}, not ${target}; \`onair status ${id}\` shows its alerts`,
        ExitCode.FAILED,
        { state: v.state },
      );
    if (Date.now() - started > timeoutMs)
      throw new CliError(
        `channel ${id} is still ${v.state} after ${duration(timeoutMs)} (waiting for ${target}); it may still get there: \`onair status ${id}\``,
        ExitCode.TIMEOUT,
        { state: v.state },
      );
    last = state;
    out.progress(`${id}: ${v.state}, waiting for ${target} (${duration(Date.now() - started)})`);
    await sleep(poll);
  }
}
