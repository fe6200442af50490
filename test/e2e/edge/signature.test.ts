import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { signSession } from '../../../lambda/playback-session/signing';
import { parseQuery } from './functions';
import { checkSignature, fromCloudFrontBase64, type SignedRequest } from './signature';

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const pair = rsa();
const other = rsa();
const KEY_ID = 'K2JCJMDEHXQW5F';
const TRUSTED = new Map([[KEY_ID, pair.publicKey]]);
const HOST = 'd111111abcdef8.cloudfront.net';
const NOW = new Date('2030-01-01T00:00:00Z');
const epoch = (offsetSeconds: number) => Math.floor(NOW.getTime() / 1000) + offsetSeconds;
// Endpoint path ids as MediaPackage v1 generates them: main's HLS and CMAF, news's HLS.
const MAIN_HLS = `/out/v1/${'a1'.repeat(16)}/`;
const MAIN_CMAF = `/out/v1/${'c3'.repeat(16)}/`;
const NEWS_HLS = `/out/v1/${'b2'.repeat(16)}/`;
// Sessions as the real handler signs them: one per format (one endpoint each).
const signingKey = { keyPairId: KEY_ID, privateKey: createPrivateKey(pair.privateKey) };
const session = signSession(signingKey, {
  domain: HOST,
  channelId: 'main',
  format: 'hls',
  manifestPath: `${MAIN_HLS}index.m3u8`,
  now: NOW,
  ttlSeconds: 7200,
});
const cmafSession = signSession(signingKey, {
  domain: HOST,
  channelId: 'main',
  format: 'cmaf',
  manifestPath: `${MAIN_CMAF}hls/index.m3u8`,
  now: NOW,
  ttlSeconds: 7200,
});

/** The check's view of a URL (signing parameters in its query) or of a cookie-carrying request. */
function req(url: string, o: Partial<SignedRequest> = {}): SignedRequest {
  const u = new URL(url);
  return {
    url: `${u.protocol}//${u.host}${u.pathname}`,
    query: parseQuery(u.search.slice(1)),
    cookies: {},
    viewerIp: '203.0.113.9',
    now: new Date(NOW.getTime() + 60_000),
    ...o,
  };
}
const customUrl = (url: string, condition: object, key = pair.privateKey, keyPairId = KEY_ID) =>
  getSignedUrl({
    url,
    keyPairId,
    privateKey: key,
    policy: JSON.stringify({
      Statement: [{ Resource: `https://${HOST}${MAIN_HLS}*`, Condition: condition }],
    }),
  });
const verdict = (r: SignedRequest) => {
  const v = checkSignature(r, TRUSTED);
  return v.allowed ? 'allowed' : v.reason;
};

