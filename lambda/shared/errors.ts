import type { Log } from './powertools';

/** Errors a handler raises on purpose; each maps to one HTTP status in {@link toHttpResponse}. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = code;
  }
}

export class BadRequest extends HttpError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(400, 'BadRequest', message, details);
  }
}

export class Unauthorized extends HttpError {
  constructor(message = 'authentication required') {
    super(401, 'Unauthorized', message);
  }
}

export class Forbidden extends HttpError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(403, 'Forbidden', message, details);
  }
}

export class NotFound extends HttpError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(404, 'NotFound', message, details);
  }
}

export class Conflict extends HttpError {
  constructor(message: string, details: Record<string, unknown> = {}, retryAfterSeconds?: number) {
    super(409, 'Conflict', message, details, retryAfterSeconds);
  }
}

/** An AWS quota is exhausted (e.g. Secrets Manager's versions of one secret): waiting seconds does not help, so no Retry-After. */
export class QuotaExceeded extends HttpError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(429, 'QuotaExceeded', message, details);
  }
}

/** AWS understood the request but cannot do it as asked (e.g. MediaPackage's UnprocessableEntityException). */
export class Unprocessable extends HttpError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(422, 'Unprocessable', message, details);
  }
}

export class ServiceUnavailable extends HttpError {
  constructor(message: string, retryAfterSeconds = 5, details: Record<string, unknown> = {}) {
    super(503, 'ServiceUnavailable', message, details, retryAfterSeconds);
  }
}

/** Error names the AWS SDK uses for throttling across the services OnAir calls. */
const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  // DynamoDB: a table or index read or written faster than its capacity (on-demand tables too, past their peak).
  'ProvisionedThroughputExceededException',
]);

/** Quota errors: not throttling (Secrets Manager's LimitExceededException means "would exceed a quota"). */
const QUOTA = new Set(['LimitExceededException', 'ServiceQuotaExceededException']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * Translates an AWS SDK error (after the SDK's own retries) into an HttpError: throttling and
 * AWS-side faults become 503 with Retry-After, conflicts 409, an exhausted quota 429 (no
 * Retry-After), a MediaLive resource that no longer exists (NotFoundException) 404. Returns
 * undefined for errors that are not recognisably AWS's, which the caller treats as internal.
 */
export function fromAwsError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SdkErrorShape;
  const name = e.name ?? '';
  if (THROTTLING.has(name))
    return new ServiceUnavailable('AWS is throttling requests; retry later', 5, { awsError: name });
  if (QUOTA.has(name))
    return new QuotaExceeded('an AWS quota is exhausted; retry later or raise the quota', { awsError: name });
  if (name === 'NotFoundException')
    return new NotFound('the AWS resource no longer exists', { awsError: name });
  if (name === 'UnprocessableEntityException')
    // The message names what was refused; AWS messages may quote request fields (a stream name).
    return new Unprocessable(`AWS refused the request: ${redact(e.message) ?? name}`, { awsError: name });
  if (name === 'ConflictException')
    return new Conflict('the resource is changing state; retry shortly', { awsError: name }, 10);
  if (e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new ServiceUnavailable('AWS returned a server error; retry later', 5, { awsError: name });
  }
  return undefined;
}

/**
 * Removes what could be a secret from an error message before it is logged: AWS messages may
 * echo request fields, e.g. a MediaLive BadRequest quoting a stream name `<app>/<key>` or an
 * rtmp:// URL. Every path segment after the first one of a URL, every `<name>/<token>` whose
 * token is 16 or more characters long, and every `passphrase=` value (an srt:// URL) is replaced
 * by `<redacted>`.
 */
export function redact(message: string | undefined): string | undefined {
  return message
    ?.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s"']+\/[^/\s"']+\/)[^\s"']+/gi, '$1<redacted>')
    .replace(/([A-Za-z0-9_.-]+\/)[A-Za-z0-9_-]{16,}/g, '$1<redacted>')
    .replace(/(passphrase=)[^&\s"']+/gi, '$1<redacted>');
}

/**
 * For functions invoked by AWS services (not HTTP): logs an error with its message redacted and
 * returns an error with the same name and the redacted message, so the runtime's own error log (which prints the
 * thrown message) never shows what an AWS message echoed. Retries and dead-letter queues still
 * see a failure.
 */
export function redactedFailure(
  err: unknown,
  log: Pick<Log, 'error'>,
  attributes: Record<string, unknown> = {},
): Error {
  const e = err as Error | undefined;
  const name = e?.name ?? 'Error';
  log.error('invocation failed', { ...attributes, errorName: name, errorMessage: redact(e?.message) });
  const out = new Error(redact(e?.message) ?? name);
  out.name = name;
  return out;
}
