/** One HTTP response, read whole (manifests, JSON, segments: all small). */
export interface HttpResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly text: () => string;
  /** Milliseconds from sending the request to the end of the body. */
  readonly elapsedMs: number;
}

export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** @default - 15 s */
  readonly timeoutMs?: number;
}

/**
 * A request without redirects or a cookie jar of its own: what the caller sends is all that is
 * sent. Network failures become an Error whose message names the host and the cause.
 */
export async function httpRequest(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(url, {
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs ?? 15_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new NetworkError(`${req.method ?? 'GET'} ${new URL(url).host} failed: ${why}`);
  }
  const body = Buffer.from(await res.arrayBuffer());
  return {
    url,
    status: res.status,
    headers: res.headers,
    body,
    text: () => body.toString('utf8'),
    elapsedMs: Date.now() - started,
  };
}

export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** `name=value` pairs of a response's Set-Cookie headers, as a Cookie header value. */
export function cookieHeader(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
