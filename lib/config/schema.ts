import { z } from 'zod';
import {
  CHANNEL_ID_PATTERN,
  CHANNEL_ID_RULE,
  DEFAULT_SRT_ENCRYPTION,
  IngestProtocol,
  MAX_INPUT_CIDRS,
  SRT_LATENCY_MS,
  SRT_STREAM_ID_PATTERN,
  SrtEncryption,
  ViewerAuth,
} from '../../lambda/shared/contract';

/**
 * Channels one deployment serves. Each channel's resources live in its own nested stack (about
 * 25 resources); the platform stack holds the shared resources (about 155) plus one per channel
 * (the nested stack) and one more per jwt or iam channel (its session route), and CloudFormation
 * allows 500 per stack. The distribution, its function and the functions' configuration no
 * longer grow with channels (the routes and the registry are data). 150 leaves room for shared
 * resources to come; service quotas (MediaLive, MediaPackage) are checked separately and only
 * warn (lib/quotas.ts).
 */
export const MAX_CHANNELS = 150;

const slug = z.string().regex(CHANNEL_ID_PATTERN, `expected a slug: ${CHANNEL_ID_RULE}`);

const ipv4Cidr = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/,
    'expected an IPv4 CIDR such as "203.0.113.0/24"',
  );

export const rendition = z.strictObject({
  /** Output name suffix, e.g. "720p". */
  name: z.string().regex(/^[a-z0-9_-]{1,16}$/, 'expected 1-16 characters a-z 0-9 _ -'),
  width: z.number().int().min(64).max(3840).multipleOf(2),
  height: z.number().int().min(64).max(2160).multipleOf(2),
  /** QVBR maximum bitrate in kbit/s. */
  maxBitrateKbps: z.number().int().min(100).max(20000),
  /** QVBR quality level, 1-10. */
  qvbrQuality: z.number().int().min(1).max(10).optional(),
});

export const ladderPreset = z.enum(['1080p', '720p', '540p']);

/** The SRT-only fields of a channel's input (no default here: an RTMP input must not carry them). */
export const SRT_INPUT_FIELDS = ['minimumLatencyMs', 'encryption', 'streamId'] as const;

export const inputConfig = z
  .strictObject({
    type: z.enum(IngestProtocol),
    allowedCidrs: z.array(ipv4Cidr).min(1).max(MAX_INPUT_CIDRS),
    /** Input resolution class MediaLive bills and provisions for; derived from the ladder when absent. */
    resolution: z.enum(['SD', 'HD', 'UHD']).optional(),
    /** Maximum input bitrate class; derived from the ladder when absent. */
    maximumBitrate: z.enum(['MAX_10_MBPS', 'MAX_20_MBPS', 'MAX_50_MBPS']).optional(),
    /** SRT_LISTENER: MediaLive's receive latency (milliseconds); default SRT_LATENCY_MS.default. */
    minimumLatencyMs: z.number().int().min(SRT_LATENCY_MS.min).max(SRT_LATENCY_MS.max).optional(),
    /** SRT_LISTENER: the AES key length the encoder encrypts with; default AES256. */
    encryption: z.enum(SrtEncryption).optional(),
    /** SRT_LISTENER: a stream id the encoder sends (MediaLive logs it, accepts any). */
    streamId: z
      .string()
      .regex(SRT_STREAM_ID_PATTERN, 'expected 1-512 printable ASCII characters without spaces')
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === IngestProtocol.SRT_LISTENER) return;
    for (const field of SRT_INPUT_FIELDS) {
      if (input[field] === undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `"${field}" is an SRT option but input.type is "${input.type}"; set input.type to "${IngestProtocol.SRT_LISTENER}" or remove "${field}"`,
      });
    }
  });

export const channelConfig = z.strictObject({
  id: slug,
  description: z.string().max(200).default(''),
  channelClass: z.enum(['SINGLE_PIPELINE', 'STANDARD']).default('SINGLE_PIPELINE'),
  input: inputConfig,
  ladder: z
    .union([ladderPreset, z.array(rendition).min(1).max(8)], {
      error: 'expected a preset ("1080p", "720p" or "540p") or a list of 1-8 renditions',
    })
    .default('720p'),
  /**
   * Output frame rate. MediaLive's MediaPackage output group requires a specified frame rate
   * (it cannot follow the source), so set the encoder's frame rate here.
   */
  framerate: z
    .union([z.literal(24), z.literal(25), z.literal(30), z.literal(50), z.literal(60)], {
      error: 'expected one of 24, 25, 30, 50, 60 (frames per second)',
    })
    .default(30),
  latency: z.enum(['standard', 'low']).default('standard'),
  archive: z.boolean().default(true),
  autoStart: z.boolean().default(false),
  /** Who may obtain a playback session (media always needs one): anyone, a JWT holder, or an IAM caller. */
  playback: z
    .strictObject({ auth: z.enum(ViewerAuth).default(ViewerAuth.PUBLIC) })
    .default({ auth: ViewerAuth.PUBLIC }),
  /** Stop the channel after this many minutes RUNNING without input; 0 never stops it. */
  autoStopIdleMinutes: z.number().int().min(0).max(1440).default(30),
  /** Restart failed pipelines automatically (at most once per 15 minutes). */
  autoRestart: z.boolean().default(false),
});

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as "DE"');

