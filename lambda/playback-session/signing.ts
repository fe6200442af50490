import type { KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { endpointPathPrefix, LIVE_URI } from '../shared/contract';
import type { Format } from '../shared/manifests';

/** A parsed signing key, ready to sign (parsing the PEM costs about three signatures). */
export interface SigningKey {
  readonly keyPairId: string;
  readonly privateKey: KeyObject;
  /** When CloudFront registered the public key, if the secret records it. */
  readonly createdAt?: Date;
}

export type { Format };

export const SIGNED_COOKIES = [
  'CloudFront-Policy',
  'CloudFront-Signature',
  'CloudFront-Key-Pair-Id',
] as const;
export type SignedCookieName = (typeof SIGNED_COOKIES)[number];

export interface SessionInput {
  /** Host viewers use (distribution or custom domain). */
  readonly domain: string;
  readonly channelId: string;
  readonly format: Format;
  /** The format's manifest path, `/out/v1/<endpoint path id>/<manifest>` (the registry's media path). */
  readonly manifestPath: string;
  readonly now: Date;
  readonly ttlSeconds: number;
  /** Binds the session to this viewer address when set. */
  readonly sourceIp?: string;
}

export interface PlaybackSession {
  readonly channelId: string;
  readonly format: Format;
  readonly expiresAt: Date;
  /** Name → value of the three CloudFront cookies. */
  readonly cookies: Readonly<Record<SignedCookieName, string>>;
  /** `/out/v1/<endpoint path id>/`: what the policy covers and the cookies' Path. */
  readonly pathPrefix: string;
  /** The manifest's path (unsigned: a same-site player sends the cookies). */
  readonly manifestPath: string;
  /** The signed manifest URL (same policy and signature as the cookies). */
  readonly url: string;
}

/** The endpoint's path prefix of a manifest path; throws for a path the edge would not route. */
export function pathPrefixOf(manifestPath: string): string {
  const m = LIVE_URI.exec(manifestPath);
  if (m === null || m[1] === undefined) throw new Error(`not a live media path: ${manifestPath}`);
  return endpointPathPrefix(m[1]);
}

/**
 * `AWS:SourceIp` takes CIDR notation: one address is /32. IPv4 only: CloudFront's API reference
 * (IsIPV6Enabled) rules out IPv6 for custom policies with IpAddress, and the distribution has IPv6
 * off when sessions are bound.
 */
export function sourceIpCidr(ip: string): string {
  if (!isIPv4(ip)) throw new Error('not an IPv4 address');
  return `${ip}/32`;
}

/** What one signed scope covers: every object below `pathPrefix` on `domain`. */
export interface ScopeInput {
  /** Host viewers use (distribution or custom domain). */
  readonly domain: string;
  /** `/out/v1/<endpoint path id>/` (live) or `/recordings/<channel>/<id>/` (a recording). */
  readonly pathPrefix: string;
  /** The manifest below `pathPrefix` the signed URL names. */
  readonly manifestPath: string;
  readonly now: Date;
  readonly ttlSeconds: number;
  /** Binds the scope to this viewer address when set. */
  readonly sourceIp?: string;
}

/** A signed scope: cookies and a manifest URL under one policy. */
export interface SignedScope {
  readonly expiresAt: Date;
  /** Name → value of the three CloudFront cookies. */
  readonly cookies: Readonly<Record<SignedCookieName, string>>;
  /** What the policy covers and the cookies' Path. */
  readonly pathPrefix: string;
  /** The manifest's path (unsigned: a same-site player sends the cookies). */
  readonly manifestPath: string;
  /** The signed manifest URL (same policy and signature as the cookies). */
  readonly url: string;
  /** The query string that signs any URL below {@link pathPrefix} with the same policy. */
  readonly query: string;
}

/**
 * The custom policy of one scope: every object below one path prefix,
 * `https://<domain><prefix>*` (`*` matches any run of characters, `?` and `/` included:
 * CloudFront Developer Guide, "Creating a signed URL using a custom policy"), until `expires`,
 * optionally from one address. The viewer path is the origin's own (MediaPackage's, or the
 * archive bucket's key) and the edge never rewrites it, so the policy names the URI CloudFront
 * checks whether it checks before or after the viewer-request function.
 */
export function scopePolicy(input: ScopeInput): { policy: string; expires: number } {
  if (!input.pathPrefix.startsWith('/') || !input.pathPrefix.endsWith('/'))
    throw new Error(`not a path prefix: ${input.pathPrefix}`);
  if (!input.manifestPath.startsWith(input.pathPrefix))
    throw new Error(`${input.manifestPath} is not below ${input.pathPrefix}`);
  const expires = Math.floor(input.now.getTime() / 1000) + input.ttlSeconds;
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': expires } };
  if (input.sourceIp !== undefined) condition.IpAddress = { 'AWS:SourceIp': sourceIpCidr(input.sourceIp) };
  const policy = JSON.stringify({
    Statement: [{ Resource: `https://${input.domain}${input.pathPrefix}*`, Condition: condition }],
  });
  return { policy, expires };
}

/** The live session's policy: one origin endpoint's path, the chosen format's. */
export function sessionPolicy(input: SessionInput): { policy: string; expires: number } {
  return scopePolicy({ ...input, pathPrefix: pathPrefixOf(input.manifestPath) });
}

/**
 * Signs one scope. RSA PKCS#1 v1.5 is deterministic, so the policy is signed once and the same
 * Policy/Signature/Key-Pair-Id serve the cookies and every URL below the prefix.
 */
export function signScope(key: SigningKey, input: ScopeInput): SignedScope {
  const { policy, expires } = scopePolicy(input);
  const signed = getSignedCookies({
    policy,
    keyPairId: key.keyPairId,
    // The signer hands the key straight to node:crypto's Sign#sign, which accepts a KeyObject;
    // passing the parsed key avoids re-parsing the PEM on every session.
    privateKey: key.privateKey as unknown as string,
  });
  const cookies = {
    'CloudFront-Policy': required(signed['CloudFront-Policy']),
    'CloudFront-Signature': required(signed['CloudFront-Signature']),
    'CloudFront-Key-Pair-Id': required(signed['CloudFront-Key-Pair-Id']),
  };
  const query = `Policy=${cookies['CloudFront-Policy']}&Signature=${cookies['CloudFront-Signature']}&Key-Pair-Id=${cookies['CloudFront-Key-Pair-Id']}`;
  return {
    expiresAt: new Date(expires * 1000),
    cookies,
    pathPrefix: input.pathPrefix,
    manifestPath: input.manifestPath,
    url: `https://${input.domain}${input.manifestPath}?${query}`,
    query,
  };
}

/** Signs one live session (a channel's format). */
export function signSession(key: SigningKey, input: SessionInput): PlaybackSession {
  const scope = signScope(key, { ...input, pathPrefix: pathPrefixOf(input.manifestPath) });
  return {
    channelId: input.channelId,
    format: input.format,
    expiresAt: scope.expiresAt,
    cookies: scope.cookies,
    pathPrefix: scope.pathPrefix,
    manifestPath: scope.manifestPath,
    url: scope.url,
  };
}

/**
 * A signed URL for exactly one object (a poster in a listing): a canned policy, or a custom one
 * naming the same single URL when the session is bound to an address (a canned policy has no
 * IpAddress condition).
 */
export function signObjectUrl(
  key: SigningKey,
  input: {
    readonly url: string;
    readonly now: Date;
    readonly ttlSeconds: number;
    readonly sourceIp?: string;
  },
): string {
  const expires = Math.floor(input.now.getTime() / 1000) + input.ttlSeconds;
  const common = {
    url: input.url,
    keyPairId: key.keyPairId,
    privateKey: key.privateKey as unknown as string,
  };
  if (input.sourceIp === undefined)
    return getSignedUrl({ ...common, dateLessThan: new Date(expires * 1000) });
  const policy = JSON.stringify({
    Statement: [
      {
        Resource: input.url,
        Condition: {
          DateLessThan: { 'AWS:EpochTime': expires },
          IpAddress: { 'AWS:SourceIp': sourceIpCidr(input.sourceIp) },
        },
      },
    ],
  });
  return getSignedUrl({ ...common, policy });
}

function required(v: string | undefined): string {
  if (v === undefined || v === '') throw new Error('the signer returned an incomplete cookie set');
  return v;
}

/**
 * Set-Cookie values: scoped to the endpoint's path (`Path=/out/v1/<id>/`) or the recording's
 * (`Path=/recordings/<channel>/<id>/`): sessions of other channels, formats and recordings have
 * disjoint paths, so a request carries one set; sent cross-site (players on another site),
 * never to scripts; `Partitioned` (CHIPS) keeps them usable for an embedded player where the
 * browser blocks unpartitioned third-party cookies (browsers without CHIPS ignore the attribute).
 */
export function setCookieHeaders(
  session: Pick<SignedScope, 'cookies' | 'pathPrefix' | 'expiresAt'>,
): string[] {
  const expires = session.expiresAt.toUTCString();
  return SIGNED_COOKIES.map(
    (name) =>
      `${name}=${session.cookies[name]}; Path=${session.pathPrefix}; Expires=${expires}; Secure; HttpOnly; SameSite=None; Partitioned`,
  );
}
