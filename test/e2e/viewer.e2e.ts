/**
 * The viewer path end to end: the demo player in headless Chromium obtains a session from
 * /api/playback/main/session (the real handler behind the API Gateway emulation, reading the
 * registry the channel stacks' registrations wrote) and plays live ffmpeg media through the local
 * edge built from the synthesized distribution (its functions, the live router's route table,
 * signature checks, origin headers and response headers policies). Media paths are MediaPackage's
 * own, `/out/v1/<endpoint id>/…`. Then what CloudFront must refuse is refused, with CloudFront's
 * status, and what the route table does not know is answered 404 at the edge.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import type { Format } from '../../lambda/shared/manifests';
import { originEndpointId } from '../../lambda/shared/manifests';
import { CDN_IDENTIFIER_HEADER } from '../../lib/constructs/channel/cdn-authorization';
import { type Browser, launchChromium } from './browser';
import { cookieHeader, edgeClient, request, say } from './client';
import type { EdgeLogEntry, SignatureUri } from './edge/edge';
import { type Stand, startStand } from './stand';

/**
 * Which signature-check orders must play. Whether CloudFront checks a signature against the URI
 * the viewer sent or the one the viewer-request function rewrote is undocumented; the viewer path
 * must play under both (DESIGN.md, decision 7). The live router never changes the URI (it picks
 * the origin with cf.updateRequestOrigin), so both orders check the same URI.
 */
const MUST_PLAY: Readonly<Record<SignatureUri, boolean>> = { viewer: true, rewritten: true };

let stand: Stand;
let browser: Browser;
let shots: string;

beforeAll(async () => {
  stand = await startStand();
  await stand.live.waitUntilLive();
  browser = await launchChromium({ trustSpkiSha256: stand.cert.spkiSha256 });
  shots = mkdtempSync(join(tmpdir(), 'onair-e2e-'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stand?.stop();
});

const { edgeUrl, get } = edgeClient(() => ({ url: stand.edge.url, ca: stand.cert.cert }));
interface Session {
  readonly cookie: string;
  readonly setCookie: readonly string[];
  /** The signed manifest URL. */
  readonly url: string;
  readonly manifestPath: string;
  /** `/out/v1/<endpoint id>/`: what the policy covers and the cookies' Path. */
  readonly cookiePath: string;
}
/** A session for one format of a channel (the body names the format; none is HLS). */
const session = async (channel: string, format?: Format): Promise<Session> => {
  const res = await request(edgeUrl(`/api/playback/${channel}/session`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: format === undefined ? '{}' : JSON.stringify({ format }),
    ca: stand.cert.cert,
  });
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body) as Omit<Session, 'cookie' | 'setCookie'> & { format: Format };
  expect(body.format).toBe(format ?? 'hls');
  const setCookie = (res.headers['set-cookie'] ?? []) as string[];
  return { ...body, setCookie, cookie: cookieHeader(setCookie) };
};
/** A path below another endpoint: the same file under `prefix`. */
const under = (prefix: string, path: string) => path.replace(/^\/out\/v1\/[0-9a-f]{32}\//, prefix);
/** The signing key the deployment's custom resource "created". */
const signingKey = () => {
  const [key] = stand.deployment.signingKeys().values();
  if (key === undefined) throw new Error('the deployment has no signing key');
  return key;
};
/** A URL signed with a custom policy of our own over `resource` (default: the path's endpoint). */
const signed = (
  path: string,
  o: { lessThan: number; keyPairId?: string; privateKey?: string; resource?: string },
) =>
  getSignedUrl({
    url: edgeUrl(path),
    keyPairId: o.keyPairId ?? signingKey().id,
    privateKey: o.privateKey ?? signingKey().privateKeyPem,
    policy: JSON.stringify({
      Statement: [
        {
          Resource: edgeUrl(o.resource ?? `${path.split('/').slice(0, 4).join('/')}/*`),
          Condition: { DateLessThan: { 'AWS:EpochTime': Math.floor(Date.now() / 1000) + o.lessThan } },
        },
      ],
    }),
  });

interface Watched {
  readonly playedSeconds: number;
  readonly errors: readonly string[];
  readonly sessionStatus?: number;
  readonly media: readonly EdgeLogEntry[];
  readonly cookies: Awaited<ReturnType<Browser['context']['cookies']>>;
  readonly screenshot: string;
}

/** Opens the player on main and measures how far the video gets. */
async function watch(order: SignatureUri, startTimeoutMs: number): Promise<Watched> {
  stand.edge.signatureUri = order;
  await browser.context.clearCookies();
  const from = stand.edge.log.length;
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  let sessionStatus: number | undefined;
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/playback/')) sessionStatus = r.status();
  });
  await page.goto(edgeUrl('/player/?channel=main'));
  // Polled from here: the page's CSP (script-src 'self') forbids evaluating strings in it.
  const currentTime = () =>
    page.locator('video').evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
  const until = async (ok: (t: number) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let t = await currentTime();
    while (!ok(t) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      t = await currentTime();
    }
    return t;
  };
  const t0 = await until((t) => t > 0, startTimeoutMs);
  const playedSeconds = t0 > 0 ? (await until((t) => t >= t0 + 5, 20_000)) - t0 : 0;
  const screenshot = join(shots, `player-${order}-uri.png`);
  await page.screenshot({ path: screenshot });
  const cookies = await browser.context.cookies();
  await page.close();
  const media = stand.edge.log.slice(from).filter((l) => l.url.startsWith('/out/v1/'));
  return { playedSeconds, errors, sessionStatus, media, cookies, screenshot };
}

