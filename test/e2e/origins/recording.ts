/**
 * A recording as the archive bucket holds it once READY: each part laid out the way a
 * MediaPackage v1 harvest job writes HLS (a master at the job's ManifestKey,
 * `recordings/<channel>/<id>/p01/index.m3u8`, with its child playlists and segments beside it),
 * then joined by the recording-files function's own code (lambda/recordings/manifests.ts) into
 * the root master and one playlist per rendition, plus `poster.jpg`. Debian's ffmpeg makes the
 * media: a test pattern with a burned-in clock and a tone, two renditions, 2-second segments.
 *
 * The names of the harvested files inside a part (`index_<n>.m3u8`, `index_<n>_<seq>.ts`) are
 * MediaPackage v1's HLS naming as its endpoints serve it; a real harvest may name them
 * otherwise, which the join does not depend on (it follows the URIs the part's master names).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type HarvestedPart, joinParts, masterUris } from '../../../lambda/recordings/manifests';
import { recordingPrefix } from '../../../lambda/shared/contract';

export interface RecordingFixture {
  /** Folder of the recording below the bucket root. */
  readonly prefix: string;
  readonly durationSeconds: number;
}

const RENDITIONS = [
  { name: '1', width: 640, height: 360, kbps: 800 },
  { name: '2', width: 320, height: 180, kbps: 300 },
] as const;

function ffmpeg(args: string[]) {
  const r = spawnSync(process.env.FFMPEG ?? 'ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr || r.error}`);
}

/** One part: `seconds` of media starting at `offset` on the clock, as a harvest job writes it. */
function writePart(dir: string, seconds: number, offset: number) {
  mkdirSync(dir, { recursive: true });
  const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  const clock = `drawtext=fontfile=${font}:text='%{pts\\:hms\\:${offset}}':fontsize=48:fontcolor=white:x=20:y=20`;
  for (const r of RENDITIONS) {
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${r.width}x${r.height}:rate=30:duration=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-vf',
      clock,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-profile:v',
      'main',
      '-b:v',
      `${r.kbps}k`,
      '-g',
      '60',
      '-keyint_min',
      '60',
      '-sc_threshold',
      '0',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '96k',
      '-ac',
      '2',
      '-f',
      'hls',
      '-hls_time',
      '2',
      '-hls_playlist_type',
      'vod',
      '-hls_segment_filename',
      join(dir, `index_${r.name}_%05d.ts`),
      join(dir, `index_${r.name}.m3u8`),
    ]);
  }
  const master = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...RENDITIONS.flatMap((r) => [
      `#EXT-X-STREAM-INF:BANDWIDTH=${(r.kbps + 96) * 1000},RESOLUTION=${r.width}x${r.height},CODECS="avc1.4d401e,mp4a.40.2"`,
      `index_${r.name}.m3u8`,
    ]),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'index.m3u8'), master);
}

/**
 * Writes a READY recording of `parts` parts of `secondsPerPart` each under `root` (the bucket's
 * local stand-in) and returns its folder and duration.
 */
export function writeRecording(
  root: string,
  channelId: string,
  recordingId: string,
  parts = 2,
  secondsPerPart = 6,
): RecordingFixture {
  const prefix = recordingPrefix(channelId, recordingId);
  const folder = join(root, prefix);
  const harvested: HarvestedPart[] = [];
  for (let i = 1; i <= parts; i++) {
    const part = `p${String(i).padStart(2, '0')}`;
    writePart(join(folder, part), secondsPerPart, (i - 1) * secondsPerPart);
    const master = readFileSync(join(folder, part, 'index.m3u8'), 'utf8');
    const children = Object.fromEntries(
      masterUris(master).map((u) => [u, readFileSync(join(folder, part, u), 'utf8')]),
    );
    harvested.push({ folder: `${part}/`, masterName: 'index.m3u8', master, children });
  }
  const joined = joinParts(harvested);
  for (const [name, body] of Object.entries(joined.children)) writeFileSync(join(folder, name), body);
  writeFileSync(join(folder, 'index.m3u8'), joined.master);
  mkdirSync(dirname(join(folder, 'poster.jpg')), { recursive: true });
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=1:duration=1',
    '-frames:v',
    '1',
    join(folder, 'poster.jpg'),
  ]);
  return { prefix, durationSeconds: joined.durationSeconds };
}
