import type { InputDestination } from '@aws-sdk/client-medialive';
import type { ChannelEntry } from './registry';

/** RTMP port MediaLive listens on for RTMP_PUSH inputs. */
export const RTMP_PORT = '1935';

/**
 * An input destination as DescribeInput/UpdateInput return it: MediaLive reports `Ip`, `Port`
 * and `Url` (`rtmp://<ip>:1935/<app>/<key>`); some local API emulators echo the request's
 * `StreamName` (`<app>/<key>`) instead, which is read as a fallback.
 */
export type Destination = InputDestination & { StreamName?: string };

/** The stream key a destination accepts: what follows `<app>/` in its URL path or stream name (undefined if none). */
export function keyOfDestination(entry: ChannelEntry, d: Destination | undefined): string | undefined {
  if (d === undefined) return undefined;
  let path: string | undefined;
  if (d.Url !== undefined) {
    try {
      path = new URL(d.Url).pathname;
    } catch {
      return undefined;
    }
  } else if (d.StreamName !== undefined) {
    path = `/${d.StreamName}`;
  }
  if (path === undefined) return undefined;
  const prefix = `/${entry.app}/`;
  return path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : undefined;
}

/** OBS "Server" of a destination: rtmp://<ip>:<port>/<app>, from Ip/Port or else the URL's host. */
export function serverOf(entry: ChannelEntry, d: Destination): string | undefined {
  if (d.Ip !== undefined && d.Ip !== '') return `rtmp://${d.Ip}:${d.Port ?? RTMP_PORT}/${entry.app}`;
  if (d.Url === undefined) return undefined;
  try {
    const url = new URL(d.Url);
    return `${url.protocol}//${url.host}/${entry.app}`;
  } catch {
    return undefined;
  }
}

/** Every pipeline endpoint of the input serves `<app>/<key>`. */
export function servesKey(entry: ChannelEntry, destinations: readonly Destination[], key: string): boolean {
  return destinations.length === entry.p && destinations.every((d) => keyOfDestination(entry, d) === key);
}

/**
 * A destination that carries neither a URL nor a stream name (some emulators): it cannot show
 * which key the input serves. A URL that is present but foreign or unparseable is a mismatch.
 */
export function reportsNoKey(d: Destination): boolean {
  return d.Url === undefined && d.StreamName === undefined;
}
