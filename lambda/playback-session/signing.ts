import type { KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
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

/**
 * The custom policy of one session: every object below one origin endpoint's path,
 * `https://<domain>/out/v1/<endpoint path id>/*` (a channel's format; MediaPackage's query
 * parameters included, since `*` matches anything, `?` too), until `expires`, optionally from one
 * address. The viewer path is MediaPackage's own and the edge never rewrites it, so the policy
 * names the URI CloudFront checks whether it checks before or after the viewer-request function.
 */
export function sessionPolicy(input: SessionInput): { policy: string; expires: number } {
  const expires = Math.floor(input.now.getTime() / 1000) + input.ttlSeconds;
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': expires } };
  if (input.sourceIp !== undefined) condition.IpAddress = { 'AWS:SourceIp': sourceIpCidr(input.sourceIp) };
  const policy = JSON.stringify({
    Statement: [
      { Resource: `https://${input.domain}${pathPrefixOf(input.manifestPath)}*`, Condition: condition },
    ],
  });
  return { policy, expires };
}

/**
 * Signs one session. RSA PKCS#1 v1.5 is deterministic, so the policy is signed once and the same
 * Policy/Signature/Key-Pair-Id serve the cookies and every manifest URL.
 */
export function signSession(key: SigningKey, input: SessionInput): PlaybackSession {
  const { policy, expires } = sessionPolicy(input);
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
    channelId: input.channelId,
    format: input.format,
    expiresAt: new Date(expires * 1000),
    cookies,
    pathPrefix: pathPrefixOf(input.manifestPath),
    manifestPath: input.manifestPath,
    url: `https://${input.domain}${input.manifestPath}?${query}`,
  };
}

function required(v: string | undefined): string {
  if (v === undefined || v === '') throw new Error('the signer returned an incomplete cookie set');
  return v;
}

/**
 * Set-Cookie values: scoped to the endpoint's path (`Path=/out/v1/<id>/`: sessions of other
 * channels and formats have disjoint paths, so a request carries one set), sent cross-site (players on another site),
 * never to scripts; `Partitioned` (CHIPS) keeps them usable for an embedded player where the
 * browser blocks unpartitioned third-party cookies (browsers without CHIPS ignore the attribute).
 */
export function setCookieHeaders(session: PlaybackSession): string[] {
  const expires = session.expiresAt.toUTCString();
  return SIGNED_COOKIES.map(
    (name) =>
      `${name}=${session.cookies[name]}; Path=${session.pathPrefix}; Expires=${expires}; Secure; HttpOnly; SameSite=None; Partitioned`,
  );
}
