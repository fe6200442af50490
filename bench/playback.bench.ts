/**
 * Playback sessions per second through the session function's signing path (policy, signer,
 * cookies, the signed manifest URL, Set-Cookie headers) against raw RSA-SHA1 signatures of the same
 * policy with the same key, both on this one thread. Goal: ratio >= 0.8.
 */
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { sessionPolicy, setCookieHeaders, signSession } from '../lambda/playback-session/signing';
import type { BenchResult } from './run';

function rate(fn: () => unknown, seconds: number): number {
  for (let i = 0; i < 200; i++) fn(); // warm up
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let n = 0;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

export async function run(): Promise<BenchResult> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = { keyPairId: 'K2JCJMDEHXQW5F', privateKey: createPrivateKey(privateKey) };
  const input = {
    domain: 'd111111abcdef8.cloudfront.net',
    channelId: 'main',
    format: 'hls' as const,
    manifestPath: '/out/v1/0123456789abcdef0123456789abcdef/index.m3u8',
    ttlSeconds: 7200,
  };
  const policy = Buffer.from(sessionPolicy({ ...input, now: new Date() }).policy);

  const rounds = 3;
  const session: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Interleaved so both see the same thermal/CPU-sharing conditions.
    session.push(rate(() => setCookieHeaders(signSession(key, { ...input, now: new Date() })), 1));
    raw.push(rate(() => sign('RSA-SHA1', policy, key.privateKey), 1));
  }
  const best = (xs: number[]) => Math.max(...xs);
  const s = best(session);
  const r = best(raw);
  return {
    name: 'playback sessions (RSA-2048, one thread)',
    lines: [
      `session signing path: ${s.toFixed(0)} sessions/s (best of ${rounds} x 1 s)`,
      `raw crypto.sign('RSA-SHA1'): ${r.toFixed(0)} signatures/s (same key object, same policy)`,
    ],
    ratio: { value: s / r, meaning: 'sessions/s ÷ raw signatures/s; goal ≥ 0.8' },
  };
}
