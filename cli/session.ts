import { StackOutput } from '../lib/stacks/outputs';
import type { ControlApi } from './api';
import { apiError } from './api';
import { ChannelOutput, channelOutput, type Deployment } from './deployment';
import { CliError, ExitCode } from './errors';
import { cookieHeader, httpRequest, NetworkError } from './http';
import type { ChannelView, Format, Session } from './model';

/**
 * Where viewers of a channel obtain a session: what the API lists for the channel, else the
 * stack's PlaybackSessionUrl<id> output, else the distribution's /api/playback route.
 */
export function sessionUrlOf(d: Deployment, channelId: string, view?: ChannelView): string {
  return (
    view?.sessionUrl ??
    channelOutput(d, ChannelOutput.PLAYBACK_SESSION_URL, channelId) ??
    `https://${d.distributionDomainName}/api/playback/${encodeURIComponent(channelId)}/session`
  );
}

/** The demo player's URL for a channel: what the API lists, else the stack's PlayerUrl with ?channel=. */
export function playerUrlOf(d: Deployment, channelId: string, view?: ChannelView): string | undefined {
  if (view?.playerUrl) return view.playerUrl;
  const base = d.outputs[StackOutput.PLAYER_URL];
  if (base === undefined) return undefined;
  const u = new URL(base);
  u.searchParams.set('channel', channelId);
  return u.toString();
}

export interface SessionOptions {
  readonly format?: Format;
  /** Bearer token for channels with jwt viewer auth. */
  readonly token?: string;
}

interface SessionBody {
  readonly channelId?: string;
  readonly expiresAt?: string;
  readonly urls?: Partial<Record<Format, string>>;
  readonly url?: string;
  readonly format?: Format;
  readonly cookies?: Readonly<Record<string, string>>;
}

/**
 * Creates a viewer session. Sessions on the control API itself (iam viewer auth) are SigV4-signed;
 * the others are plain POSTs, like a browser's. The body names the format when one other than
 * HLS is wanted; an API that answers every format at once refuses that body (400), and the
 * session is asked for again without it.
 */
export async function createSession(
  d: Deployment,
  api: ControlApi,
  channelId: string,
  opts: SessionOptions = {},
  view?: ChannelView,
): Promise<Session> {
  const sessionUrl = sessionUrlOf(d, channelId, view);
  const signed = sessionUrl.startsWith(api.baseUrl.replace(/\/+$/, ''));
  const what = `viewer session for channel ${channelId}`;
  const post = async (body: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    try {
      return await httpRequest(sessionUrl, {
        method: 'POST',
        body,
        headers: signed ? await api.sign('POST', sessionUrl, body, headers) : headers,
      });
    } catch (err) {
      if (err instanceof NetworkError)
        throw new CliError(`${what}: cannot reach ${sessionUrl} (${err.message})`, ExitCode.UNAVAILABLE);
      throw err;
    }
  };
  const format = opts.format ?? 'hls';
  let res = await post(format === 'hls' ? '{}' : JSON.stringify({ format }));
  if (res.status === 400 && format !== 'hls') res = await post('{}');
  if (res.status === 401)
    throw new CliError(
      `${what}: the channel needs a viewer token (401); pass --token <JWT> from your identity provider`,
      ExitCode.DENIED,
    );
  if (res.status < 200 || res.status >= 300)
    throw apiError(what, signed ? 'POST/playback/*/session' : sessionUrl, res);
  const body = JSON.parse(res.text()) as SessionBody;
  const urls: Partial<Record<Format, string>> = { ...(body.urls ?? {}) };
  if (body.url) urls[body.format ?? format] = body.url;
  const cookie = body.cookies
    ? Object.entries(body.cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join('; ')
    : cookieHeader(res.headers);
  return { channelId, expiresAt: body.expiresAt ?? '', urls, cookie, sessionUrl };
}

/** The signed manifest URL of a format, or a CliError naming what the session offers. */
export function manifestUrl(s: Session, format: Format): string {
  const url = s.urls[format];
  if (url === undefined)
    throw new CliError(
      `the session for ${s.channelId} has no ${format} URL (it offers ${Object.keys(s.urls).join(', ') || 'none'})`,
      ExitCode.FAILED,
    );
  return url;
}
