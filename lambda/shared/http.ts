import type {
  APIGatewayEventRequestContextIAMAuthorizer,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from './contract';
import { BadRequest, fromAwsError, HttpError, redact } from './errors';
import { type Log, logger, withLambdaContext } from './powertools';
// Types only: a function that validates without zod (channelIdFromPath, requireEmptyBody) carries none of it.
import type * as z from './zod';

export { redact } from './errors';

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
  cookies?: string[],
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
    ...(cookies ? { cookies } : {}),
  };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  // A problem with the value as a whole (e.g. a path parameter) needs no field label.
  return issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Parses a value with a zod schema; a failure is a 400 naming each problem. */
export function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new BadRequest(`invalid ${what}: ${describeIssues(r.error.issues)}`);
  return r.data;
}

/** The channel id of a /channels/{id}/… request; a missing or malformed one is a 400 naming it. */
export function channelIdFromPath(event: APIGatewayProxyEventV2): string {
  const id = event.pathParameters?.id;
  if (typeof id !== 'string' || !CHANNEL_ID_PATTERN.test(id))
    throw new BadRequest(`invalid path: id: expected a channel id (${CHANNEL_ID_RULE})`);
  return id;
}

/**
 * The body of a request that takes no options must be empty or `{}`: anything else is a 400
 * naming what does not belong, so a misplaced option never passes silently (malformed JSON too).
 */
export function requireEmptyBody(event: APIGatewayProxyEventV2): void {
  const body = jsonBody(event);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest(
      `invalid request body: expected an empty JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`}`,
    );
  const keys = Object.keys(body);
  if (keys.length > 0)
    throw new BadRequest(
      `invalid request body: unrecognized ${keys.length === 1 ? 'key' : 'keys'} ${keys.map((k) => JSON.stringify(k)).join(', ')} (this request takes no options)`,
    );
}

/**
 * A path variable of the route that matched, read the way API Gateway provides it. An HTTP API
 * puts into `pathParameters` only the `{variables}` of the matched route: a literal route such as
 * `POST /playback/main/session` carries no `pathParameters`, its value is in `routeKey` itself.
 * `template` is the route's generic form (`/playback/{channelId}/session`); the value is taken
 * from the same segment of the matched route key, or from `pathParameters` where that segment is
 * the variable. Undefined when the route key is not a form of the template.
 */
export function routeParam(
  event: APIGatewayProxyEventV2,
  template: string,
  name: string,
): string | undefined {
  const want = template.split('/');
  const index = want.indexOf(`{${name}}`);
  if (index < 0) throw new Error(`route template ${template} has no {${name}}`);
  const path = event.routeKey?.split(' ')[1];
  if (path === undefined) return undefined;
  const got = path.split('/');
  if (got.length !== want.length) return undefined;
  for (let i = 0; i < want.length; i++) {
    if (i !== index && !want[i].startsWith('{') && got[i] !== want[i]) return undefined;
  }
  const segment = got[index];
  return /^\{[^}]+\}$/.test(segment) ? event.pathParameters?.[name] : segment;
}

/** Who signed a request on an AWS_IAM route, for audit logs (identifiers only, no credentials). */
export interface IamCaller {
  readonly userArn: string;
  readonly accountId?: string;
  /** The role id and session name of an assumed role (`AROA…:alice`), or the user id. */
  readonly userId?: string;
}

/**
 * The SigV4 caller of an AWS_IAM route, as API Gateway's IAM authorizer reports it in
 * `requestContext.authorizer.iam`; undefined on a route without IAM authorization.
 * `requestContext.accountId` is the account that owns the API, never the caller's.
 */
export function iamCaller(event: APIGatewayProxyEventV2): IamCaller | undefined {
  const context = event.requestContext as {
    authorizer?: Partial<APIGatewayEventRequestContextIAMAuthorizer>;
  };
  const iam = context?.authorizer?.iam;
  if (typeof iam?.userArn !== 'string' || iam.userArn === '') return undefined;
  return {
    userArn: iam.userArn,
    ...(iam.accountId ? { accountId: iam.accountId } : {}),
    ...(iam.userId ? { userId: iam.userId } : {}),
  };
}

/** The JSON body of a request (empty body → `{}`); malformed JSON is a 400. */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
}

/** Maps any error to a JSON response: HttpErrors and AWS faults keep their meaning; anything else is a 500 without internals. */
export function errorResponse(err: unknown, log: Log, requestId?: string): APIGatewayProxyStructuredResultV2 {
  const mapped = err instanceof HttpError ? err : fromAwsError(err);
  if (mapped) {
    if (mapped.statusCode >= 500)
      log.warn('request failed on an AWS fault', { code: mapped.code, details: mapped.details });
    const headers: Record<string, string> =
      mapped.retryAfterSeconds !== undefined ? { 'retry-after': String(mapped.retryAfterSeconds) } : {};
    return json(
      mapped.statusCode,
      { error: mapped.code, message: mapped.message, ...mapped.details },
      headers,
    );
  }
  const e = err as Error;
  log.error('unexpected error', { errorName: e?.name, errorMessage: redact(e?.message) });
  return json(500, { error: 'InternalError', message: 'internal error', requestId });
}

/**
 * Wraps an HTTP API handler: its logs carry the Lambda context, and every failure becomes a JSON
 * error response (the context is passed on).
 */
export function httpHandler(
  fn: (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>,
): (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2> {
  return withLambdaContext(async (event, context) => {
    try {
      return await fn(event, context);
    } catch (err) {
      return errorResponse(err, logger, event.requestContext?.requestId);
    }
  });
}
