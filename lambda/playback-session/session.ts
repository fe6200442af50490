import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP, isIPv4 } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  Env,
  PLAYBACK_SESSION_ENV,
  RECORDING_ID_PATTERN,
  readEnv,
  SESSION_ROUTE,
  SESSION_TTL_SECONDS,
  ViewerAuth,
} from '../shared/contract';
import { BadRequest, Forbidden, Unauthorized } from '../shared/errors';
import { json, jsonBody, parseWith, routeParam } from '../shared/http';
import type { Format } from '../shared/manifests';
import { ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from '../shared/origin-verify';
import { channelId as channelIdSchema } from '../shared/params';
import type { Log } from '../shared/powertools';
import type { RegisteredChannel } from '../shared/registry';
import * as z from '../shared/zod';
import type { KeyCache, SigningKeys } from './key';
import {
  type Issue,
  LIST_LIMIT,
  recordingSession,
  recordingsList,
  type ViewerRecordingsDeps,
} from './recordings';
import { setCookieHeaders, signSession } from './signing';

export const sessionConfig = z.object({
  domain: z.string().check(z.minLength(1)),
  secretArn: z.string().check(z.minLength(1)),
  keyPairId: z.string().check(z.minLength(1)),
  /** The previous key version (absent at version 1): signs for a grace period after a rotation. */
  previousSecretArn: z.optional(z.string().check(z.minLength(1))),
  previousKeyPairId: z.optional(z.string().check(z.minLength(1))),
  ttlSeconds: z.pipe(
    z.coerce.number(),
    z.int().check(z.minimum(SESSION_TTL_SECONDS.min), z.maximum(SESSION_TTL_SECONDS.max)),
  ),
  bindSourceIp: z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
  originSecretArn: z.string().check(z.minLength(1)),
  /** The recordings index (absent when no channel records): recording sessions and the listing. */
  recordingsTable: z.optional(z.string().check(z.minLength(1))),
});
export type SessionConfig = z.infer<typeof sessionConfig>;

/** Reads the function's configuration (a deployment error, not a request error, if it fails). */
export function loadSessionConfig(env: NodeJS.ProcessEnv = process.env): SessionConfig {
  const e = readEnv(PLAYBACK_SESSION_ENV, env);
  return sessionConfig.parse({
    domain: e[Env.PLAYBACK_DOMAIN],
    secretArn: e[Env.SIGNING_KEY_SECRET_ARN],
    keyPairId: e[Env.SIGNING_KEY_ID],
    previousSecretArn: e[Env.PREVIOUS_SIGNING_KEY_SECRET_ARN],
    previousKeyPairId: e[Env.PREVIOUS_SIGNING_KEY_ID],
    ttlSeconds: e[Env.SESSION_TTL_SECONDS],
    bindSourceIp: e[Env.BIND_SOURCE_IP],
    originSecretArn: e[Env.ORIGIN_SECRET_ARN],
    recordingsTable: e[Env.RECORDINGS_TABLE],
  });
}

/** The formats a session can be for (one MediaPackage origin endpoint each); HLS when not asked. */
export const SESSION_FORMATS = ['hls', 'dash', 'cmaf'] as const satisfies readonly Format[];
export const DEFAULT_FORMAT: Format = 'hls';

const format = z.optional(z.enum(SESSION_FORMATS));
/** The viewer's address, for sessions bound to it (playback.bindSourceIp): iam channels' backends send it. */
const viewerIp = z.optional(z.union([z.ipv4(), z.ipv6()]));
const recording = z
  .string()
  .check(z.regex(RECORDING_ID_PATTERN, 'expected a recording id such as "main-20261201t190000z"'));
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const before = z.optional(
  z.string().check(
    z.regex(ISO_TIME, 'expected an ISO 8601 time such as "2026-12-01T18:00:00Z"'),
    z.refine((v) => !Number.isNaN(Date.parse(v)), 'not a valid time'),
  ),
);
const limit = z.optional(z.int().check(z.minimum(1), z.maximum(LIST_LIMIT.max)));

/**
 * The three request bodies, told apart by their keys and each strict (an unknown key, or keys of
 * two kinds together, is a 400): `{}` or `{"format": …}` a live session; `{"recording": "<id>"}`
 * a recording's session; `{"list": "recordings", "before"?, "limit"?}` the channel's published
 * recordings. A backend (iam channels) may add `viewerIp` to each.
 */
function bodySchemas(backend: boolean) {
  const ip = backend ? { viewerIp } : {};
  return {
    live: z.strictObject({ ...ip, format }),
    recording: z.strictObject({ ...ip, recording }),
    list: z.strictObject({ ...ip, list: z.literal('recordings'), before, limit }),
  };
}
const VIEWER_BODIES = bodySchemas(false);
const BACKEND_BODIES = bodySchemas(true);

/** What a session request asks for. */
export type SessionRequest =
  | { readonly kind: 'live'; readonly format?: Format; readonly viewerIp?: string }
  | { readonly kind: 'recording'; readonly recordingId: string; readonly viewerIp?: string }
  | {
      readonly kind: 'list';
      readonly before?: string;
      readonly limit?: number;
      readonly viewerIp?: string;
    };

/** Parses a session request body (iam channels' backends may name `viewerIp`). */
export function parseSessionBody(raw: unknown, backend: boolean): SessionRequest {
  const schemas = backend ? BACKEND_BODIES : VIEWER_BODIES;
  const keys = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.keys(raw) : [];
  if (keys.includes('recording')) {
    const b = parseWith(schemas.recording, raw, 'request body');
    return { kind: 'recording', recordingId: b.recording, viewerIp: (b as { viewerIp?: string }).viewerIp };
  }
  if (keys.includes('list')) {
    const b = parseWith(schemas.list, raw, 'request body');
    return {
      kind: 'list',
      before: b.before === undefined ? undefined : new Date(b.before).toISOString(),
      limit: b.limit,
      viewerIp: (b as { viewerIp?: string }).viewerIp,
    };
  }
  const b = parseWith(schemas.live, raw, 'request body');
  return { kind: 'live', format: b.format, viewerIp: (b as { viewerIp?: string }).viewerIp };
}

type Authorizer = {
  jwt?: { claims?: Record<string, unknown> };
  iam?: { userArn?: string; callerId?: string };
};

/**
 * The viewer's address, as the distribution's viewer-request function recorded it
 * ({@link VIEWER_IP_HEADER}). Only meaningful on a request that came through the distribution
 * ({@link cameThroughCloudFront}): a direct caller of the API chooses its own headers.
 */
export function viewerAddress(event: APIGatewayProxyEventV2): string | undefined {
  const ip = event.headers?.[VIEWER_IP_HEADER.toLowerCase()]?.trim();
  if (ip === undefined) return undefined;
  return isIP(ip) !== 0 ? ip : undefined;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request carries CloudFront's origin-verify header (compared in constant time). */
export async function cameThroughCloudFront(
  event: APIGatewayProxyEventV2,
  originSecret: KeyCache<string>,
): Promise<boolean> {
  const sent = event.headers?.[ORIGIN_VERIFY_HEADER.toLowerCase()];
  if (sent === undefined || sent === '') return false;
  return timingSafeEqual(sha256(sent), sha256(await originSecret.get()));
}

/**
 * Bound sessions name an IPv4 address: CloudFront does not support IpAddress policies for IPv6
 * viewers (the distribution answers IPv4 only when sessions are bound).
 */
function ipv4Only(ip: string): string {
  if (isIPv4(ip)) return ip;
  throw new BadRequest(
    `sessions are bound to the viewer address (playback.bindSourceIp) and CloudFront can bind only IPv4 addresses; got an IPv6 address: connect over IPv4`,
  );
}

export interface SessionDeps {
  readonly config: SessionConfig;
  /** A registered channel (auth mode and media paths); unknown ids throw NotFound. */
  readonly channel: (channelId: string) => Promise<RegisteredChannel>;
  readonly keys: SigningKeys;
  /** The origin-verify header value CloudFront sends (read once per container, only for bound sessions). */
  readonly originSecret: KeyCache<string>;
  readonly now: () => Date;
  readonly log: Log;
  /** The recordings index; undefined when the deployment records no channel. */
  readonly recordings?: ViewerRecordingsDeps;
  /** Told of every session issued (live or recording; not listings). */
  readonly issued?: (channelId: string) => void;
}

/** The channel a session request names: literal routes carry it in the route key, not in pathParameters. */
export function sessionChannel(event: APIGatewayProxyEventV2): string | undefined {
  return routeParam(event, SESSION_ROUTE.path, 'channelId');
}

/**
 * The session response (docs/signed-playback.md). The policy covers one origin endpoint, the
 * chosen format's: `cookiePath` is its path prefix, `url` its signed manifest URL.
 */
export interface SessionResponse {
  readonly channelId: string;
  readonly format: Format;
  /** ISO 8601; the policy's DateLessThan. */
  readonly expiresAt: string;
  /** The signed manifest URL: plays without cookies for a player that keeps query strings. */
  readonly url: string;
  /** `/out/v1/<endpoint path id>/<manifest>`: for a player on this host, which sends the cookies. */
  readonly manifestPath: string;
  /** `/out/v1/<endpoint path id>/`: the cookies' Path and what the policy covers. */
  readonly cookiePath: string;
  /** iam sessions only: the three CloudFront cookies, for the backend to set on its shared domain. */
  readonly cookies?: Readonly<Record<string, string>>;
}

/** POST /playback/{channelId}/session */
export async function issueSession(
  event: APIGatewayProxyEventV2,
  deps: SessionDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const channelId = parseWith(channelIdSchema, sessionChannel(event), 'channel id');
  // Unknown ids are 404; the registry holds each channel's auth mode and media paths.
  const channel = await deps.channel(channelId);
  const mode = channel.auth;

  // The route's authorizer has already checked the caller; this is defence in depth should a
  // request ever reach the function through another route.
  const authorizer = (event.requestContext as { authorizer?: Authorizer } | undefined)?.authorizer;
  let subject: Record<string, string> = {};
  if (mode === ViewerAuth.JWT) {
    const sub = authorizer?.jwt?.claims?.sub;
    if (typeof sub !== 'string' || sub === '') {
      throw new Unauthorized(`channel "${channelId}" needs a bearer token (Authorization: Bearer <JWT>)`);
    }
    subject = { sub };
  } else if (mode === ViewerAuth.IAM) {
    const caller = authorizer?.iam?.userArn ?? authorizer?.iam?.callerId;
    if (caller === undefined) throw new Unauthorized(`channel "${channelId}" needs a SigV4-signed request`);
    subject = { caller };
  }

  const backend = mode === ViewerAuth.IAM;
  const request = parseSessionBody(jsonBody(event), backend);
  let sourceIp: string | undefined;
  if (backend) {
    if (deps.config.bindSourceIp) {
      if (request.viewerIp === undefined)
        throw new BadRequest(
          'viewerIp is required: sessions are bound to the viewer address (playback.bindSourceIp)',
        );
      sourceIp = ipv4Only(request.viewerIp);
    }
  } else if (deps.config.bindSourceIp) {
    if (!(await cameThroughCloudFront(event, deps.originSecret))) {
      throw new Forbidden(
        `sessions are bound to the viewer address (playback.bindSourceIp): request them through the distribution, POST https://${deps.config.domain}/api/playback/${channelId}/session`,
      );
    }
    const address = viewerAddress(event);
    if (address === undefined) throw new BadRequest('the viewer address is unknown; cannot bind the session');
    sourceIp = ipv4Only(address);
  }
  const ctx: Issue = { channelId, mode, subject, sourceIp, backend, deps };
  if (request.kind === 'recording') return recordingSession(ctx, request.recordingId);
  if (request.kind === 'list') return recordingsList(ctx, request);

  const chosen = request.format ?? DEFAULT_FORMAT;
  const key = await deps.keys.forNow(deps.now());
  const session = signSession(key, {
    domain: deps.config.domain,
    channelId,
    format: chosen,
    manifestPath: channel.media[chosen].path,
    now: deps.now(),
    ttlSeconds: deps.config.ttlSeconds,
    sourceIp,
  });
  // Never log the policy, signature, cookies or URLs: each one is a working credential.
  deps.log.info('playback session issued', {
    channelId,
    format: chosen,
    auth: mode,
    ...subject,
    keyPairId: key.keyPairId,
    expiresAt: session.expiresAt.toISOString(),
    boundToIp: sourceIp !== undefined,
  });
  deps.issued?.(channelId);
  const body: SessionResponse = {
    channelId,
    format: chosen,
    expiresAt: session.expiresAt.toISOString(),
    url: session.url,
    manifestPath: session.manifestPath,
    cookiePath: session.pathPrefix,
    // A backend (iam) sets the cookies itself on a domain it shares with the distribution.
    ...(backend ? { cookies: session.cookies } : {}),
  };
  return json(200, body, {}, backend ? undefined : setCookieHeaders(session));
}
