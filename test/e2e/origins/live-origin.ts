/**
 * A live MediaPackage v1 stand-in: Debian's ffmpeg encodes a test pattern with a burned-in clock
 * and a tone in real time, once, into HLS (MPEG-TS) and DASH with HLS playlists over the same fMP4
 * segments (CMAF); a small HTTP server serves that one encode under every origin endpoint of the
 * template, laid out as MediaPackage v1 names them:
 *
 *   HLS   /out/v1/<endpoint path id>/<manifest name>.m3u8 (multivariant) and its children
 *   DASH  /out/v1/<endpoint path id>/<manifest name>.mpd
 *   CMAF  /out/v1/<endpoint path id>/<HLS manifest id>/<manifest name>.m3u8
 *
 * Like an endpoint with CDN authorization, it answers 403 to a request without the CDN
 * identifier header value (the secret CloudFront sends), and 404 to unknown endpoints and files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDN_IDENTIFIER_HEADER } from '../../../lib/constructs/channel/cdn-authorization';
import type { MediaPackageEndpoint } from '../deployment';

export const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf';

export interface LiveOriginOptions {
  /** The endpoints to serve; each with CDN authorization requires its identifier header. */
  readonly endpoints: readonly MediaPackageEndpoint[];
  /** @default - 2 s segments */
  readonly segmentSeconds?: number;
  /** Segments per playlist. @default - 6 */
  readonly windowSegments?: number;
  /** @default - 640x360 at 25 fps */
  readonly size?: string;
  readonly fps?: number;
  readonly ffmpeg?: string;
  /**
   * Package a pushed stream instead of a test pattern: ffmpeg listens for one RTMP publish at this
   * URL (`rtmp://127.0.0.1:<port>/<app>/<stream key>`, what the channel's input would accept) and
   * copies its H.264 and AAC into the same HLS and DASH layout, so a viewer sees what the encoder
   * sent, its burned-in clock included. When a publish ends, ffmpeg listens again, at the URL
   * this returns then. A publish under another stream name than the URL's is refused (ffmpeg
   * only logs it; the origin then ends it), as MediaLive refuses a wrong stream key.
   * @default - ffmpeg's own test pattern, encoded here
   */
  readonly rtmpListen?: () => string;
}

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mpd: 'application/dash+xml',
  ts: 'video/MP2T',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
};

/** One manifest name per format: the one encode is laid out once for all endpoints of a format. */
function manifestNames(endpoints: readonly MediaPackageEndpoint[]): {
  hls: string;
  dash: string;
  cmaf: string;
} {
  const only = (names: string[], what: string) => {
    const set = [...new Set(names)];
    if (set.length > 1) throw new Error(`${what} endpoints use different manifest names (${set.join(', ')})`);
    return set[0] ?? 'index';
  };
  const dash = only(
    endpoints.filter((e) => e.format === 'dash').map((e) => e.manifestName),
    'DASH',
  );
  const cmaf = only(
    endpoints.filter((e) => e.format === 'cmaf').flatMap((e) => e.hlsManifests.map((m) => m.manifestName)),
    'CMAF HLS',
  );
  return {
    hls: only(
      endpoints.filter((e) => e.format === 'hls').map((e) => e.manifestName),
      'HLS',
    ),
    dash,
    cmaf,
  };
}

