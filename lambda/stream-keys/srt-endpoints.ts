/**
 * What an SRT encoder needs to call a channel's SRT listener input: one endpoint per pipeline, as a
 * complete srt:// URL (OBS and ffmpeg) and as the separate settings hardware encoders ask for.
 */

import { SRT_PBKEYLEN, SrtEncryption } from '../shared/contract';
import type { Destination } from '../shared/destinations';
import type { ChannelEntry } from '../shared/registry';
import type { InputView } from './credential';

export interface SrtEndpoint {
  /**
   * `srt://<ip>:<port>?mode=caller&passphrase=…&pbkeylen=…&latency=…[&streamid=…]`: OBS "Server"
   * (Stream Key left empty) and ffmpeg's output URL. `latency` is in microseconds, as ffmpeg's and
   * OBS's srt:// URLs take it. Absent when MediaLive reports no address or no SRT settings for the
   * endpoint (a real SRT input always has both; some emulators do not).
   */
  readonly url?: string;
  /** The address to call. */
  readonly host?: string;
  /** The UDP port to call (MediaLive assigns it). */
  readonly port?: number;
  /** The AES passphrase. */
  readonly passphrase: string;
  /** `AES128`, `AES192` or `AES256` ("AES-256" in most encoders' menus). */
  readonly encryption?: SrtEncryption;
  /** The key length in bytes (16, 24, 32), as libsrt-based encoders call it. */
  readonly pbkeylen?: 16 | 24 | 32;
  /** SRT latency in milliseconds, as encoders' settings pages take it. */
  readonly latencyMs?: number;
  /** The stream id to send, when the channel has one. */
  readonly streamId?: string;
}

function isEncryption(value: string | undefined): value is SrtEncryption {
  return value !== undefined && (Object.values(SrtEncryption) as string[]).includes(value);
}

/** Address and port of an endpoint: Ip/Port, or else the host of its URL. */
function addressOf(d: Destination | undefined): { host?: string; port?: number } {
  if (d === undefined) return {};
  let host = d.Ip !== undefined && d.Ip !== '' ? d.Ip : undefined;
  let port = d.Port !== undefined && d.Port !== '' ? Number(d.Port) : undefined;
  if ((host === undefined || port === undefined) && d.Url !== undefined) {
    try {
      const url = new URL(d.Url);
      host ??= url.hostname;
      if (url.port !== '') port ??= Number(url.port);
    } catch {
      // An unparseable URL gives no address.
    }
  }
  return {
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined && Number.isInteger(port) ? { port } : {}),
  };
}

/** `srt://host:port?…` with every value query-encoded. */
export function srtUrl(p: {
  host: string;
  port: number;
  passphrase: string;
  pbkeylen: number;
  latencyMs: number;
  streamId?: string;
}): string {
  const query = new URLSearchParams({
    mode: 'caller',
    passphrase: p.passphrase,
    pbkeylen: String(p.pbkeylen),
    latency: String(p.latencyMs * 1000),
  });
  if (p.streamId !== undefined) query.set('streamid', p.streamId);
  return `srt://${p.host}:${p.port}?${query.toString()}`;
}

/**
 * One endpoint per pipeline of the channel, in the input's order, with `passphrase`. The settings
 * come from the input as MediaLive reports them (the deployed truth), not from the config.
 */
export function srtEndpoints(entry: ChannelEntry, input: InputView, passphrase: string): SrtEndpoint[] {
  const settings = input.SrtSettings?.SrtListenerSettings;
  const algorithm = settings?.Decryption?.Algorithm;
  const encryption = isEncryption(algorithm) ? algorithm : undefined;
  const pbkeylen = encryption === undefined ? undefined : SRT_PBKEYLEN[encryption];
  const latencyMs = settings?.MinimumLatency;
  const streamId = settings?.StreamId;
  return Array.from({ length: entry.p }, (_, i) => {
    const { host, port } = addressOf(input.Destinations?.[i]);
    const url =
      host !== undefined && port !== undefined && pbkeylen !== undefined && latencyMs !== undefined
        ? srtUrl({ host, port, passphrase, pbkeylen, latencyMs, streamId })
        : undefined;
    return {
      ...(url !== undefined ? { url } : {}),
      ...(host !== undefined ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      passphrase,
      ...(encryption !== undefined ? { encryption, pbkeylen } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(streamId !== undefined ? { streamId } : {}),
    };
  });
}
