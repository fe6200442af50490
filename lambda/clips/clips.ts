import { randomBytes } from 'node:crypto';
import {
  CreateHarvestJobCommand,
  DescribeHarvestJobCommand,
  type HarvestJob,
  type MediaPackageClient,
} from '@aws-sdk/client-mediapackage';
import { CLIPS_PREFIX } from '../shared/contract';
import { BadRequest, Conflict, NotFound } from '../shared/errors';
import { originEndpointId } from '../shared/manifests';
import type { ChannelEntry } from '../shared/registry';
import * as z from '../shared/zod';

/** MediaPackage v1 harvests at most 24 hours per live-to-VOD asset (user guide, "Live-to-VOD requirements"). */
export const MAX_CLIP_SECONDS = 24 * 3600;

export interface ClipsConfig {
  readonly bucket: string;
  /** Role MediaPackage assumes to write the clip (S3Destination.RoleArn). */
  readonly roleArn: string;
  /** The endpoints' startover window: how far back a clip may start. */
  readonly startoverSeconds: number;
}

export interface ClipsDeps {
  readonly mediapackage: MediaPackageClient;
  readonly config: ClipsConfig;
  readonly now: () => Date;
}

/** POST body: the time range to cut, ISO 8601 with an offset ("2026-12-01T18:00:00Z"). */
export const clipRequest = z.strictObject({
  start: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as "2026-12-01T18:00:00Z"' }),
  end: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as "2026-12-01T18:05:00Z"' }),
});
export type ClipRequest = z.infer<typeof clipRequest>;

/** Path of GET /channels/{id}/clips/{clipId}. */
export const clipIdSchema = z
  .string()
  .check(z.regex(/^[a-z0-9-]{1,80}$/, 'expected a clip id as POST …/clips returned it'));

export interface ClipView {
  readonly clipId: string;
  readonly channelId: string;
  /** IN_PROGRESS, SUCCEEDED or FAILED. */
  readonly status: string;
  readonly start: string;
  readonly end: string;
  /** The harvested top-level manifest in the archive bucket. */
  readonly manifest: string;
  readonly createdAt?: string;
}

function compact(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
    .toLowerCase();
}

/**
 * The range to harvest: in the past, at most 24 hours long, inside the startover window.
 * Every refusal names the rule and the values.
 */
export function clipRange(req: ClipRequest, now: Date, startoverSeconds: number): { start: Date; end: Date } {
  if (startoverSeconds <= 0) {
    throw new Conflict(
      'clips need a startover window: set packaging.startoverWindowHours above 0 and deploy',
    );
  }
  const start = new Date(req.start);
  const end = new Date(req.end);
  if (end <= start) throw new BadRequest(`end (${req.end}) must be after start (${req.start})`);
  if (end > now) throw new BadRequest(`end (${req.end}) is in the future; clips cut recorded time only`);
  const seconds = (end.getTime() - start.getTime()) / 1000;
  if (seconds > MAX_CLIP_SECONDS)
    throw new BadRequest(
      `a clip is at most 24 hours long; ${req.start} to ${req.end} is ${Math.round(seconds)} s`,
    );
  const earliest = new Date(now.getTime() - startoverSeconds * 1000);
  if (start < earliest) {
    throw new BadRequest(
      `start (${req.start}) is outside the startover window: clips can start at ${earliest.toISOString()} at the earliest`,
    );
  }
  return { start, end };
}

function view(channelId: string, bucket: string, job: HarvestJob): ClipView {
  return {
    clipId: job.Id ?? '',
    channelId,
    status: job.Status ?? 'UNKNOWN',
    start: job.StartTime ?? '',
    end: job.EndTime ?? '',
    manifest: `s3://${job.S3Destination?.BucketName ?? bucket}/${job.S3Destination?.ManifestKey ?? ''}`,
    createdAt: job.CreatedAt,
  };
}

/**
 * Starts a MediaPackage harvest job that cuts `req` out of the channel's HLS endpoint into the
 * archive bucket. The live stream is not touched: harvesting reads the startover window.
 */
export async function createClip(
  deps: ClipsDeps,
  channelId: string,
  entry: ChannelEntry,
  req: ClipRequest,
): Promise<ClipView> {
  const { start, end } = clipRange(req, deps.now(), deps.config.startoverSeconds);
  const clipId = `${channelId}-${compact(start)}-${randomBytes(3).toString('hex')}`;
  const out = await deps.mediapackage.send(
    new CreateHarvestJobCommand({
      Id: clipId,
      OriginEndpointId: originEndpointId(entry.mp, 'hls'),
      StartTime: start.toISOString(),
      EndTime: end.toISOString(),
      S3Destination: {
        BucketName: deps.config.bucket,
        ManifestKey: `${CLIPS_PREFIX}${channelId}/${clipId}/index.m3u8`,
        RoleArn: deps.config.roleArn,
      },
    }),
  );
  return view(channelId, deps.config.bucket, out);
}

/** A clip's harvest job; one of another channel (or none) is 404. */
export async function describeClip(
  deps: ClipsDeps,
  channelId: string,
  entry: ChannelEntry,
  clipId: string,
): Promise<ClipView> {
  const job = await deps.mediapackage
    .send(new DescribeHarvestJobCommand({ Id: clipId }))
    .catch((err: unknown) => {
      if ((err as Error)?.name === 'NotFoundException')
        throw new NotFound(`no clip "${clipId}" on channel "${channelId}"`, { channelId, clipId });
      throw err;
    });
  if (job.ChannelId !== entry.mp)
    throw new NotFound(`no clip "${clipId}" on channel "${channelId}"`, { channelId, clipId });
  return view(channelId, deps.config.bucket, job);
}
