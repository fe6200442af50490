import { SignatureV4 } from '@smithy/signature-v4';
import { type CredentialProvider, Sha256 } from './aws';
import { CliError, ExitCode } from './errors';
import { type HttpResponse, httpRequest, NetworkError } from './http';

/** API Gateway's service name in SigV4 credential scopes. */
export const EXECUTE_API = 'execute-api';

/** An error body as the control API's functions write it (lambda/shared/http.ts) or API Gateway's own. */
interface ErrorBody {
  readonly error?: string;
  readonly message?: string;
  readonly state?: string;
  readonly pending?: boolean;
  readonly [key: string]: unknown;
}

/** A control API answer that is not 2xx, as a CliError with a one-line message saying what to do. */
export class ApiError extends CliError {
  constructor(
    message: string,
    exitCode: ExitCode,
    readonly status: number,
    readonly body: ErrorBody,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, exitCode, { status, ...body, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
  }
}

function parseBody(res: HttpResponse): ErrorBody {
  try {
    const v = JSON.parse(res.text()) as unknown;
    return v !== null && typeof v === 'object' ? (v as ErrorBody) : {};
  } catch {
    return {};
  }
}

/**
 * Retry-After in seconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3 allows both); undefined
 * when absent, unreadable or not in the future.
 */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | undefined {
  const v = (header ?? '').trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) > 0 ? Number(v) : undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  const s = Math.ceil((at - now) / 1000);
  return s > 0 ? s : undefined;
}

/**
 * The one-line message and exit code for a refused operator call. `what` names the call as an
 * operator thinks of it ("start channel main").
 */
export function apiError(
  what: string,
  route: string,
  res: HttpResponse,
  notFound = "`onair channels` lists this deployment's channels",
): ApiError {
  const body = parseBody(res);
  const said = body.message ? `: ${body.message}` : '';
  const retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
  const s = res.status;
  if (s === 400)
    return new ApiError(`${what}: the API refused the request (400)${said}`, ExitCode.USAGE, s, body);
  if (s === 401 || s === 403)
    return new ApiError(
      `${what}: the control API refused your credentials (${s}${said}): they need execute-api:Invoke on ${route} ` +
        'of this API, in its account (docs/operations.md#operator-permissions; check --profile and --region)',
      ExitCode.DENIED,
      s,
      body,
    );
  if (s === 404)
    return new ApiError(`${what}: not found (404)${said}; ${notFound}`, ExitCode.NOT_FOUND, s, body);
  if (s === 409) {
    const state = body.state ? ` (state ${body.state})` : '';
    const wait = retryAfter ? `retry in ${retryAfter} s` : 'retry shortly';
    return new ApiError(
      `${what}: conflict${state}${said}; ${wait}, or watch \`onair status\``,
      ExitCode.CONFLICT,
      s,
      body,
      retryAfter,
    );
  }
  if (s === 429 || s >= 500) {
    const wait = retryAfter ? `retry in ${retryAfter} s` : 'retry in a minute';
    return new ApiError(
      `${what}: the service is busy or failing (${s}${said}); ${wait}`,
      ExitCode.UNAVAILABLE,
      s,
      body,
      retryAfter,
    );
  }
  return new ApiError(`${what}: unexpected answer ${s}${said}`, ExitCode.FAILED, s, body);
}

export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path below the API URL, e.g. `/channels/main/status`. */
  readonly path: string;
  /** Route as IAM policies name it (`POST/channels/*\/start`), for permission hints. */
  readonly route: string;
  /** What the call does, for messages ("start channel main"). */
  readonly what: string;
  readonly body?: unknown;
  /** Statuses that are answers, not errors (e.g. 409 pending for a key rotation). */
  readonly accept?: readonly number[];
  /**
   * What to do about a 404.
   * @default - `onair channels` lists the channels
   */
  readonly notFound?: string;
}

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** The control API (stack output ControlApiUrl), every call SigV4-signed for execute-api. */
export class ControlApi {
  private readonly signer: SignatureV4;

  constructor(
    readonly baseUrl: string,
    readonly region: string,
    credentials: CredentialProvider,
  ) {
    this.signer = new SignatureV4({ service: EXECUTE_API, region, credentials, sha256: Sha256 });
  }

  /** Signs a request the way the AWS SDKs sign execute-api calls. */
  async sign(
    method: string,
    url: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    const u = new URL(url);
    const query: Record<string, string> = {};
    for (const [k, v] of u.searchParams) query[k] = v;
    const signed = await this.signer.sign({
      method,
      protocol: u.protocol,
      hostname: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      path: u.pathname,
      query,
      headers: {
        host: u.host,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body,
    });
    return signed.headers as Record<string, string>;
  }

  url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  async call<T>(c: ApiCall): Promise<ApiAnswer<T>> {
    const url = this.url(c.path);
    const body = c.body === undefined ? undefined : JSON.stringify(c.body);
    let res: HttpResponse;
    try {
      const headers = await this.sign(c.method, url, body);
      res = await httpRequest(url, { method: c.method, headers, body });
    } catch (err) {
      if (err instanceof NetworkError)
        throw new CliError(
          `${c.what}: cannot reach the control API (${err.message}); check your network and the stack output ControlApiUrl`,
          ExitCode.UNAVAILABLE,
        );
      throw err;
    }
    if ((res.status >= 200 && res.status < 300) || c.accept?.includes(res.status)) {
      // 204 No Content (a deletion) has no body to parse.
      if (res.status === 204) return { status: res.status, body: undefined as T, headers: res.headers };
      let parsed: T;
      try {
        parsed = JSON.parse(res.text()) as T;
      } catch {
        throw new CliError(`${c.what}: the API answered ${res.status} without JSON`, ExitCode.FAILED);
      }
      return { status: res.status, body: parsed, headers: res.headers };
    }
    throw apiError(c.what, c.route, res, c.notFound);
  }
}
