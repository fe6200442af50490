import type { Channel } from '@aws-sdk/client-medialive';
import { THUMBNAIL_NAME_MODIFIER } from '../shared/contract';

/** The frame MediaLive captured most recently for a live channel, as an S3 location. */
export interface ThumbnailView {
  readonly bucket: string;
  readonly key: string;
  readonly capturedEverySeconds: number;
}

/**
 * The current thumbnail of a running channel, derived without listing S3: the channel's frame
 * capture destination and interval (DescribeChannel) and the time it went live. MediaLive numbers
 * the JPEGs of a start from 00001, one per interval, so the frame written one interval ago is
 * `<destination>_thumb.<n>.jpg` with n the whole intervals elapsed (the one before, to be sure
 * it is written). Undefined without frame capture, before the first frames, or past the
 * 5-digit counter.
 */
export function currentThumbnail(
  ch: Channel,
  liveSince: string | undefined,
  now: Date,
): ThumbnailView | undefined {
  if (liveSince === undefined) return undefined;
  const interval = ch.EncoderSettings?.VideoDescriptions?.find((v) => v.CodecSettings?.FrameCaptureSettings)
    ?.CodecSettings?.FrameCaptureSettings?.CaptureInterval;
  const url = ch.Destinations?.find((d) => d.Id === 'thumbnails')?.Settings?.[0]?.Url;
  const m = url === undefined ? null : /^s3(?:ssl)?:\/\/([^/]+)\/(.+)$/.exec(url);
  if (interval === undefined || interval <= 0 || m === null) return undefined;
  const n = Math.floor((now.getTime() - Date.parse(liveSince)) / 1000 / interval) - 1;
  if (!(n >= 1 && n <= 99_999)) return undefined;
  return {
    bucket: m[1],
    key: `${m[2]}${THUMBNAIL_NAME_MODIFIER}.${String(n).padStart(5, '0')}.jpg`,
    capturedEverySeconds: interval,
  };
}
