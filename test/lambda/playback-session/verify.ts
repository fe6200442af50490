import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/** CloudFront's URL-safe base64 ('-' '_' '~' for '+' '=' '/') back to bytes. */
export function fromCloudFrontBase64(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

interface Policy {
  Statement: {
    Resource: string;
    Condition: { DateLessThan: { 'AWS:EpochTime': number }; IpAddress?: { 'AWS:SourceIp': string } };
  }[];
}

/**
 * An independent model of what CloudFront checks for a custom-policy signed request: the
 * signature over the exact policy bytes with the trusted public key, the requested URL against
 * the policy's Resource (with `*` wildcards), the expiry and the optional source address.
 */
export function cloudFrontWouldAllow(
  publicKey: KeyObject | string,
  req: { url: string; policy: string; signature: string; at: Date; ip?: string },
): boolean {
  const policyBytes = fromCloudFrontBase64(req.policy);
  const ok = verify(
    'RSA-SHA1',
    policyBytes,
    typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey,
    fromCloudFrontBase64(req.signature),
  );
  if (!ok) return false;
  const policy = JSON.parse(policyBytes.toString('utf8')) as Policy;
  const st = policy.Statement[0];
  if (st === undefined || policy.Statement.length !== 1) return false;
  const pattern = new RegExp(`^${st.Resource.split('*').map(escapeRegExp).join('.*')}$`);
  const bare = req.url.split('?')[0] ?? '';
  if (!pattern.test(bare)) return false;
  if (Math.floor(req.at.getTime() / 1000) >= st.Condition.DateLessThan['AWS:EpochTime']) return false;
  const cidr = st.Condition.IpAddress?.['AWS:SourceIp'];
  if (cidr !== undefined && cidr.split('/')[0] !== req.ip) return false;
  return true;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
