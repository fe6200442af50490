/**
 * Just enough HLS (RFC 8216) and DASH (ISO/IEC 23009-1, live profile with SegmentTemplate) parsing
 * to walk a live stream the way a player does: variants, media playlists, the newest segments and
 * their wall-clock times. Child URLs are resolved against the manifest URL (never built here).
 */

export interface Variant {
  readonly uri: string;
  readonly bandwidth?: number;
  readonly resolution?: string;
  readonly codecs?: string;
  /** EXT-X-MEDIA renditions (audio) have no resolution. */
  readonly kind: 'video' | 'audio';
  readonly name: string;
}

export interface Segment {
  readonly uri: string;
  readonly duration: number;
  readonly sequence: number;
  /** Wall-clock start (epoch ms): EXT-X-PROGRAM-DATE-TIME, or the DASH timeline. */
  readonly startMs?: number;
}

export interface MediaPlaylist {
  readonly targetDuration: number;
  readonly mediaSequence: number;
  readonly segments: readonly Segment[];
  /** EXT-X-MAP: the fMP4 initialization segment (CMAF). */
  readonly init?: string;
  readonly discontinuities: number;
  readonly ended: boolean;
}

const attr = (line: string, name: string): string | undefined => {
  const m = new RegExp(`(?:^|[:,])${name}=("([^"]*)"|[^,]*)`).exec(line);
  return m === null ? undefined : (m[2] ?? m[1]);
};

export const resolveUrl = (uri: string, base: string) => new URL(uri, base).toString();

export function isMultivariant(text: string): boolean {
  return text.includes('#EXT-X-STREAM-INF');
}

/** The variants (EXT-X-STREAM-INF) and audio renditions (EXT-X-MEDIA with a URI) of a multivariant playlist. */
export function parseMultivariant(text: string, base: string): Variant[] {
  if (!text.startsWith('#EXTM3U')) throw new Error('not an HLS playlist (no #EXTM3U)');
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const out: Variant[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('#EXT-X-STREAM-INF:')) {
      const uri = lines.slice(i + 1).find((x) => x !== '' && !x.startsWith('#'));
      if (uri === undefined) continue;
      const resolution = attr(l, 'RESOLUTION');
      out.push({
        uri: resolveUrl(uri, base),
        bandwidth: Number(attr(l, 'BANDWIDTH')) || undefined,
        resolution,
        codecs: attr(l, 'CODECS'),
        kind: 'video',
        name: resolution ?? uri,
      });
    } else if (l.startsWith('#EXT-X-MEDIA:') && attr(l, 'TYPE') === 'AUDIO') {
      const uri = attr(l, 'URI');
      if (uri === undefined) continue;
      out.push({ uri: resolveUrl(uri, base), kind: 'audio', name: `audio ${attr(l, 'NAME') ?? uri}` });
    }
  }
  return out;
}

export function parseMediaPlaylist(text: string, base: string): MediaPlaylist {
  if (!text.startsWith('#EXTM3U')) throw new Error('not an HLS playlist (no #EXTM3U)');
  let targetDuration = 0;
  let mediaSequence = 0;
  let init: string | undefined;
  let discontinuities = 0;
  let ended = false;
  const segments: Segment[] = [];
  let duration: number | undefined;
  let pdt: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const l = raw.trim();
    if (l.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(l.split(':')[1]);
    else if (l.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(l.split(':')[1]);
    else if (l.startsWith('#EXT-X-MAP:')) {
      const u = attr(l, 'URI');
      if (u) init = resolveUrl(u, base);
    } else if (l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))
      pdt = Date.parse(l.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
    else if (l.startsWith('#EXTINF:')) duration = Number.parseFloat(l.slice(8));
    else if (l === '#EXT-X-DISCONTINUITY') discontinuities++;
    else if (l === '#EXT-X-ENDLIST') ended = true;
    else if (l !== '' && !l.startsWith('#') && duration !== undefined) {
      const prev = segments.at(-1);
      const startMs =
        pdt !== undefined && !Number.isNaN(pdt)
          ? pdt
          : prev?.startMs !== undefined
            ? prev.startMs + prev.duration * 1000
            : undefined;
      segments.push({
        uri: resolveUrl(l, base),
        duration,
        sequence: mediaSequence + segments.length,
        startMs,
      });
      duration = undefined;
      pdt = undefined;
    }
  }
  return { targetDuration, mediaSequence, segments, init, discontinuities, ended };
}

export interface Representation {
  readonly id: string;
  readonly kind: 'video' | 'audio';
  readonly bandwidth?: number;
  readonly width?: number;
  readonly height?: number;
  readonly init?: string;
  readonly segments: readonly Segment[];
  readonly timescale: number;
}

export interface Mpd {
  readonly dynamic: boolean;
  readonly availabilityStartMs?: number;
  readonly publishMs?: number;
  readonly maxSegmentSeconds?: number;
  readonly representations: readonly Representation[];
}

const xmlAttrs = (tag: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z:]+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
};