export const deliveryConfig = z.strictObject({
  priceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
  geoRestriction: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({ type: z.literal('allow'), countries: z.array(countryCode).min(1) }),
      z.strictObject({ type: z.literal('deny'), countries: z.array(countryCode).min(1) }),
    ])
    .default({ type: 'none' }),
  customDomain: z
    .strictObject({
      domainName: z
        .string()
        .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, 'expected a lower-case DNS name'),
      certificateArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
          'expected an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)',
        ),
    })
    .optional(),
  corsAllowedOrigins: z
    .array(
      z
        .string()
        .refine(
          isCorsOrigin,
          'expected "*" or an https origin such as "https://www.example.com" (scheme, lower-case host and optional port, no path or trailing slash: browsers send exactly that in Origin)',
        ),
    )
    .min(1)
    .default(['*']),
});

/** `*` or an https origin exactly as browsers send it in the Origin header (CORS compares strings). */
function isCorsOrigin(value: string): boolean {
  if (value === '*') return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.origin === value;
  } catch {
    return false;
  }
}

export const packagingConfig = z.strictObject({
  /** How far back viewers (and clips) can seek into a live stream. */
  startoverWindowHours: z.number().int().min(0).max(336).default(24),
});

export const archiveConfig = z.strictObject({
  /** Days before archived objects move to S3 Glacier Instant Retrieval. */
  glacierInstantRetrievalAfterDays: z.number().int().min(1).max(3650).default(30),
  /** Days before archived objects are deleted; never when absent. */
  expireAfterDays: z.number().int().min(1).max(36500).optional(),
  /** Seconds of recording per archive file. */
  rolloverSeconds: z.number().int().min(60).max(3600).default(300),
  /** Keep MediaLive's raw MPEG-TS archive of the top rung (never served): the Lambda-independent master copy. */
  raw: z.boolean().default(true),
});

export const recordingsConfig = z.strictObject({
  /** New recordings are published (viewers may obtain sessions) without an operator's publish. */
  publishByDefault: z.boolean().default(false),
});

export const thumbnailsConfig = z.strictObject({
  /** MediaLive captures a JPEG of every recorded channel at this interval (posters, live thumbnail). */
  enabled: z.boolean().default(true),
  /** Seconds between captured frames. */
  intervalSeconds: z.number().int().min(1).max(3600).default(10),
});

export const playbackConfig = z.strictObject({
  /** Lifetime of a playback session. */
  sessionTtlMinutes: z.number().int().min(5).max(1440).default(120),
  /** Bind sessions to the viewer's source IP. */
  bindSourceIp: z.boolean().default(false),
  /** Bump to rotate the CloudFront signing key. */
  signingKeyVersion: z.number().int().min(1).default(1),
  /** JWT issuer and audience for channels whose playback.auth is "jwt". */
  jwt: z
    .strictObject({
      issuer: z.url({ protocol: /^https$/ }),
      audience: z.array(z.string().min(1)).min(1),
    })
    .optional(),
});

export const streamKeyConfig = z.strictObject({
  /** Rotate every channel's stream key on this schedule (only while the channel is idle); off when absent. */
  rotateEveryDays: z.number().int().min(1).max(365).optional(),
});

/**
 * Health-alarm thresholds. Every alarm evaluates 1-minute periods and fires when
 * `evaluationMinutes` consecutive minutes breach; missing data (an idle channel) never alarms.
 */
export const alarmThresholds = z.strictObject({
  /** Consecutive breaching minutes before an alarm fires. */
  evaluationMinutes: z.number().int().min(1).max(60).default(3),
  /** MediaLive ActiveAlerts (maximum per pipeline) at or above this alarms. */
  activeAlerts: z.number().int().min(1).max(100).default(1),
  /** Seconds of input loss per minute (per pipeline) at or above this alarms. */
  inputLossSecondsPerMinute: z.number().int().min(1).max(60).default(10),
  /** Input video frame rate (average per pipeline) below this alarms. */
  minInputFrameRate: z.number().min(1).max(120).default(15),
  /** Frames MediaLive dropped per minute (per pipeline) at or above this alarms. */
  droppedFramesPerMinute: z.number().int().min(1).max(100000).default(30),
  /** MediaLive output 4xx + 5xx errors per minute (per pipeline) at or above this alarms. */
  outputErrorsPerMinute: z.number().int().min(1).max(100000).default(5),
  /** MediaPackage ingress bytes per minute at or below this, while the channel runs, alarms. */
  ingressBytesPerMinute: z.number().int().min(0).max(1_000_000_000).default(0),
  /** MediaPackage egress 5xx responses per minute at or above this alarms. */
  egress5xxPerMinute: z.number().int().min(1).max(1_000_000).default(10),
  /** CloudFront 5xx error rate (percent of requests) at or above this alarms. */
  cdn5xxErrorRatePercent: z.number().min(0.1).max(100).default(5),
  /** CloudFront origin latency (p90, milliseconds) at or above this alarms. */
  cdnOriginLatencyMs: z.number().int().min(10).max(60000).default(3000),
});