function describeWatch(order: SignatureUri, w: Watched): string {
  const statuses = new Map<number, number>();
  for (const m of w.media) statuses.set(m.status, (statuses.get(m.status) ?? 0) + 1);
  const counts = [...statuses].map(([s, n]) => `${s} x${n}`).join(', ') || 'none';
  const refused = w.media.find((m) => m.denied !== undefined);
  return [
    `signature checked against the ${order} URI: ${w.playedSeconds >= 5 ? 'plays' : 'does NOT play'}`,
    `(video advanced ${w.playedSeconds.toFixed(1)} s); session ${w.sessionStatus ?? 'not requested'};`,
    `media ${counts}${refused ? `; first refusal: ${refused.url.split('?')[0]}: ${refused.denied}` : ''};`,
    `screenshot ${w.screenshot}`,
  ].join(' ');
}

describe.each(['viewer', 'rewritten'] as const)('signature checked against the %s URI', (order) => {
  const gated = MUST_PLAY[order];
  test(`the demo player ${gated ? 'plays main for at least 5 s' : 'is run and reported (not gated)'}`, async () => {
    const w = await watch(order, gated ? 45_000 : 15_000);
    say(describeWatch(order, w));
    if (!gated) return;
    expect(w.errors).toEqual([]);
    expect(w.sessionStatus).toBe(200);
    expect(w.playedSeconds).toBeGreaterThanOrEqual(5);
    expect(w.media.length).toBeGreaterThan(2);
    expect(w.media.filter((m) => m.status !== 200)).toEqual([]);
    // Every media request went to the channel's MediaPackage host with the URI the viewer sent.
    for (const m of w.media) {
      expect(m.originHost).toBe(stand.deployment.mediaPackageHost);
      expect(m.originPath?.split('?')[0]).toBe(m.url.split('?')[0]);
    }
    // Chromium kept the session cookies exactly as the handler set them: for main's HLS endpoint.
    const { cookiePath } = await session('main', 'hls');
    expect(cookiePath).toMatch(/^\/out\/v1\/[0-9a-f]{32}\/$/);
    expect(w.media.every((m) => m.url.startsWith(cookiePath))).toBe(true);
    const names = w.cookies.map((c) => c.name).sort();
    expect(names).toEqual(['CloudFront-Key-Pair-Id', 'CloudFront-Policy', 'CloudFront-Signature']);
    for (const c of w.cookies) {
      expect(c).toMatchObject({ path: cookiePath, secure: true, httpOnly: true, sameSite: 'None' });
      expect((c as { partitionKey?: string }).partitionKey).toBe('https://127.0.0.1');
    }
  });
});

