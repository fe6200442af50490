import type { KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
import { type Format, manifestPath } from '../shared/manifests';

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
  readonly now: Date;
  readonly ttlSeconds: number;
  /** Binds the session to this viewer address when set. */
  readonly sourceIp?: string;
}

export interface PlaybackSession {
  readonly channelId: string;
  readonly expiresAt: Date;
  /** Name → value of the three CloudFront cookies. */
  readonly cookies: Readonly<Record<SignedCookieName, string>>;
  /** Signed manifest URLs (same policy and signature as the cookies). */
  readonly urls: Readonly<Record<Format, string>>;
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
 * The custom policy of one session: every object under the channel's viewer path until
 * `expires`, optionally from one address. The resource is the viewer-facing `/live/<channel>/*`,
 * not the `/out/v1/…` path the edge function rewrites to: CloudFront checks the signature of the
 * request as the viewer sent it (docs/first-deploy-checks.md says how to confirm).
 */
export function sessionPolicy(input: SessionInput): { policy: string; expires: number } {
  const expires = Math.floor(input.now.getTime() / 1000) + input.ttlSeconds;
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': expires } };
  if (input.sourceIp !== undefined) condition.IpAddress = { 'AWS:SourceIp': sourceIpCidr(input.sourceIp) };
  const policy = JSON.stringify({
    Statement: [{ Resource: `https://${input.domain}/live/${input.channelId}/*`, Condition: condition }],
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
  const url = (format: Format) => `https://${input.domain}${manifestPath(input.channelId, format)}?${query}`;
  const urls = { hls: url('hls'), dash: url('dash'), cmaf: url('cmaf') };
  return { channelId: input.channelId, expiresAt: new Date(expires * 1000), cookies, urls };
}

function required(v: string | undefined): string {
  if (v === undefined || v === '') throw new Error('the signer returned an incomplete cookie set');
  return v;
}

/**
 * Set-Cookie values: scoped to the channel's media path, sent cross-site (players on another site),
 * never to scripts; `Partitioned` (CHIPS) keeps them usable for an embedded player where the
 * browser blocks unpartitioned third-party cookies (browsers without CHIPS ignore the attribute).
 */
export function setCookieHeaders(session: PlaybackSession): string[] {
  const expires = session.expiresAt.toUTCString();
  return SIGNED_COOKIES.map(
    (name) =>
      `${name}=${session.cookies[name]}; Path=/live/${session.channelId}/; Expires=${expires}; Secure; HttpOnly; SameSite=None; Partitioned`,
  );
}
