import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SigningKey,
  sessionPolicy,
  setCookieHeaders,
  signSession,
} from '../../../lambda/playback-session/signing';
import { DOMAIN, pair } from './keys';
import { cloudFrontWouldAllow, fromCloudFrontBase64 } from './verify';

const key: SigningKey = { keyPairId: 'K2JCJMDEHXQW5F', privateKey: createPrivateKey(pair.privateKey) };
const NOW = new Date('2030-01-01T00:00:00Z');
/** main's endpoints as MediaPackage names their paths (`/out/v1/<32 hex>/`). */
const PREFIX = {
  hls: `/out/v1/${'a1'.repeat(16)}/`,
  dash: `/out/v1/${'d4'.repeat(16)}/`,
  cmaf: `/out/v1/${'c3'.repeat(16)}/`,
} as const;
const OTHER = `/out/v1/${'b2'.repeat(16)}/`;
const MANIFEST = { hls: 'index.m3u8', dash: 'index.mpd', cmaf: 'hls/index.m3u8' } as const;
const inputFor = (format: 'hls' | 'dash' | 'cmaf') => ({
  domain: DOMAIN,
  channelId: 'main',
  format,
  manifestPath: `${PREFIX[format]}${MANIFEST[format]}`,
  now: NOW,
  ttlSeconds: 7200,
});
const input = inputFor('hls');
const session = signSession(key, input);
const signedUrl = (u: string) => {
  const q = new URL(u).searchParams;
  return {
    policy: q.get('Policy') ?? '',
    signature: q.get('Signature') ?? '',
    keyPairId: q.get('Key-Pair-Id'),
  };
};