/** The ffmpeg command line: one encode, a tee into HLS-TS and DASH (+ HLS playlists over its fMP4). */
export function ffmpegArgs(
  dirs: { hls: string; dash: string },
  names: { hls: string; dash: string; cmaf: string },
  o: {
    segmentSeconds: number;
    windowSegments: number;
    size: string;
    fps: number;
    /** ffmpeg listens for an RTMP publish here and copies it (no encode). */
    rtmpListen?: string;
  },
): string[] {
  const gop = o.segmentSeconds * o.fps;
  const clock = `drawtext=fontfile=${FONT}:text='OnAir e2e %{localtime\\:%H\\\\\\:%M\\\\\\:%S}':fontsize=32:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=16:y=h-th-24`;
  const hls = [
    'f=hls',
    `hls_time=${o.segmentSeconds}`,
    `hls_list_size=${o.windowSegments}`,
    'hls_flags=delete_segments+program_date_time+independent_segments+temp_file',
    `master_pl_name=${names.hls}.m3u8`,
    `hls_segment_filename=${join(dirs.hls, `${names.hls}_1_%05d.ts`)}`,
  ].join(':');
  const dash = [
    'f=dash',
    `seg_duration=${o.segmentSeconds}`,
    `window_size=${o.windowSegments}`,
    'extra_window_size=4',
    'use_template=1',
    'use_timeline=1',
    'hls_playlist=1',
    `hls_master_name=${names.cmaf}.m3u8`,
  ].join(':');
  const tee = [
    '-f',
    'tee',
    `[${hls}]${join(dirs.hls, `${names.hls}_1.m3u8`)}|[${dash}]${join(dirs.dash, `${names.dash}.mpd`)}`,
  ];
  if (o.rtmpListen !== undefined)
    // The encoder's GOP is the segment boundary, as MediaPackage's is MediaLive's.
    return [
      ...['-hide_banner', '-loglevel', 'warning', '-nostdin'],
      ...['-listen', '1', '-i', o.rtmpListen],
      ...['-map', '0:v', '-map', '0:a', '-c', 'copy'],
      ...tee,
    ];
  return [
    ...['-hide_banner', '-loglevel', 'warning', '-nostdin'],
    ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=${o.size}:rate=${o.fps}`],
    ...['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-filter_complex', `[0:v]${clock}[v]`, '-map', '[v]', '-map', '1:a'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'main'],
    ...['-pix_fmt', 'yuv420p', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
    ...['-b:v', '600k', '-maxrate', '600k', '-bufsize', '1200k', '-threads', '1'],
    ...['-c:a', 'aac', '-b:a', '64k', '-ar', '48000', '-ac', '2'],
    ...tee,
  ];
}

export class LiveOrigin {
  readonly dir: string;
  private readonly server: http.Server;
  private ffmpeg!: ChildProcess;
  private readonly stderr: string[] = [];
  private exited?: number | null;
  private stopping = false;
  /** False: the origin is down (every request's connection is dropped). */
  serving = true;
  /** Publishes received so far (RTMP mode). */
  publishes = 0;
  private readonly dirs: { hls: string; dash: string };
  private readonly names: { hls: string; dash: string; cmaf: string };

  private constructor(private readonly opts: LiveOriginOptions) {
    this.names = manifestNames(opts.endpoints);
    this.dir = mkdtempSync(join(tmpdir(), 'onair-live-'));
    this.dirs = { hls: join(this.dir, 'hls'), dash: join(this.dir, 'dash') };
    mkdirSync(this.dirs.hls);
    mkdirSync(this.dirs.dash);
    this.spawn();
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  private spawn(): void {
    this.exited = undefined;
    const listen = this.opts.rtmpListen?.();
    const args = ffmpegArgs(this.dirs, this.names, {
      segmentSeconds: this.opts.segmentSeconds ?? 2,
      windowSegments: this.opts.windowSegments ?? 6,
      size: this.opts.size ?? '640x360',
      fps: this.opts.fps ?? 25,
      rtmpListen: listen,
    });
    const ffmpeg = spawn(this.opts.ffmpeg ?? 'ffmpeg', args, {
      cwd: this.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.ffmpeg = ffmpeg;
    ffmpeg.stderr?.setEncoding('utf8');
    ffmpeg.stderr?.on('data', (s: string) => {
      this.stderr.push(s);
      if (this.stderr.length > 50) this.stderr.shift();
      // ffmpeg's RTMP server takes any stream name and only logs another one: refuse it here,
      // unless the input accepts that name now (its key rotated since ffmpeg started listening).
      const pushed = /Unexpected stream (\S+), expecting/.exec(s)?.[1];
      if (pushed !== undefined && !this.opts.rtmpListen?.().endsWith(`/${pushed}`)) ffmpeg.kill('SIGKILL');
    });
    ffmpeg.on('exit', (code) => {
      this.exited = code;
      // RTMP mode: a publish ended (or failed): listen for the next one.
      if (this.opts.rtmpListen !== undefined && !this.stopping) {
        this.publishes++;
        setTimeout(() => {
          if (!this.stopping) this.spawn();
        }, 100);
      }
    });
    ffmpeg.on('error', (err) => {
      this.stderr.push(String(err));
      this.exited = -1;
    });
  }

  /** Starts ffmpeg and the HTTP server (127.0.0.1, a free port). */
  static async start(opts: LiveOriginOptions): Promise<LiveOrigin> {
    const origin = new LiveOrigin(opts);
    await new Promise<void>((resolve) => origin.server.listen(0, '127.0.0.1', () => resolve()));
    return origin;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once every manifest exists and the HLS playlist lists `segments` segments. */
  async waitUntilLive(segments = 3, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ready = () => {
      const files = [
        join(this.dirs.hls, `${this.names.hls}.m3u8`),
        join(this.dirs.dash, `${this.names.dash}.mpd`),
        join(this.dirs.dash, `${this.names.cmaf}.m3u8`),
      ];
      if (!files.every((f) => existsSync(f))) return false;
      return readdirSync(this.dirs.hls).filter((f) => f.endsWith('.ts')).length >= segments;
    };
    while (!ready()) {
      if (this.exited !== undefined)
        throw new Error(`ffmpeg exited (${this.exited}): ${this.stderr.join('')}`);
      if (Date.now() > deadline)
        throw new Error(`the live origin was not live after ${timeoutMs} ms: ${this.stderr.join('')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** ffmpeg's recent warnings and errors. */
  get log(): string {
    return this.stderr.join('');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exited === undefined) {
      const gone = new Promise((resolve) => this.ffmpeg.once('exit', resolve));
      this.ffmpeg.kill('SIGTERM');
      const timer = setTimeout(() => this.ffmpeg.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The file an endpoint path names, or undefined (404). */
  private fileFor(path: string): string | undefined {
    const m =
      /^\/out\/v1\/([0-9a-f]+)\/((?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*)$/.exec(
        path,
      );
    if (m === null || m[2].includes('..')) return undefined;
    const endpoint = this.opts.endpoints.find((e) => e.pathId === m[1]);
    if (endpoint === undefined) return undefined;
    const rest = m[2];
    if (endpoint.format === 'hls') return rest.includes('/') ? undefined : join(this.dirs.hls, rest);
    if (endpoint.format === 'dash')
      return rest.includes('/') || rest.endsWith('.m3u8') ? undefined : join(this.dirs.dash, rest);
    const [manifestId, file, ...more] = rest.split('/');
    if (more.length > 0 || file === undefined || file.endsWith('.mpd')) return undefined;
    if (!endpoint.hlsManifests.some((h) => h.id === manifestId)) return undefined;
    return join(this.dirs.dash, file);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!this.serving) return void req.socket.destroy();
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    const endpoint = this.opts.endpoints.find((e) => path.startsWith(`/out/v1/${e.pathId}/`));
    const sent = req.headers[CDN_IDENTIFIER_HEADER.toLowerCase()];
    if (endpoint?.cdnIdentifier !== undefined && sent !== endpoint.cdnIdentifier)
      return send(403, 'Forbidden');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed');
    const file = this.fileFor(path);
    if (file === undefined || !existsSync(file) || !statSync(file).isFile()) return send(404, 'Not Found');
    const ext = file.slice(file.lastIndexOf('.') + 1);
    const manifest = ext === 'm3u8' || ext === 'mpd';
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      // Manifests change every segment; segments never do.
      'cache-control': manifest
        ? `max-age=${Math.max(1, Math.floor((this.opts.segmentSeconds ?? 2) / 2))}`
        : 'max-age=86400',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}
