/**
 * SigV4 verification as API Gateway's AWS_IAM authorizer does it, for local stand-ins: the
 * request's signature is recomputed with @smithy/signature-v4 from the secret of the access key it
 * names, over the headers it says it signed, and compared with the one it carries. Unsigned →
 * 403 Forbidden; unknown key or another signature → 403 with API Gateway's messages.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../cli/aws';

export interface KnownKey {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly userArn: string;
  readonly accountId: string;
}

export type SigV4Verdict =
  | { readonly ok: true; readonly accessKeyId: string; readonly key: KnownKey }
  | { readonly ok: false; readonly message: string };

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

export async function verifySigV4(
  req: { method: string; url: string; headers: IncomingHttpHeaders; body?: Buffer },
  keys: ReadonlyMap<string, KnownKey>,
  service = 'execute-api',
): Promise<SigV4Verdict> {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string') return { ok: false, message: 'Forbidden' };
  const m = AUTH.exec(auth);
  if (m === null)
    return {
      ok: false,
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  const [, accessKeyId, , region, scopeService, signedHeaders] = m;
  const key = keys.get(accessKeyId);
  if (key === undefined)
    return { ok: false, message: 'The security token included in the request is invalid.' };
  if (scopeService !== service)
    return { ok: false, message: `Credential should be scoped to correct service: '${service}'.` };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (date === null) return { ok: false, message: 'Forbidden' };
  const signingDate = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]));
  if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000)
    return { ok: false, message: 'Signature expired' };
  const u = new URL(req.url, 'http://placeholder');
  const headers: Record<string, string> = {};
  for (const h of signedHeaders.split(';')) {
    const v = req.headers[h];
    if (v !== undefined) headers[h] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = v;
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
    sha256: Sha256,
  });
  const host = headers.host ?? '';
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: host.split(':')[0],
      path: u.pathname,
      query,
      headers,
      body: req.body && req.body.length > 0 ? req.body.toString('utf8') : undefined,
    },
    { signingDate, signableHeaders: new Set(signedHeaders.split(';')) },
  );
  if (signed.headers.authorization !== auth)
    return {
      ok: false,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  return { ok: true, accessKeyId, key };
}
