import { type Format, MANIFEST_FILES } from '../manifests';

/**
 * The live media path contract, shared by the CDK app (the distribution's one live behavior and
 * its viewer-request function), the channel-registration provider (which writes the route table)
 * and the session function (which signs one endpoint's path).
 *
 * Viewers request MediaPackage v1's own path, `/out/v1/<endpoint path id>/<file>`; the viewer
 * request function never changes the URI, it only picks the endpoint's host from a CloudFront
 * KeyValueStore (key: path id, value: host). A signature is then checked against the same URI
 * whether CloudFront checks before or after the function (an order CloudFront does not document),
 * and a channel's sessions stay scoped to its own endpoints' paths.
 */

/** Path pattern of the distribution's one live behavior. */
export const LIVE_PATH_PATTERN = '/out/v1/*';

/**
 * The id MediaPackage v1 generates for an origin endpoint's URL path (`/out/v1/<id>/…`), the same
 * id as in the endpoint's ARN. AWS documents no format; every documented example is 32 lower-case
 * hex digits. The registration provider refuses any other shape at deploy (a failed deploy names
 * the URL), so the edge never silently answers 404 for a real endpoint.
 */
export const ENDPOINT_PATH_ID_SOURCE = '[0-9a-f]{32}';
export const ENDPOINT_PATH_ID = new RegExp(`^${ENDPOINT_PATH_ID_SOURCE}$`);

/**
 * What may follow `/out/v1/<id>/`: what MediaPackage names files with. One or more path segments
 * (CMAF manifests sit below their manifest id), each starting with a letter, digit, "_" or "-" (so
 * no "", "." or ".." segment: each spelling of one object would be a separate cache key), and no
 * percent-encoded characters.
 */
export const MEDIA_FILE_SOURCE = '[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*';

/** A viewer URI the live behavior serves: group 1 the endpoint path id, group 2 the file. */
export const LIVE_URI = new RegExp(`^\\/out\\/v1\\/(${ENDPOINT_PATH_ID_SOURCE})\\/(${MEDIA_FILE_SOURCE})$`);

/** `/out/v1/<id>/`: an endpoint's path prefix, which sessions sign and scope their cookies to. */
export function endpointPathPrefix(pathId: string): string {
  return `/out/v1/${pathId}/`;
}

/** The manifest of a format below its endpoint's path prefix. */
export function manifestPathOf(pathId: string, format: Format): string {
  return `${endpointPathPrefix(pathId)}${MANIFEST_FILES[format]}`;
}

/** KeyValueStore quotas (CloudFront developer guide, "Quotas on key value stores"). */
export const KVS_MAX_KEY_BYTES = 512;
export const KVS_MAX_VALUE_BYTES = 1024;
/** Keys one UpdateKeys request may put and delete together. */
export const KVS_MAX_KEYS_PER_UPDATE = 50;
/** Total size of one store. */
export const KVS_MAX_STORE_BYTES = 5 * 1024 * 1024;

/** An origin endpoint's URL split into what the route table and the sessions need. */
export interface EndpointLocation {
  /** The MediaPackage host the endpoint is served from (the KeyValueStore value). */
  readonly host: string;
  /** The generated path id (the KeyValueStore key). */
  readonly pathId: string;
  /** The manifest's path below the path prefix (`index.m3u8`, `hls/index.m3u8`, …). */
  readonly file: string;
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Parses `https://<host>/out/v1/<id>/<manifest>` (an endpoint's Url, or a CMAF HLS manifest's).
 * Throws naming the URL when it has another shape: the edge could not route it.
 */
export function parseEndpointUrl(url: string): EndpointLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: "${url}"`);
  }
  const m = LIVE_URI.exec(parsed.pathname);
  const host = parsed.hostname.toLowerCase();
  if (parsed.protocol !== 'https:' || parsed.port !== '' || !DNS_NAME.test(host) || m === null) {
    throw new Error(
      `"${url}" is not https://<host>/out/v1/<32 hex digits>/<manifest>: the edge routes only MediaPackage v1 paths of that shape`,
    );
  }
  return { host, pathId: m[1], file: m[2] };
}
