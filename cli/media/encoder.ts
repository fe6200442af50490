import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChannelView, type IngestDetails, isSrt, type Rung } from '../model';

/** What an encoder (OBS, ffmpeg) should send to a channel: its top rung, its frame rate and GOP. */
export interface EncoderSettings {
  readonly width: number;
  readonly height: number;
  readonly framerate: number;
  /** Keyframe interval = the channel's GOP, so every output segment starts on a source keyframe. */
  readonly keyframeSeconds: number;
  /** CBR bitrate to push, within MediaLive's input class. */
  readonly videoKbps: number;
  /** The input class's cap (MAX_10_MBPS → 10000). */
  readonly maxKbps: number;
  readonly audio: {
    readonly codec: 'AAC';
    readonly kbps: number;
    readonly sampleRate: number;
    readonly channels: 2;
  };
  readonly profile: 'high';
  /** x264 tune: zerolatency for 1 s GOPs (low-latency channels). */
  readonly tune?: 'zerolatency';
  /** What was not reported by the API and fell back to a default. */
  readonly assumed: readonly string[];
}

/** Contribution bitrate by top-rung height (docs/media.md#obs-settings-for-the-default-ladder). */
const SOURCE_KBPS: readonly [number, number][] = [
  [1080, 6000],
  [720, 4500],
  [540, 3000],
];

const INPUT_CAP_KBPS: Readonly<Record<string, number>> = {
  MAX_10_MBPS: 10_000,
  MAX_20_MBPS: 20_000,
  MAX_50_MBPS: 50_000,
};

/** The top (tallest) rung of a ladder. */
export function topRung(ladder: readonly Rung[] | undefined): Rung | undefined {
  return [...(ladder ?? [])].sort((a, b) => (b.height ?? 0) - (a.height ?? 0))[0];
}

/** Encoder settings matching a channel's ladder (GET …/status). */
export function encoderSettings(view: ChannelView): EncoderSettings {
  const assumed: string[] = [];
  const top = topRung(view.ladder);
  const height = top?.height ?? 720;
  const width = top?.width ?? Math.round((height * 16) / 9 / 2) * 2;
  if (top?.height === undefined) assumed.push('resolution 1280x720');
  const framerate = top?.framerate ?? 30;
  if (top?.framerate === undefined) assumed.push('30 fps');
  const gop = top?.gopSeconds ?? 2;
  if (top?.gopSeconds === undefined) assumed.push('2 s keyframe interval');
  const cap = INPUT_CAP_KBPS[view.encoding?.input?.maximumBitrate ?? 'MAX_10_MBPS'] ?? 10_000;
  const byHeight = SOURCE_KBPS.find(([h]) => height >= h)?.[1];
  const wanted = byHeight ?? Math.round(((top?.maxBitrateKbps ?? 2000) * 1.5) / 100) * 100;
  const audio = view.encoding?.audio;
  return {
    width,
    height,
    framerate: Math.round(framerate * 1000) / 1000,
    keyframeSeconds: gop,
    videoKbps: Math.min(wanted, cap),
    maxKbps: cap,
    // Sent at 160 kbit/s: MediaLive re-encodes audio at the channel's own rate.
    audio: { codec: 'AAC', kbps: 160, sampleRate: audio?.sampleRate ?? 48_000, channels: 2 },
    profile: 'high',
    ...(gop <= 1 ? { tune: 'zerolatency' as const } : {}),
    assumed,
  };
}

/** The settings as the lines of OBS's dialogs. */
export function describeSettings(s: EncoderSettings): string[] {
  return [
    `  Output → Encoder     x264 or hardware H.264, profile ${s.profile}${s.tune ? `, tune ${s.tune}` : ''}`,
    `  Rate control         CBR ${s.videoKbps} kbit/s (the input class allows up to ${s.maxKbps})`,
    `  Keyframe interval    ${s.keyframeSeconds} s (the channel's GOP)`,
    `  Resolution / FPS     ${s.width}x${s.height} at ${s.framerate} (the top rung; FPS must match)`,
    `  Audio                AAC ${s.audio.sampleRate / 1000} kHz stereo ${s.audio.kbps} kbit/s`,
    ...(s.assumed.length ? [`  (not reported by the API, assumed: ${s.assumed.join(', ')})`] : []),
  ];
}

/**
 * The custom server OBS streams to (Settings → Stream → Service: Custom…) for the first endpoint:
 * the RTMP server and stream key, or the complete srt:// URL with an empty key (OBS sends MPEG-TS
 * over SRT for an srt:// server).
 */
function obsServer(channelId: string, ingest: IngestDetails): { server: string; key: string } {
  if (isSrt(ingest)) {
    const url = ingest.endpoints[0]?.url;
    if (url === undefined) throw new Error(`channel ${channelId} reports no SRT address`);
    return { server: url, key: '' };
  }
  const endpoint = ingest.endpoints[0];
  if (endpoint?.server === undefined) throw new Error(`channel ${channelId} reports no RTMP server`);
  return { server: endpoint.server, key: endpoint.streamKey };
}

/**
 * Writes an OBS profile folder (Profile → Import in OBS): service.json (the custom server and key
 * of the first endpoint: RTMP, or the srt:// URL), basic.ini (canvas, FPS, advanced output with
 * the stream encoder, audio) and streamEncoder.json (x264: CBR, keyframe interval, profile). The
 * key or passphrase is in the folder: it is created readable by its owner only.
 */
export function writeObsProfile(
  dir: string,
  channelId: string,
  ingest: IngestDetails,
  s: EncoderSettings,
): string[] {
  const { server, key } = obsServer(channelId, ingest);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const files: [string, string][] = [
    [
      'service.json',
      `${JSON.stringify(
        {
          settings: { bwtest: false, key, server, use_auth: false },
          type: 'rtmp_custom',
        },
        null,
        2,
      )}\n`,
    ],
    [
      'basic.ini',
      [
        '[General]',
        `Name=OnAir ${channelId}`,
        '',
        '[Video]',
        `BaseCX=${s.width}`,
        `BaseCY=${s.height}`,
        `OutputCX=${s.width}`,
        `OutputCY=${s.height}`,
        ...(Number.isInteger(s.framerate)
          ? ['FPSType=1', `FPSInt=${s.framerate}`]
          : ['FPSType=2', `FPSNum=${Math.round(s.framerate * 1001)}`, 'FPSDen=1001']),
        '',
        '[Output]',
        'Mode=Advanced',
        '',
        '[AdvOut]',
        'Encoder=obs_x264',
        'ApplyServiceSettings=true',
        'TrackIndex=1',
        `Track1Bitrate=${s.audio.kbps}`,
        '',
        '[Audio]',
        `SampleRate=${s.audio.sampleRate}`,
        'ChannelSetup=Stereo',
        '',
      ].join('\n'),
    ],
    [
      'streamEncoder.json',
      `${JSON.stringify(
        {
          rate_control: 'CBR',
          bitrate: s.videoKbps,
          keyint_sec: s.keyframeSeconds,
          profile: s.profile,
          preset: 'veryfast',
          ...(s.tune ? { tune: s.tune } : {}),
        },
        null,
        2,
      )}\n`,
    ],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text, { mode: 0o600 });
  return files.map(([name]) => join(dir, name));
}