describe('CloudFront signature check (independent of the signer)', () => {
  test("the handler's session: its signed URL and its cookies open its endpoint's paths, only them", () => {
    expect(verdict(req(session.url))).toBe('allowed');
    expect(verdict(req(cmafSession.url))).toBe('allowed');
    expect(verdict(req(`https://${HOST}${MAIN_HLS}index_1_00042.ts`, { cookies: session.cookies }))).toBe(
      'allowed',
    );
    expect(
      verdict(req(`https://${HOST}${MAIN_CMAF}hls/index_1.m3u8`, { cookies: cmafSession.cookies })),
    ).toBe('allowed');
    // another channel's endpoint, and the same channel's other format: each needs its own session
    expect(verdict(req(`https://${HOST}${NEWS_HLS}index.m3u8`, { cookies: session.cookies }))).toMatch(
      /is not covered by/,
    );
    expect(verdict(req(`https://${HOST}${MAIN_CMAF}hls/index.m3u8`, { cookies: session.cookies }))).toMatch(
      /is not covered by/,
    );
    expect(verdict(req(session.url.replace(MAIN_HLS, NEWS_HLS)))).toMatch(/is not covered by/);
    expect(verdict(req(session.url.replace(HOST, 'other.example')))).toMatch(/is not covered by/);
  });

  test('the query string wins over cookies; no credentials at all is MissingKey', () => {
    const bad = `https://${HOST}${MAIN_HLS}index.m3u8?Key-Pair-Id=${KEY_ID}`;
    expect(verdict(req(bad, { cookies: session.cookies }))).toBe('neither Policy nor Expires');
    const none = checkSignature(req(`https://${HOST}${MAIN_HLS}index.m3u8`), TRUSTED);
    expect(none).toMatchObject({ allowed: false, code: 'MissingKey' });
  });

  test('a key outside the trusted key groups is Unknown Key; another key under a trusted id fails', () => {
    const outside = customUrl(
      `https://${HOST}${MAIN_HLS}a.ts`,
      { DateLessThan: { 'AWS:EpochTime': epoch(600) } },
      other.privateKey,
      'K3OTHERKEY',
    );
    expect(checkSignature(req(outside), TRUSTED)).toMatchObject({ allowed: false, message: 'Unknown Key' });
    const forged = customUrl(
      `https://${HOST}${MAIN_HLS}a.ts`,
      { DateLessThan: { 'AWS:EpochTime': epoch(600) } },
      other.privateKey,
    );
    expect(verdict(req(forged))).toBe('signature does not verify');
  });

  test('a tampered signature or policy fails', () => {
    const sig = session.cookies['CloudFront-Signature'];
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    expect(verdict(req(session.url.replace(sig, flipped)))).toBe('signature does not verify');
    const policy = JSON.parse(fromCloudFrontBase64(session.cookies['CloudFront-Policy'])?.toString() ?? '');
    policy.Statement[0].Resource = `https://${HOST}/out/v1/*`;
    const widened = Buffer.from(JSON.stringify(policy))
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/=/g, '_')
      .replace(/\//g, '~');
    const cookies = { ...session.cookies, 'CloudFront-Policy': widened };
    expect(verdict(req(`https://${HOST}${NEWS_HLS}a.ts`, { cookies }))).toBe('signature does not verify');
  });

  test('DateLessThan, DateGreaterThan and IpAddress are enforced', () => {
    const url = `https://${HOST}${MAIN_HLS}index.m3u8`;
    expect(verdict(req(session.url, { now: new Date(NOW.getTime() + 7200_000) }))).toMatch(/^expired/);
    const window = {
      DateLessThan: { 'AWS:EpochTime': epoch(600) },
      DateGreaterThan: { 'AWS:EpochTime': epoch(120) },
    };
    expect(verdict(req(customUrl(url, window)))).toMatch(/^not valid before/);
    expect(verdict(req(customUrl(url, window), { now: new Date(NOW.getTime() + 180_000) }))).toBe('allowed');
    const bound = {
      DateLessThan: { 'AWS:EpochTime': epoch(600) },
      IpAddress: { 'AWS:SourceIp': '203.0.113.0/24' },
    };
    expect(verdict(req(customUrl(url, bound)))).toBe('allowed');
    expect(verdict(req(customUrl(url, bound), { viewerIp: '198.51.100.1' }))).toMatch(/outside/);
  });

  test('a canned policy (Expires) covers exactly the signed URL, other query parameters included', () => {
    const url = `https://${HOST}${MAIN_HLS}index.m3u8?m=1`;
    const canned = getSignedUrl({
      url,
      keyPairId: KEY_ID,
      privateKey: pair.privateKey,
      dateLessThan: new Date(NOW.getTime() + 600_000),
    });
    expect(verdict(req(canned))).toBe('allowed');
    expect(verdict(req(canned.replace('m=1', 'm=2')))).toBe('signature does not verify');
  });

  test('agrees with the openssl CLI on what verifies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-sig-'));
    try {
      writeFileSync(join(dir, 'public.pem'), pair.publicKey);
      writeFileSync(
        join(dir, 'policy.json'),
        fromCloudFrontBase64(session.cookies['CloudFront-Policy']) ?? '',
      );
      writeFileSync(join(dir, 'sig'), fromCloudFrontBase64(session.cookies['CloudFront-Signature']) ?? '');
      const out = execFileSync(
        'openssl',
        ['dgst', '-sha1', '-verify', 'public.pem', '-signature', 'sig', 'policy.json'],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      expect(out.trim()).toBe('Verified OK');
      expect(verdict(req(`https://${HOST}${MAIN_HLS}x.ts`, { cookies: session.cookies }))).toBe('allowed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
