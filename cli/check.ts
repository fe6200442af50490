import { generateKeyPairSync } from 'node:crypto';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { sleep } from './context';
import { type HttpResponse, httpRequest, NetworkError } from './http';
import {
  isMultivariant,
  type MediaPlaylist,
  parseMediaPlaylist,
  parseMpd,
  parseMultivariant,
  type Segment,
} from './media/manifests';
import { decodeStrip, READ_BYTES, READ_FILTER } from './media/timecode';
import { run } from './media/tools';
import type { Format, Session } from './model';

/** How media requests prove the session: the signed query on every URL, or the cookies. */
export type MediaAuth =
  | { readonly mode: 'signed'; readonly query: string }
  | { readonly mode: 'cookie'; readonly cookie: string };

/** A URL without its query string (what a request "without a session" asks for). */
export const bare = (url: string) => url.split('?')[0];

/** A URL with the session's signed query (replacing any it has), as a cookie-less player sends it. */
export function withQuery(url: string, query: string): string {
  return `${bare(url)}${query}`;
}

export function authOf(s: Session, format: Format, mode: 'signed' | 'cookie'): MediaAuth {
  const url = s.urls[format] ?? '';
  return mode === 'signed' ? { mode, query: new URL(url).search } : { mode, cookie: s.cookie };
}

export async function fetchMedia(url: string, auth: MediaAuth): Promise<HttpResponse> {
  if (auth.mode === 'signed') return httpRequest(withQuery(url, auth.query));
  return httpRequest(bare(url), { headers: auth.cookie ? { cookie: auth.cookie } : {} });
}

export interface RenditionReport {
  readonly name: string;
  readonly kind: 'video' | 'audio';
  readonly bandwidth?: number;
  readonly resolution?: string;
  readonly playlistStatus: number;
  readonly segmentStatus?: number;
  readonly segmentKbps?: number;
  readonly targetDuration?: number;
  readonly firstSequence?: number;
  readonly lastSequence?: number;
  /** Whether a second look found the sequence advanced without a gap (undefined: not polled). */
  readonly continuous?: boolean;
  readonly note?: string;
}

export interface FormatReport {
  readonly format: Format;
  readonly auth: 'signed' | 'cookie';
  readonly manifestStatus: number;
  /** CloudFront's Age header on the manifest: seconds it sat in the cache. */
  readonly manifestCacheAgeSeconds?: number;
  readonly renditions: readonly RenditionReport[];
  /** Seconds from the newest segment's end (EXT-X-PROGRAM-DATE-TIME / DASH timeline) to now. */
  readonly liveEdgeByTimestampSeconds?: number;
  /** Seconds from the capture of the newest frame (push-test's clock in the picture) to now. */
  readonly liveEdgeByPictureSeconds?: number;
  readonly segmentSeconds?: number;
  readonly problems: readonly string[];
}

interface Walked {
  readonly report: FormatReport;
  /** Re-reads each rendition's segment list (for the continuity pass). */
  readonly again: () => Promise<RenditionReport[]>;
}

const ageHeader = (r: HttpResponse) => {
  const a = Number(r.headers.get('age') ?? '');
  return Number.isFinite(a) && r.headers.has('age') ? a : undefined;
};

const ok = (s: number) => s >= 200 && s < 300;

/** Reads the capture clock from the first frame of a segment (ffmpeg); undefined without one. */
export async function pictureClock(ffmpeg: string | undefined, bytes: Buffer): Promise<number | undefined> {
  if (ffmpeg === undefined) return undefined;
  const r = await run(
    ffmpeg,
    ['-v', 'error', '-i', 'pipe:0', '-frames:v', '1', '-vf', READ_FILTER, '-f', 'rawvideo', 'pipe:1'],
    { input: bytes, timeoutMs: 20_000 },
  ).catch(() => undefined);
  if (r === undefined || r.stdout.length < READ_BYTES) return undefined;
  return decodeStrip(r.stdout);
}