describe.each(['viewer', 'rewritten'] as const)(
  'refused as CloudFront refuses them (signature checked against the %s URI)',
  (order) => {
    beforeAll(() => {
      stand.edge.signatureUri = order;
    });
    afterAll(() => {
      stand.edge.signatureUri = 'viewer';
    });

    test('no session: 403', async () => {
      const { manifestPath } = await session('main');
      const res = await get(manifestPath);
      expect(res.status).toBe(403);
      expect(res.body).toContain('<Code>MissingKey</Code>');
    });

    test("main's session on another channel's path: 403 (cookies and signed URL)", async () => {
      const main = await session('main');
      const news = await session('news');
      expect(news.cookiePath).not.toBe(main.cookiePath);
      expect((await get(main.manifestPath, { cookie: main.cookie })).status).toBe(200);
      expect((await get(news.manifestPath, { cookie: main.cookie })).status).toBe(403);
      const foreign = new URL(main.url);
      foreign.pathname = news.manifestPath;
      expect((await get(foreign.toString())).status).toBe(403);
      // the other channel exists and plays with its own session
      expect((await get(news.url)).status).toBe(200);
    });

    test("a session covers one format's endpoint: main's HLS session on main's DASH path is 403", async () => {
      const hls = await session('main', 'hls');
      const dash = await session('main', 'dash');
      expect((await get(dash.manifestPath, { cookie: hls.cookie })).status).toBe(403);
      expect((await get(dash.manifestPath, { cookie: dash.cookie })).status).toBe(200);
    });

    test('a tampered signature: 403', async () => {
      const { url } = await session('main');
      expect((await get(url)).status).toBe(200);
      const tampered = url.replace(
        /(Signature=[^&]{40})(.)/,
        (_all, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`,
      );
      expect(tampered).not.toBe(url);
      expect((await get(tampered)).status).toBe(403);
    });

    test('an expired policy: 403', async () => {
      const { manifestPath } = await session('main');
      expect((await get(signed(manifestPath, { lessThan: 60 }))).status).toBe(200);
      expect((await get(signed(manifestPath, { lessThan: -60 }))).status).toBe(403);
    });

    test('a key outside the key group: 403', async () => {
      const { manifestPath } = await session('main');
      const outside = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey;
      const unknownKey = await get(
        signed(manifestPath, { lessThan: 60, keyPairId: 'K2OUTSIDEGROUP', privateKey: outside }),
      );
      expect(unknownKey.status).toBe(403);
      expect(unknownKey.body).toContain('Unknown Key');
      // the trusted key's id with another key's signature
      expect((await get(signed(manifestPath, { lessThan: 60, privateKey: outside }))).status).toBe(403);
    });

    test('an endpoint id the route table does not hold, or a path the router does not accept: 404 at the edge, no origin request', async () => {
      const { manifestPath } = await session('main');
      // A validly signed policy over every live path: whatever the order, only the router decides.
      const anywhere = { lessThan: 60, resource: '/out/v1/*' };
      expect((await get(signed(manifestPath, anywhere))).status).toBe(200);
      for (const path of [
        under(`/out/v1/${'0'.repeat(32)}/`, manifestPath),
        under(`/out/v1/${'f'.repeat(32)}/`, manifestPath),
        '/out/v1/main/index.m3u8',
        `${manifestPath.slice(0, manifestPath.lastIndexOf('/'))}/../index.m3u8`,
        `/out/v1/${manifestPath.split('/')[3]}/`,
      ]) {
        const from = stand.edge.log.length;
        const res = await get(signed(path, anywhere));
        expect([path, res.status]).toEqual([path, 404]);
        const entries = stand.edge.log.slice(from);
        expect(entries.length).toBeGreaterThan(0);
        for (const e of entries) {
          expect(e.originPath).toBeUndefined();
          expect(e.originHost).toBeUndefined();
        }
      }
    });
  },
);

describe('what the origin refuses', () => {
  test('a request straight to the origin without the CDN identifier header: 403', async () => {
    const id = originEndpointId(`${stand.deployment.stackName}-main`, 'hls');
    const endpoint = stand.deployment.mediaPackageEndpoints().find((e) => e.id === id);
    if (endpoint?.cdnIdentifier === undefined) throw new Error(`endpoint ${id} has no CDN authorization`);
    const url = `${stand.live.url}/out/v1/${endpoint.pathId}/${endpoint.manifestName}.m3u8`;
    expect((await request(url)).status).toBe(403);
    expect((await request(url, { headers: { [CDN_IDENTIFIER_HEADER]: 'guessed' } })).status).toBe(403);
    expect(
      (await request(url, { headers: { [CDN_IDENTIFIER_HEADER]: endpoint.cdnIdentifier } })).status,
    ).toBe(200);
  });
});

describe('what else a viewer gets', () => {
  test('DASH and CMAF play through the signed URLs of their own sessions: manifest, media playlist, segment', async () => {
    const dashSession = await session('main', 'dash');
    const dir = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);
    const dash = await get(dashSession.url);
    expect(dash.status).toBe(200);
    expect(dash.headers['content-type']).toBe('application/dash+xml');
    expect(dash.body).toContain('<MPD');
    const init = /initialization="([^"]+)"/.exec(dash.body)?.[1]?.replace('$RepresentationID$', '0');
    const dashQuery = new URL(dashSession.url).search;
    expect((await get(`${dir(dashSession.manifestPath)}${init}${dashQuery}`)).status).toBe(200);

    const cmafSession = await session('main', 'cmaf');
    // CMAF's HLS manifest sits below its manifest id, inside the signed endpoint path.
    expect(cmafSession.manifestPath.startsWith(cmafSession.cookiePath)).toBe(true);
    expect(cmafSession.manifestPath).toMatch(/\/hls\/index\.m3u8$/);
    const query = new URL(cmafSession.url).search;
    const cmaf = await get(cmafSession.url);
    expect(cmaf.status).toBe(200);
    const child = cmaf.body.split('\n').find((l) => l.endsWith('.m3u8') && !l.startsWith('#'));
    const media = await get(`${dir(cmafSession.manifestPath)}${child}${query}`);
    expect(media.status).toBe(200);
    const segment = media.body.split('\n').find((l) => l.endsWith('.m4s') && !l.startsWith('#'));
    const seg = await get(`${dir(cmafSession.manifestPath)}${segment}${query}`);
    expect(seg.status).toBe(200);
    expect(seg.headers['content-type']).toBe('video/iso.segment');
  });

  test('the session cookies: Secure, HttpOnly, SameSite=None, Partitioned, Path of the endpoint', async () => {
    const s = await session('main', 'cmaf');
    expect(s.setCookie).toHaveLength(3);
    for (const c of s.setCookie) {
      const attributes = c.split('; ').slice(1);
      expect(attributes).toEqual(
        expect.arrayContaining([
          `Path=${s.cookiePath}`,
          'Secure',
          'HttpOnly',
          'SameSite=None',
          'Partitioned',
        ]),
      );
    }
  });

  test('CORS for a player on another origin: session preflight answered at the edge, media readable', async () => {
    const preflight = await request(edgeUrl('/api/playback/main/session'), {
      method: 'OPTIONS',
      headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST' },
      ca: stand.cert.cert,
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    const { url } = await session('main');
    const media = await get(url, { origin: 'https://www.example.com' });
    expect(media.status).toBe(200);
    expect(media.headers['access-control-allow-origin']).toBe('*');
    expect(media.headers['access-control-expose-headers']).toContain('Content-Length');
  });
});
