/**
 * Control API routes: lib/ adds them to the HTTP API, the functions dispatch on the route key
 * API Gateway reports (`event.routeKey`, "<METHOD> <path>").
 */

export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path as API Gateway declares it, `{variables}` included. */
  readonly path: string;
}

/** Operator routes (IAM authorization). */
export const OperatorRoutes = {
  LIST_CHANNELS: { method: 'GET', path: '/channels' },
  CHANNEL_STATUS: { method: 'GET', path: '/channels/{id}/status' },
  START_CHANNEL: { method: 'POST', path: '/channels/{id}/start' },
  STOP_CHANNEL: { method: 'POST', path: '/channels/{id}/stop' },
  /** What an encoder needs: RTMP server and stream key, or srt:// URLs with the passphrase. */
  GET_INGEST: { method: 'GET', path: '/channels/{id}/ingest' },
  /**
   * Rotates the channel's ingest credential: its stream key, or its SRT passphrase on an SRT
   * channel (one route, one operator permission, one 200 / 409 pending / 503 contract).
   */
  ROTATE_STREAM_KEY: { method: 'POST', path: '/channels/{id}/stream-key' },
  CREATE_CLIP: { method: 'POST', path: '/channels/{id}/clips' },
  GET_CLIP: { method: 'GET', path: '/channels/{id}/clips/{clipId}' },
  LIST_RECORDINGS: { method: 'GET', path: '/channels/{id}/recordings' },
  GET_RECORDING: { method: 'GET', path: '/recordings/{recordingId}' },
  DELETE_RECORDING: { method: 'DELETE', path: '/recordings/{recordingId}' },
  PUBLISH_RECORDING: { method: 'POST', path: '/recordings/{recordingId}/publish' },
  UNPUBLISH_RECORDING: { method: 'POST', path: '/recordings/{recordingId}/unpublish' },
} as const satisfies Record<string, Route>;

/**
 * The viewer's session route in its generic form: each channel gets a literal route
 * ({@link sessionPath}) with its own authorizer, and this one catches unknown channel ids.
 */
export const SESSION_ROUTE = {
  method: 'POST',
  path: '/playback/{channelId}/session',
} as const satisfies Route;

/** The route key API Gateway reports for a route: "<METHOD> <path>". */
export function routeKey(route: Route): string {
  return `${route.method} ${route.path}`;
}

/** A channel's own session route path, `/playback/<channel>/session`. */
export function sessionPath(channelId: string): string {
  return SESSION_ROUTE.path.replace('{channelId}', channelId);
}