function continuity(before: RenditionReport, after: RenditionReport): RenditionReport {
  const seen = { ...before, firstSequence: after.firstSequence, lastSequence: after.lastSequence };
  if (after.playlistStatus < 200 || after.playlistStatus >= 300)
    return { ...seen, continuous: false, note: `second look answered ${after.playlistStatus}` };
  if (
    before.lastSequence === undefined ||
    after.lastSequence === undefined ||
    after.firstSequence === undefined
  )
    return seen;
  if (after.lastSequence < before.lastSequence)
    return {
      ...seen,
      continuous: false,
      note: `sequence went back from ${before.lastSequence} to ${after.lastSequence}`,
    };
  if (after.firstSequence > before.lastSequence + 1)
    return { ...seen, continuous: false, note: `gap: ${before.lastSequence} then ${after.firstSequence}` };
  if (after.lastSequence === before.lastSequence)
    return { ...seen, continuous: false, note: `no new segment after ${before.lastSequence} (stalled?)` };
  return { ...seen, continuous: true };
}

async function newestSegment(
  seg: Segment | undefined,
  init: string | undefined,
  auth: MediaAuth,
): Promise<{ status: number; bytes?: Buffer; at: number }> {
  if (seg === undefined) return { status: 0, at: Date.now() };
  const [initRes, segRes] = await Promise.all([
    init ? fetchMedia(init, auth) : Promise.resolve(undefined),
    fetchMedia(seg.uri, auth),
  ]);
  const at = Date.now();
  if (initRes && !ok(initRes.status)) return { status: initRes.status, at };
  if (!ok(segRes.status)) return { status: segRes.status, at };
  return {
    status: segRes.status,
    bytes: initRes ? Buffer.concat([initRes.body, segRes.body]) : segRes.body,
    at,
  };
}

async function walkHls(
  format: Format,
  manifest: HttpResponse,
  url: string,
  auth: MediaAuth,
  ffmpeg?: string,
): Promise<Walked> {
  const problems: string[] = [];
  const text = manifest.text();
  const variants = isMultivariant(text)
    ? parseMultivariant(text, url)
    : [{ uri: url, kind: 'video' as const, name: 'single', bandwidth: undefined, resolution: undefined }];
  if (variants.length === 0) problems.push(`${format}: the manifest lists no renditions`);
  let pdtEdge: number | undefined;
  let pictureEdge: number | undefined;
  let segmentSeconds: number | undefined;
  const readOne = async (v: (typeof variants)[number], withSegment: boolean): Promise<RenditionReport> => {
    const res = await fetchMedia(v.uri, auth);
    const base = {
      name: v.name,
      kind: v.kind,
      bandwidth: v.bandwidth,
      resolution: v.resolution,
      playlistStatus: res.status,
    };
    if (!ok(res.status)) return { ...base, note: `playlist answered ${res.status}` };
    let pl: MediaPlaylist;
    try {
      pl = parseMediaPlaylist(res.text(), v.uri);
    } catch (err) {
      return { ...base, note: (err as Error).message };
    }
    const last = pl.segments.at(-1);
    const out: RenditionReport = {
      ...base,
      targetDuration: pl.targetDuration,
      firstSequence: pl.segments[0]?.sequence,
      lastSequence: last?.sequence,
    };
    if (!withSegment) return out;
    const seg = await newestSegment(last, pl.init, auth);
    const kbps = seg.bytes && last ? Math.round((seg.bytes.length * 8) / last.duration / 1000) : undefined;
    if (v.kind === 'video' && last) {
      segmentSeconds ??= pl.targetDuration;
      if (last.startMs !== undefined) {
        const edge = (Date.now() - (last.startMs + last.duration * 1000)) / 1000;
        pdtEdge = pdtEdge === undefined ? edge : Math.min(pdtEdge, edge);
      }
      if (seg.bytes && pictureEdge === undefined) {
        const captured = await pictureClock(ffmpeg, seg.bytes);
        if (captured !== undefined) pictureEdge = (seg.at - (captured + last.duration * 1000)) / 1000;
      }
    }
    return {
      ...out,
      segmentStatus: seg.status,
      segmentKbps: kbps,
      ...(ok(seg.status) ? {} : { note: `newest segment answered ${seg.status}` }),
    };
  };
  const renditions = await Promise.all(variants.map((v) => readOne(v, true)));
  for (const r of renditions) if (r.note) problems.push(`${format} ${r.name}: ${r.note}`);
  return {
    report: {
      format,
      auth: auth.mode,
      manifestStatus: manifest.status,
      manifestCacheAgeSeconds: ageHeader(manifest),
      renditions,
      liveEdgeByTimestampSeconds: pdtEdge,
      liveEdgeByPictureSeconds: pictureEdge,
      segmentSeconds,
      problems,
    },
    again: () => Promise.all(variants.map((v) => readOne(v, false))),
  };
}