describe('playback session signing', () => {
  test("the policy names the endpoint's path prefix on the viewer domain and expires after the ttl", () => {
    const policy = JSON.parse(fromCloudFrontBase64(session.cookies['CloudFront-Policy']).toString('utf8'));
    expect(policy).toEqual({
      Statement: [
        {
          Resource: `https://${DOMAIN}${PREFIX.hls}*`,
          Condition: { DateLessThan: { 'AWS:EpochTime': NOW.getTime() / 1000 + 7200 } },
        },
      ],
    });
    expect(session.expiresAt.toISOString()).toBe('2030-01-01T02:00:00.000Z');
    expect(session.cookies['CloudFront-Key-Pair-Id']).toBe('K2JCJMDEHXQW5F');
    expect(session).toMatchObject({
      format: 'hls',
      pathPrefix: PREFIX.hls,
      manifestPath: `${PREFIX.hls}index.m3u8`,
    });
  });

  test('the cookie signature verifies with the public key over the exact policy bytes', () => {
    const segment = `https://${DOMAIN}${PREFIX.hls}index_1_0.ts`;
    expect(
      cloudFrontWouldAllow(pair.publicKey, {
        url: segment,
        policy: session.cookies['CloudFront-Policy'],
        signature: session.cookies['CloudFront-Signature'],
        at: new Date(NOW.getTime() + 60_000),
      }),
    ).toBe(true);
  });

  test.each(['hls', 'dash', 'cmaf'] as const)(
    'the signed %s manifest URL verifies and carries the key id',
    (f) => {
      const u = signSession(key, inputFor(f)).url;
      expect(u.startsWith(`https://${DOMAIN}${PREFIX[f]}${MANIFEST[f]}?Policy=`)).toBe(true);
      const s = signedUrl(u);
      expect(s.keyPairId).toBe(key.keyPairId);
      expect(cloudFrontWouldAllow(pair.publicKey, { url: u, ...s, at: NOW })).toBe(true);
    },
  );

  test('a tampered policy fails verification', () => {
    const original = fromCloudFrontBase64(session.cookies['CloudFront-Policy']).toString('utf8');
    const forged = Buffer.from(original.replace(`${PREFIX.hls}*`, '/out/v1/*'))
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/=/g, '_')
      .replace(/\//g, '~');
    expect(
      cloudFrontWouldAllow(pair.publicKey, {
        url: `https://${DOMAIN}${OTHER}index.m3u8`,
        policy: forged,
        signature: session.cookies['CloudFront-Signature'],
        at: NOW,
      }),
    ).toBe(false);
  });

  test("another endpoint's path (another channel or format), another domain and a time after expiry all fail", () => {
    const c = {
      policy: session.cookies['CloudFront-Policy'],
      signature: session.cookies['CloudFront-Signature'],
    };
    const ok = (url: string, at: Date) => cloudFrontWouldAllow(pair.publicKey, { url, at, ...c });
    expect(ok(`https://${DOMAIN}${PREFIX.hls}index_1.m3u8`, NOW)).toBe(true);
    expect(ok(`https://${DOMAIN}${OTHER}index_1.m3u8`, NOW)).toBe(false);
    expect(ok(`https://${DOMAIN}${PREFIX.dash}index.mpd`, NOW)).toBe(false);
    expect(ok(`https://evil.example.com${PREFIX.hls}index_1.m3u8`, NOW)).toBe(false);
    expect(ok(`https://${DOMAIN}${PREFIX.hls}index_1.m3u8`, session.expiresAt)).toBe(false);
  });

  test('a signature made with another key fails', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const s = signedUrl(session.url);
    expect(cloudFrontWouldAllow(other.publicKey, { url: session.url, ...s, at: NOW })).toBe(false);
  });

  test('a bound session names one IPv4 address (/32) and fails from another', () => {
    const v4 = signSession(key, { ...input, sourceIp: '203.0.113.7' });
    expect(sessionPolicy({ ...input, sourceIp: '203.0.113.7' }).policy).toContain(
      '"IpAddress":{"AWS:SourceIp":"203.0.113.7/32"}',
    );
    const s = signedUrl(v4.url);
    expect(cloudFrontWouldAllow(pair.publicKey, { url: v4.url, ...s, at: NOW, ip: '203.0.113.7' })).toBe(
      true,
    );
    expect(cloudFrontWouldAllow(pair.publicKey, { url: v4.url, ...s, at: NOW, ip: '198.51.100.1' })).toBe(
      false,
    );
    expect(() => sessionPolicy({ ...input, sourceIp: 'nope' })).toThrow('not an IPv4 address');
  });

  test('IPv6 addresses are never bound (CloudFront: no IpAddress policies with IPv6)', () => {
    expect(() => sessionPolicy({ ...input, sourceIp: '2001:db8::7' })).toThrow('not an IPv4 address');
  });

  test("cookies are secure, http-only, cross-site, partitioned and scoped to the endpoint's path until expiry", () => {
    const headers = setCookieHeaders(session);
    expect(headers).toHaveLength(3);
    for (const [i, name] of [
      'CloudFront-Policy',
      'CloudFront-Signature',
      'CloudFront-Key-Pair-Id',
    ].entries()) {
      expect(headers[i]).toMatch(
        new RegExp(
          `^${name}=[A-Za-z0-9_~-]+; Path=${PREFIX.hls}; Expires=Tue, 01 Jan 2030 02:00:00 GMT; Secure; HttpOnly; SameSite=None; Partitioned$`,
        ),
      );
    }
  });

  test('OpenSSL verifies the signature against the public key, and rejects another endpoint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-sig-'));
    writeFileSync(join(dir, 'public.pem'), pair.publicKey);
    writeFileSync(join(dir, 'policy.json'), fromCloudFrontBase64(session.cookies['CloudFront-Policy']));
    writeFileSync(join(dir, 'sig'), fromCloudFrontBase64(session.cookies['CloudFront-Signature']));
    const openssl = (policyFile: string) => {
      try {
        return execFileSync(
          'openssl',
          ['dgst', '-sha1', '-verify', 'public.pem', '-signature', 'sig', policyFile],
          { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        ).trim();
      } catch (err) {
        return String((err as { stdout?: string }).stdout ?? '').trim();
      }
    };
    expect(openssl('policy.json')).toBe('Verified OK');
    const other = fromCloudFrontBase64(session.cookies['CloudFront-Policy'])
      .toString('utf8')
      .replace(PREFIX.hls, OTHER);
    writeFileSync(join(dir, 'other.json'), other);
    expect(openssl('other.json')).toBe('Verification failure');
  });
});
