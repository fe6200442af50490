import * as http from 'node:http';
import * as https from 'node:https';

export interface ClientResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One HTTP(S) request that trusts exactly `ca` (the local edge's certificate), without connection
 * reuse and without cookies of its own: what a test sends is all that is sent.
 */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {},
): Promise<ClientResponse> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      { method: opts.method ?? 'GET', headers: opts.headers, ca: opts.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** `name=value` pairs of Set-Cookie headers, as a Cookie header value. */
export function cookieHeader(setCookie: readonly string[] | undefined): string {
  return (setCookie ?? []).map((c) => c.split(';')[0]).join('; ');
}

/** A line of what a test saw, in the e2e log. */
export const say = (line: string) => process.stdout.write(`e2e: ${line}\n`);

/** Where the local edge answers, and the certificate that authority must present. */
export interface EdgeAddress {
  readonly url: string;
  readonly ca: string;
}

/**
 * The local edge as a viewer reaches it: `edgeUrl(path)`, and `get` of a path (or a whole https
 * URL) with `headers` only, trusting the edge's certificate. `edge` is read at each call, so a
 * file may ask for these before its beforeAll starts the stand.
 */
export function edgeClient(edge: () => EdgeAddress) {
  const edgeUrl = (path: string) => `${edge().url}${path}`;
  const get = (path: string, headers: Record<string, string> = {}) =>
    request(path.startsWith('https://') ? path : edgeUrl(path), { headers, ca: edge().ca });
  return { edgeUrl, get };
}