/** ISO 8601 duration (PT1H2M3.5S) in seconds. */
export function isoDurationSeconds(d: string | undefined): number | undefined {
  if (d === undefined) return undefined;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(d);
  if (m === null) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

function fillTemplate(t: string, id: string, bandwidth: string | undefined, number: number, time: number) {
  return t.replace(
    /\$(RepresentationID|Bandwidth|Number|Time)(?:%0(\d+)d)?\$/g,
    (_all, key: string, width?: string) => {
      const v =
        key === 'RepresentationID'
          ? id
          : key === 'Bandwidth'
            ? (bandwidth ?? '')
            : String(key === 'Number' ? number : time);
      return width && key !== 'RepresentationID' ? v.padStart(Number(width), '0') : v;
    },
  );
}

/**
 * A live MPD's representations with their SegmentTemplate expanded over the SegmentTimeline
 * (the newest segments last). Segment wall-clock starts come from availabilityStartTime, the
 * period start and presentationTimeOffset.
 */
export function parseMpd(text: string, base: string): Mpd {
  const mpdTag = /<MPD\b[^>]*>/.exec(text)?.[0];
  if (mpdTag === undefined) throw new Error('not a DASH manifest (no <MPD>)');
  const mpd = xmlAttrs(mpdTag);
  const ast = mpd.availabilityStartTime ? Date.parse(mpd.availabilityStartTime) : undefined;
  const period = /<Period\b[^>]*>/.exec(text)?.[0];
  const periodStart = isoDurationSeconds(period ? xmlAttrs(period).start : undefined) ?? 0;
  const reps: Representation[] = [];
  for (const as of text.matchAll(/<AdaptationSet\b([^>]*)>([\s\S]*?)<\/AdaptationSet>/g)) {
    const asAttrs = xmlAttrs(`<x ${as[1]}>`);
    const body = as[2];
    const asTemplate = /<SegmentTemplate\b[^>]*?(?:\/>|>[\s\S]*?<\/SegmentTemplate>)/.exec(
      body.replace(/<Representation\b[\s\S]*?(<\/Representation>|\/>)/g, ''),
    )?.[0];
    for (const rep of body.matchAll(/<Representation\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Representation>)/g)) {
      const r = xmlAttrs(`<x ${rep[1]}>`);
      const template =
        /<SegmentTemplate\b[^>]*?(?:\/>|>[\s\S]*?<\/SegmentTemplate>)/.exec(rep[2] ?? '')?.[0] ?? asTemplate;
      if (template === undefined) continue;
      const t = xmlAttrs(/<SegmentTemplate\b[^>]*>/.exec(template)?.[0] ?? '');
      const timescale = Number(t.timescale ?? 1);
      const pto = Number(t.presentationTimeOffset ?? 0);
      let number = Number(t.startNumber ?? 1);
      const segments: Segment[] = [];
      let time = 0;
      for (const s of template.matchAll(/<S\b([^>]*)\/?>/g)) {
        const a = xmlAttrs(`<x ${s[1]}>`);
        if (a.t !== undefined) time = Number(a.t);
        const d = Number(a.d);
        for (let k = 0; k <= Number(a.r ?? 0); k++) {
          segments.push({
            uri: resolveUrl(fillTemplate(t.media ?? '', r.id ?? '', r.bandwidth, number, time), base),
            duration: d / timescale,
            sequence: number,
            startMs: ast === undefined ? undefined : ast + (periodStart + (time - pto) / timescale) * 1000,
          });
          time += d;
          number++;
        }
      }
      const mime = `${r.mimeType ?? asAttrs.mimeType ?? ''} ${asAttrs.contentType ?? ''}`;
      reps.push({
        id: r.id ?? '',
        kind: /audio/.test(mime) ? 'audio' : 'video',
        bandwidth: Number(r.bandwidth) || undefined,
        width: Number(r.width ?? asAttrs.width) || undefined,
        height: Number(r.height ?? asAttrs.height) || undefined,
        init: t.initialization
          ? resolveUrl(fillTemplate(t.initialization, r.id ?? '', r.bandwidth, 0, 0), base)
          : undefined,
        segments,
        timescale,
      });
    }
  }
  return {
    dynamic: mpd.type === 'dynamic',
    availabilityStartMs: ast,
    publishMs: mpd.publishTime ? Date.parse(mpd.publishTime) : undefined,
    maxSegmentSeconds: isoDurationSeconds(mpd.maxSegmentDuration),
    representations: reps,
  };
}
