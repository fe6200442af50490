import { posix } from 'node:path';

/**
 * Joins the HLS output of a recording's harvested parts into one VOD: a master playlist at the
 * recording's root whose renditions each play every part in order, with a discontinuity between
 * parts (each harvest job writes its own master and child playlists; MediaPackage user guide,
 * "Creating live-to-VOD assets"). Pure text in, text out: the caller reads and writes S3.
 */

/** One harvested part as read from S3. */
export interface HarvestedPart {
  /** Folder of the part relative to the recording root, e.g. `p01/`. */
  readonly folder: string;
  /** The part's master playlist (the harvest job's ManifestKey), relative to `folder`. */
  readonly masterName: string;
  readonly master: string;
  /** Child playlists by their URI as the master names them (relative to the master). */
  readonly children: Readonly<Record<string, string>>;
}

export interface JoinedVod {
  readonly master: string;
  /** Child playlists by file name (relative to the recording root). */
  readonly children: Readonly<Record<string, string>>;
  /** Seconds of media (the sum of every EXTINF of the first rendition). */
  readonly durationSeconds: number;
}

const isAbsolute = (uri: string) => /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/');

/** A URI of a playlist at `playlistPath` (relative to the root) as seen from the root. */
function fromRoot(playlistPath: string, uri: string): string {
  return isAbsolute(uri) ? uri : posix.normalize(posix.join(posix.dirname(playlistPath), uri));
}

/** The URIs a master playlist references, in order: variant streams, then EXT-X-MEDIA renditions. */
export function masterUris(master: string): string[] {
  const lines = master.split(/\r?\n/).map((l) => l.trim());
  const uris: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('#EXT-X-STREAM-INF')) {
      const next = lines.slice(i + 1).find((l) => l !== '' && !l.startsWith('#'));
      if (next !== undefined) uris.push(next);
    }
  }
  for (const l of lines) {
    const m = /^#EXT-X-MEDIA:.*\bURI="([^"]+)"/.exec(l);
    if (m) uris.push(m[1]);
  }
  return uris;
}

/** Header tags of a media playlist that the joined playlist writes once itself. */
const HEADER_TAGS = [
  '#EXTM3U',
  '#EXT-X-VERSION',
  '#EXT-X-TARGETDURATION',
  '#EXT-X-MEDIA-SEQUENCE',
  '#EXT-X-DISCONTINUITY-SEQUENCE',
  '#EXT-X-PLAYLIST-TYPE',
  '#EXT-X-ENDLIST',
  '#EXT-X-INDEPENDENT-SEGMENTS',
];

function rewriteUriAttr(line: string, playlistPath: string): string {
  return line.replace(/\bURI="([^"]+)"/, (_, uri: string) => `URI="${fromRoot(playlistPath, uri)}"`);
}

/** Joins the parts (in order) into one VOD. Every part must have the same renditions (one session, one ladder). */
export function joinParts(parts: readonly HarvestedPart[]): JoinedVod {
  if (parts.length === 0) throw new Error('a recording needs at least one harvested part');
  const first = parts[0];
  const names = masterUris(first.master);
  if (names.length === 0) throw new Error(`${first.folder}${first.masterName} names no renditions`);
  const perPart = parts.map((p) => {
    const uris = masterUris(p.master);
    if (uris.length !== names.length)
      throw new Error(
        `${p.folder}${p.masterName} has ${uris.length} renditions, ${first.folder}${first.masterName} ${names.length}`,
      );
    return uris;
  });

  const children: Record<string, string> = {};
  const outName = (i: number) => `rendition_${i + 1}.m3u8`;
  let durationSeconds = 0;
  names.forEach((_, i) => {
    let target = 1;
    let version = 3;
    let seconds = 0;
    const body: string[] = [];
    parts.forEach((p, n) => {
      const uri = perPart[n][i];
      const text = p.children[uri];
      if (text === undefined) throw new Error(`${p.folder}: child playlist ${uri} was not read`);
      const path = posix.join(p.folder, posix.dirname(p.masterName), uri);
      if (n > 0) body.push('#EXT-X-DISCONTINUITY');
      for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (line === '') continue;
        const t = /^#EXT-X-TARGETDURATION:(\d+)/.exec(line);
        if (t) target = Math.max(target, Number(t[1]));
        const v = /^#EXT-X-VERSION:(\d+)/.exec(line);
        if (v) version = Math.max(version, Number(v[1]));
        if (HEADER_TAGS.some((tag) => line === tag || line.startsWith(`${tag}:`))) continue;
        const d = /^#EXTINF:([\d.]+)/.exec(line);
        if (d) seconds += Number(d[1]);
        if (line.startsWith('#')) body.push(line.includes('URI="') ? rewriteUriAttr(line, path) : line);
        else body.push(fromRoot(path, line));
      }
    });
    if (i === 0) durationSeconds = Math.round(seconds * 1000) / 1000;
    children[outName(i)] = [
      '#EXTM3U',
      `#EXT-X-VERSION:${version}`,
      `#EXT-X-TARGETDURATION:${target}`,
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      ...body,
      '#EXT-X-ENDLIST',
      '',
    ].join('\n');
  });

  // The first part's master, its URIs pointing at the joined renditions.
  const index = new Map(names.map((u, i) => [u, outName(i)]));
  const master = first.master
    .split(/\r?\n/)
    .map((raw) => {
      const line = raw.trim();
      if (line !== '' && !line.startsWith('#')) return index.get(line) ?? line;
      return line.replace(/\bURI="([^"]+)"/, (all, uri: string) => {
        const out = index.get(uri);
        return out === undefined ? all : `URI="${out}"`;
      });
    })
    .join('\n');
  return { master, children, durationSeconds };
}
