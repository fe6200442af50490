/**
 * CloudFront's check of a signed URL or signed cookies on a behavior with trusted key groups,
 * written from the CloudFront developer guide ("Create a signed URL using a canned/custom policy",
 * "Set signed cookies", "Troubleshoot signed URLs") and independent of @aws-sdk/cloudfront-signer:
 *
 * - credentials come from the query string when it carries any signing parameter, else from the
 *   `CloudFront-*` cookies;
 * - `Key-Pair-Id` must name a public key of a trusted key group ("Missing Key-Pair-Id query
 *   parameter or cookie value", "Unknown Key");
 * - the policy is the base64 `Policy` (custom) or rebuilt from the URL and `Expires` (canned); the
 *   `Signature` (base64 with `-` `_` `~` for `+` `=` `/`) must verify over the policy's exact bytes
 *   with the public key (RSA-SHA1; ECDSA P-256 keys use SHA-256);
 * - the policy's one statement must hold: `Resource` (`*` any run of characters, `?` one
 *   character) matches the URL without the signing parameters, `DateLessThan` is in the future,
 *   `DateGreaterThan` (optional) in the past, the viewer's address is in `IpAddress` (optional).
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Query parameters and cookies that carry CloudFront signing credentials. */
export const SIGNING_QUERY_PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id'] as const;
export const SIGNING_COOKIES = {
  policy: 'CloudFront-Policy',
  expires: 'CloudFront-Expires',
  signature: 'CloudFront-Signature',
  keyPairId: 'CloudFront-Key-Pair-Id',
} as const;

export interface SignedRequest {
  /** `https://<host><path>` as the check sees it (no query string). */
  readonly url: string;
  /** Query parameters in order, names and values as the viewer sent them (percent-encoding kept). */
  readonly query: readonly (readonly [string, string])[];
  /** Cookie name → value (the first of repeated names). */
  readonly cookies: Readonly<Record<string, string>>;
  readonly viewerIp: string;
  readonly now: Date;
}

export type SignatureVerdict =
  | { readonly allowed: true; readonly keyPairId: string; readonly via: 'url' | 'cookies' }
  | { readonly allowed: false; readonly code: string; readonly message: string; readonly reason: string };

/** CloudFront's base64 variant ('-' '_' '~' for '+' '=' '/') back to bytes; undefined if malformed. */
export function fromCloudFrontBase64(s: string): Buffer | undefined {
  const std = s.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(std) || std.length % 4 !== 0) return undefined;
  return Buffer.from(std, 'base64');
}

/** A Resource pattern as a regular expression: `*` any run of characters, `?` exactly one. */
export function resourcePattern(resource: string): RegExp {
  const body = [...resource]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const family = isIPv4(net) ? 'ipv4' : isIPv6(net) ? 'ipv6' : undefined;
  if (family === undefined) return false;
  const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits);
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  const viewerFamily = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined;
  return viewerFamily !== undefined && list.check(ip, viewerFamily);
}

const denied = (reason: string, code = 'AccessDenied', message = 'Access denied'): SignatureVerdict => ({
  allowed: false,
  code,
  message,
  reason,
});

/**
 * Whether CloudFront serves a request on a behavior that trusts `trustedKeys` (public key id →
 * PEM or key), and why not.
 */
export function checkSignature(
  req: SignedRequest,
  trustedKeys: ReadonlyMap<string, string | KeyObject>,
): SignatureVerdict {
  const q = new Map<string, string>();
  for (const [k, v] of req.query) if (!q.has(k)) q.set(k, v);
  const viaUrl = SIGNING_QUERY_PARAMS.some((p) => q.has(p));
  const creds = viaUrl
    ? {
        keyPairId: q.get('Key-Pair-Id'),
        policy: q.get('Policy'),
        expires: q.get('Expires'),
        signature: q.get('Signature'),
      }
    : {
        keyPairId: req.cookies[SIGNING_COOKIES.keyPairId],
        policy: req.cookies[SIGNING_COOKIES.policy],
        expires: req.cookies[SIGNING_COOKIES.expires],
        signature: req.cookies[SIGNING_COOKIES.signature],
      };
  if (creds.keyPairId === undefined || creds.keyPairId === '') {
    return denied('no Key-Pair-Id', 'MissingKey', 'Missing Key-Pair-Id query parameter or cookie value');
  }
  const key = trustedKeys.get(creds.keyPairId);
  if (key === undefined)
    return denied(`key ${creds.keyPairId} is in no trusted key group`, 'InvalidKey', 'Unknown Key');

  // The URL the policy covers: the request without the signing parameters.
  const rest = req.query.filter(([k]) => !(SIGNING_QUERY_PARAMS as readonly string[]).includes(k));
  const url = rest.length === 0 ? req.url : `${req.url}?${rest.map(([k, v]) => `${k}=${v}`).join('&')}`;

  let policyBytes: Buffer | undefined;
  if (creds.policy !== undefined) {
    policyBytes = fromCloudFrontBase64(creds.policy);
    if (policyBytes === undefined) return denied('Policy is not CloudFront base64');
  } else if (creds.expires !== undefined && /^\d+$/.test(creds.expires)) {
    policyBytes = Buffer.from(
      `{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${creds.expires}}}}]}`,
    );
  } else {
    return denied('neither Policy nor Expires');
  }
  if (creds.signature === undefined) return denied('no Signature');
  const signature = fromCloudFrontBase64(creds.signature);
  if (signature === undefined) return denied('Signature is not CloudFront base64');
  const publicKey = typeof key === 'string' ? createPublicKey(key) : key;
  const algorithm = publicKey.asymmetricKeyType === 'ec' ? 'SHA256' : 'RSA-SHA1';
  if (!verify(algorithm, policyBytes, publicKey, signature)) return denied('signature does not verify');

  let statement: {
    Resource?: unknown;
    Condition?: {
      DateLessThan?: { 'AWS:EpochTime'?: unknown };
      DateGreaterThan?: { 'AWS:EpochTime'?: unknown };
      IpAddress?: { 'AWS:SourceIp'?: unknown };
    };
  };
  try {
    const policy = JSON.parse(policyBytes.toString('utf8')) as { Statement?: unknown };
    if (!Array.isArray(policy.Statement) || policy.Statement.length !== 1) throw new Error();
    statement = policy.Statement[0];
  } catch {
    return denied('policy is not one JSON statement');
  }
  const now = Math.floor(req.now.getTime() / 1000);
  const lessThan = statement.Condition?.DateLessThan?.['AWS:EpochTime'];
  if (typeof lessThan !== 'number') return denied('policy has no DateLessThan');
  if (now >= lessThan) return denied(`expired at ${lessThan} (now ${now})`);
  const greaterThan = statement.Condition?.DateGreaterThan?.['AWS:EpochTime'];
  if (greaterThan !== undefined && (typeof greaterThan !== 'number' || now <= greaterThan))
    return denied(`not valid before ${String(greaterThan)} (now ${now})`);
  const cidr = statement.Condition?.IpAddress?.['AWS:SourceIp'];
  if (cidr !== undefined && (typeof cidr !== 'string' || !inCidr(req.viewerIp, cidr)))
    return denied(`viewer ${req.viewerIp} outside ${String(cidr)}`);
  if (statement.Resource !== undefined) {
    if (typeof statement.Resource !== 'string' || !resourcePattern(statement.Resource).test(url))
      return denied(`${url} is not covered by ${String(statement.Resource)}`);
  }
  return { allowed: true, keyPairId: creds.keyPairId, via: viaUrl ? 'url' : 'cookies' };
}