export const alarmsConfig = z.strictObject({
  emails: z.array(z.email()).max(20).default([]),
  /** Also post every notification to a Slack-compatible webhook (URL kept in Secrets Manager). */
  webhook: z.boolean().default(false),
  thresholds: alarmThresholds.default(() => alarmThresholds.parse({})),
});

export const onAirConfig = z
  .strictObject({
    stage: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,15}$/, 'expected 1-16 letters and digits, starting with a letter'),
    channels: z.array(channelConfig).min(1),
    packaging: packagingConfig.default({ startoverWindowHours: 24 }),
    delivery: deliveryConfig.default({
      priceClass: 'PriceClass_100',
      geoRestriction: { type: 'none' },
      corsAllowedOrigins: ['*'],
    }),
    archive: archiveConfig.default({ glacierInstantRetrievalAfterDays: 30, rolloverSeconds: 300, raw: true }),
    recordings: recordingsConfig.default({ publishByDefault: false }),
    thumbnails: thumbnailsConfig.default({ enabled: true, intervalSeconds: 10 }),
    alarms: alarmsConfig.default(() => alarmsConfig.parse({})),
    playback: playbackConfig.default({ sessionTtlMinutes: 120, bindSourceIp: false, signingKeyVersion: 1 }),
    streamKey: streamKeyConfig.default({}),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.channels.forEach((ch, i) => {
      const first = seen.get(ch.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'id'],
          message: `duplicate channel id (also channels[${first}].id); ids must be unique`,
        });
      } else {
        seen.set(ch.id, i);
      }
    });
    if (cfg.channels.length > MAX_CHANNELS) {
      ctx.addIssue({
        code: 'custom',
        path: ['channels'],
        message:
          `${cfg.channels.length} channels exceed what one deployment serves: at most ${MAX_CHANNELS} ` +
          '(the platform stack holds about 155 shared resources plus one per channel, two per jwt or iam channel, ' +
          'and CloudFormation allows 500); split the channels across stages',
      });
    }
    cfg.channels.forEach((ch, i) => {
      if (ch.playback.auth === ViewerAuth.JWT && cfg.playback.jwt === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'playback', 'auth'],
          message:
            'channels with auth "jwt" need playback.jwt (issuer and audience); add it or choose "public" or "iam"',
        });
      }
    });
    if (cfg.packaging.startoverWindowHours < 1 && cfg.channels.some((ch) => ch.archive)) {
      ctx.addIssue({
        code: 'custom',
        path: ['packaging', 'startoverWindowHours'],
        message:
          'recordings are harvested from the startover window: set at least 1 hour, or set archive to false on every channel',
      });
    }
    if (
      cfg.archive.expireAfterDays !== undefined &&
      cfg.archive.expireAfterDays <= cfg.archive.glacierInstantRetrievalAfterDays
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['archive', 'expireAfterDays'],
        message: `must be greater than archive.glacierInstantRetrievalAfterDays (${cfg.archive.glacierInstantRetrievalAfterDays}): recordings move to Glacier Instant Retrieval first`,
      });
    }
  });

export type OnAirConfig = z.infer<typeof onAirConfig>;
export type InputConfig = z.infer<typeof inputConfig>;
export type ChannelConfig = z.infer<typeof channelConfig>;
export type RenditionConfig = z.infer<typeof rendition>;
export type LadderPreset = z.infer<typeof ladderPreset>;
export type DeliveryConfig = z.infer<typeof deliveryConfig>;
export type ArchiveConfig = z.infer<typeof archiveConfig>;
export type RecordingsConfig = z.infer<typeof recordingsConfig>;
export type ThumbnailsConfig = z.infer<typeof thumbnailsConfig>;
export type PlaybackConfig = z.infer<typeof playbackConfig>;
export type AlarmsConfig = z.infer<typeof alarmsConfig>;
export type AlarmThresholds = z.infer<typeof alarmThresholds>;

/** An SRT input's settings with the defaults applied. */
export interface SrtSettings {
  readonly minimumLatencyMs: number;
  readonly encryption: SrtEncryption;
  /** @default - none: the encoder sends no stream id */
  readonly streamId?: string;
}

/** The SRT settings of an SRT_LISTENER input (defaults applied); undefined for an RTMP input. */
export function srtSettingsOf(input: InputConfig): SrtSettings | undefined {
  if (input.type !== IngestProtocol.SRT_LISTENER) return undefined;
  return {
    minimumLatencyMs: input.minimumLatencyMs ?? SRT_LATENCY_MS.default,
    encryption: input.encryption ?? DEFAULT_SRT_ENCRYPTION,
    ...(input.streamId !== undefined ? { streamId: input.streamId } : {}),
  };
}