async function walkDash(
  manifest: HttpResponse,
  url: string,
  auth: MediaAuth,
  ffmpeg?: string,
): Promise<Walked> {
  const problems: string[] = [];
  const read = (res: HttpResponse) => parseMpd(res.text(), url);
  const mpd = read(manifest);
  if (mpd.representations.length === 0) problems.push('dash: the manifest lists no representations');
  let timelineEdge: number | undefined;
  let pictureEdge: number | undefined;
  let segmentSeconds: number | undefined;
  const renditions = await Promise.all(
    mpd.representations.map(async (r): Promise<RenditionReport> => {
      const last = r.segments.at(-1);
      const seg = await newestSegment(last, r.init, auth);
      if (r.kind === 'video' && last) {
        segmentSeconds ??= last.duration;
        if (last.startMs !== undefined) {
          const edge = (Date.now() - (last.startMs + last.duration * 1000)) / 1000;
          timelineEdge = timelineEdge === undefined ? edge : Math.min(timelineEdge, edge);
        }
        if (seg.bytes && pictureEdge === undefined) {
          const captured = await pictureClock(ffmpeg, seg.bytes);
          if (captured !== undefined) pictureEdge = (seg.at - (captured + last.duration * 1000)) / 1000;
        }
      }
      return {
        name: r.kind === 'video' && r.width ? `${r.width}x${r.height}` : `${r.kind} ${r.id}`,
        kind: r.kind,
        bandwidth: r.bandwidth,
        resolution: r.width ? `${r.width}x${r.height}` : undefined,
        playlistStatus: manifest.status,
        segmentStatus: seg.status,
        segmentKbps:
          seg.bytes && last ? Math.round((seg.bytes.length * 8) / last.duration / 1000) : undefined,
        firstSequence: r.segments[0]?.sequence,
        lastSequence: last?.sequence,
        ...(ok(seg.status)
          ? {}
          : { note: last ? `newest segment answered ${seg.status}` : 'no segments listed' }),
      };
    }),
  );
  for (const r of renditions) if (r.note) problems.push(`dash ${r.name}: ${r.note}`);
  return {
    report: {
      format: 'dash',
      auth: auth.mode,
      manifestStatus: manifest.status,
      manifestCacheAgeSeconds: ageHeader(manifest),
      renditions,
      liveEdgeByTimestampSeconds: timelineEdge,
      liveEdgeByPictureSeconds: pictureEdge,
      segmentSeconds,
      problems,
    },
    again: async () => {
      const res = await fetchMedia(url, auth);
      if (!ok(res.status))
        return renditions.map((r) => ({
          ...r,
          playlistStatus: res.status,
          note: `manifest answered ${res.status}`,
        }));
      const m = read(res);
      return renditions.map((r, i) => {
        const rep = m.representations[i];
        return {
          ...r,
          playlistStatus: res.status,
          firstSequence: rep?.segments[0]?.sequence,
          lastSequence: rep?.segments.at(-1)?.sequence,
        };
      });
    },
  };
}

/**
 * Walks one format as a player does: the manifest, every rendition, the newest segment of each;
 * with `continuityAfterMs`, reads every rendition again after that long and checks that the
 * sequence advanced without a gap.
 */
