import type { InputDestination } from '@aws-sdk/client-medialive';
import { IngestProtocol } from './contract';
import { type ChannelEntry, ingestProtocolOf } from './registry';

/** RTMP port MediaLive listens on for RTMP_PUSH inputs. */
export const RTMP_PORT = '1935';

/**
 * An input destination as DescribeInput/UpdateInput return it: MediaLive reports `Ip`, `Port`
 * and `Url` (`rtmp://<ip>:1935/<app>/<key>`). Some local API emulators (moto) report none of
 * them: the SDK then yields an empty object.
 */
export type Destination = InputDestination;

/** The stream key a destination accepts: what follows `/<app>/` in its URL path (undefined if none). */
export function keyOfDestination(entry: ChannelEntry, d: Destination | undefined): string | undefined {
  if (d?.Url === undefined) return undefined;
  let path: string;
  try {
    path = new URL(d.Url).pathname;
  } catch {
    return undefined;
  }
  const prefix = `/${entry.app}/`;
  return path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : undefined;
}

/**
 * The address of a destination, with no credential: `rtmp://<ip>:<port>/<app>` (OBS "Server") for
 * RTMP push, `srt://<ip>:<port>` for an SRT listener; from Ip/Port or else the URL's host.
 */
export function serverOf(entry: ChannelEntry, d: Destination): string | undefined {
  const srt = ingestProtocolOf(entry) === IngestProtocol.SRT_LISTENER;
  const path = srt ? '' : `/${entry.app}`;
  if (d.Ip !== undefined && d.Ip !== '') {
    if (srt && (d.Port === undefined || d.Port === '')) return `srt://${d.Ip}`;
    return `${srt ? 'srt' : 'rtmp'}://${d.Ip}:${d.Port ?? RTMP_PORT}${path}`;
  }
  if (d.Url === undefined) return undefined;
  try {
    const url = new URL(d.Url);
    return `${url.protocol}//${url.host}${path}`;
  } catch {
    return undefined;
  }
}

/** Every pipeline endpoint of the input serves `<app>/<key>`. */
export function servesKey(entry: ChannelEntry, destinations: readonly Destination[], key: string): boolean {
  return destinations.length === entry.p && destinations.every((d) => keyOfDestination(entry, d) === key);
}

/**
 * A destination without a URL (some emulators) cannot show which key the input serves. A URL
 * that is present but foreign or unparseable is a mismatch.
 */
export function reportsNoKey(d: Destination): boolean {
  return d.Url === undefined;
}
