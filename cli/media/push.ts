import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { EncoderSettings } from './encoder';
import { drawFilter } from './timecode';

/** Fonts drawtext may use for the human-readable clock (the bar code needs none). */
const FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/System/Library/Fonts/Menlo.ttc',
  '/Library/Fonts/Arial.ttf',
];

/** Where a push goes: an RTMP endpoint (FLV) or an SRT listener (MPEG-TS). */
export interface PushTarget {
  /** ffmpeg's output URL, credential included: rtmp://<ip>:1935/<app>/<key>, or the srt:// URL of GET …/ingest. */
  readonly url: string;
  /** The container: FLV over RTMP, MPEG-TS over SRT. */
  readonly format: 'flv' | 'mpegts';
  /** The address without the credential, for messages: rtmp://<ip>:1935/<app> or srt://<ip>:<port>. */
  readonly address: string;
  /** The credential inside `url` (stream key or passphrase), removed from ffmpeg's messages. */
  readonly secret: string;
}

export interface PushOptions {
  readonly settings: EncoderSettings;
  readonly targets: readonly PushTarget[];
  readonly seconds: number;
  /** Wall-clock time (epoch seconds) of the first frame. */
  readonly startEpochSeconds: number;
  readonly label: string;
  /** @default - the first font of a known list that exists; none: no human-readable clock */
  readonly font?: string | null;
}

/** An RTMP push target: the stream key appended to OBS's "Server". */
export function rtmpTarget(server: string, streamKey: string): PushTarget {
  const address = server.replace(/\/+$/, '');
  return { url: `${address}/${streamKey}`, format: 'flv', address, secret: streamKey };
}

/** An SRT target: the complete srt:// URL the ingest route returns (passphrase, pbkeylen, latency, streamid). */
export function srtTarget(url: string, passphrase: string): PushTarget {
  const u = new URL(url);
  return { url, format: 'mpegts', address: `srt://${u.host}`, secret: passphrase };
}

export function findFont(): string | undefined {
  return FONTS.find((f) => existsSync(f));
}

/**
 * ffmpeg's arguments: testsrc2 at the top rung's size and frame rate with a burned-in UTC clock
 * and the machine-readable capture clock ({@link drawFilter}), a 1 kHz tone, H.264 (closed GOP of
 * exactly the channel's keyframe interval, no scene-cut keyframes) and AAC, to one target (FLV
 * over RTMP, MPEG-TS over SRT) or, through the tee muxer, to several.
 */
export function pushArgs(o: PushOptions): string[] {
  const s = o.settings;
  const fps = s.framerate;
  const gop = Math.max(1, Math.round(s.keyframeSeconds * fps));
  const font = o.font === undefined ? findFont() : (o.font ?? undefined);
  const clock =
    font === undefined
      ? 'null'
      : `drawtext=fontfile=${font}:text='${o.label.replace(/[^A-Za-z0-9 _-]/g, '')} %{pts\\:gmtime\\:${Math.floor(o.startEpochSeconds)}\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} UTC':` +
        `fontsize=${Math.max(16, Math.round(s.height / 18))}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=16:y=16`;
  const filter = [
    `[0:v]${clock}[clock]`,
    drawFilter({
      input: '[clock]',
      output: '[v]',
      width: s.width,
      height: s.height,
      fps,
      startEpochSeconds: o.startEpochSeconds,
    }),
  ].join(';');
  const output =
    o.targets.length === 1
      ? ['-f', o.targets[0].format, o.targets[0].url]
      : ['-f', 'tee', o.targets.map((t) => `[f=${t.format}:onfail=ignore]${t.url}`).join('|')];
  return [
    ...['-hide_banner', '-loglevel', 'warning', '-nostdin'],
    ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=${s.width}x${s.height}:rate=${fps}`],
    ...['-re', '-f', 'lavfi', '-i', `sine=frequency=1000:sample_rate=${s.audio.sampleRate}`],
    ...['-filter_complex', filter, '-map', '[v]', '-map', '1:a', '-t', String(o.seconds)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', s.profile],
    ...['-pix_fmt', 'yuv420p', '-fps_mode', 'cfr', '-g', String(gop), '-keyint_min', String(gop)],
    ...['-sc_threshold', '0', '-flags', '+cgop', '-bf', '0'],
    ...['-b:v', `${s.videoKbps}k`, '-maxrate', `${s.videoKbps}k`, '-bufsize', `${s.videoKbps * 2}k`],
    ...['-c:a', 'aac', '-b:a', `${s.audio.kbps}k`, '-ar', String(s.audio.sampleRate), '-ac', '2'],
    ...output,
  ];
}

/** A running push: ffmpeg, its (credential-redacted) recent messages, and its end. */
export class Push {
  readonly done: Promise<{ code: number | null; log: string }>;
  private readonly lines: string[] = [];
  private readonly child: ChildProcess;

  constructor(ffmpeg: string, o: PushOptions) {
    const secrets = o.targets
      .filter((t) => t.secret.length > 0)
      .map((t) => [t.secret, t.format === 'mpegts' ? '<passphrase>' : '<stream key>'] as const);
    const redact = (s: string) => secrets.reduce((acc, [k, name]) => acc.split(k).join(name), s);
    this.child = spawn(ffmpeg, pushArgs(o), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => {
      for (const l of d.split('\n').filter(Boolean)) {
        this.lines.push(redact(l));
        if (this.lines.length > 20) this.lines.shift();
      }
    });
    this.done = new Promise((resolve) => {
      this.child.on('error', (err) => resolve({ code: -1, log: redact(String(err)) }));
      this.child.on('close', (code) => resolve({ code, log: this.lines.join('\n') }));
    });
  }

  get log(): string {
    return this.lines.join('\n');
  }

  /** Ends the push early (ffmpeg finishes the stream cleanly on SIGINT). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.done;
    clearTimeout(timer);
  }
}