export async function walkFormat(
  format: Format,
  manifestUrl: string,
  auth: MediaAuth,
  opts: { ffmpeg?: string; continuityAfterMs?: number } = {},
): Promise<FormatReport> {
  let manifest: HttpResponse;
  try {
    manifest = await fetchMedia(manifestUrl, auth);
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    return {
      format,
      auth: auth.mode,
      manifestStatus: 0,
      renditions: [],
      problems: [`${format}: ${err.message}`],
    };
  }
  if (!ok(manifest.status))
    return {
      format,
      auth: auth.mode,
      manifestStatus: manifest.status,
      renditions: [],
      problems: [
        `${format} manifest (${auth.mode === 'signed' ? 'signed URL' : 'cookies'}) answered ${manifest.status}${manifest.status === 404 ? ' (no stream arriving, or channel stopped?)' : ''}`,
      ],
    };
  let walked: Walked;
  try {
    walked =
      format === 'dash'
        ? await walkDash(manifest, manifestUrl, auth, opts.ffmpeg)
        : await walkHls(format, manifest, manifestUrl, auth, opts.ffmpeg);
  } catch (err) {
    if (err instanceof NetworkError || err instanceof Error)
      return {
        format,
        auth: auth.mode,
        manifestStatus: manifest.status,
        renditions: [],
        problems: [`${format}: ${err.message}`],
      };
    throw err;
  }
  if (opts.continuityAfterMs === undefined) return walked.report;
  // A new segment appears once per segment length: look again after one, plus a margin.
  await sleep(Math.max(opts.continuityAfterMs, ((walked.report.segmentSeconds ?? 0) + 1) * 1000));
  const later = await walked.again();
  const renditions = walked.report.renditions.map((r, i) => (later[i] ? continuity(r, later[i]) : r));
  const problems = [...walked.report.problems];
  for (const r of renditions) if (r.continuous === false) problems.push(`${format} ${r.name}: ${r.note}`);
  return { ...walked.report, renditions, problems };
}

/** What a refusal probe got: the status, and whether that is the 403 CloudFront must give. */
export interface Refusal {
  readonly what: string;
  readonly status: number;
  readonly refused: boolean;
}

const probe = async (what: string, url: string, headers: Record<string, string> = {}): Promise<Refusal> => {
  try {
    const r = await httpRequest(url, { headers });
    return { what, status: r.status, refused: r.status === 403 };
  } catch (err) {
    if (err instanceof NetworkError) return { what, status: 0, refused: false };
    throw err;
  }
};

/** A request for the manifest without any session: no query, no cookies. */
export function withoutSession(manifestUrl: string): Promise<Refusal> {
  return probe('without a session', bare(manifestUrl));
}

/**
 * The session's own policy, signed with a key CloudFront has never seen under the session's
 * Key-Pair-Id: a forged (foreign) signature.
 */
export function forgedSignature(manifestUrl: string): Promise<Refusal> {
  const q = new URL(manifestUrl).searchParams;
  const keyPairId = q.get('Key-Pair-Id') ?? 'K000000000000';
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const policy = q.get('Policy');
  const signed = policy
    ? getSignedUrl({
        url: bare(manifestUrl),
        keyPairId,
        privateKey,
        policy: Buffer.from(
          policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
          'base64',
        ).toString('utf8'),
      })
    : getSignedUrl({
        url: bare(manifestUrl),
        keyPairId,
        privateKey,
        dateLessThan: new Date(Number(q.get('Expires') ?? Date.now() / 1000 + 600) * 1000).toISOString(),
      });
  return probe('with a forged signature', signed);
}

/** Another channel's manifest with this session's signed query and cookies. */
export function otherChannel(otherManifestUrl: string, session: Session, format: Format): Promise<Refusal> {
  const query = new URL(session.urls[format] ?? otherManifestUrl).search;
  return probe(
    `another channel's media with this session`,
    withQuery(otherManifestUrl, query),
    session.cookie ? { cookie: session.cookie } : {},
  );
}
