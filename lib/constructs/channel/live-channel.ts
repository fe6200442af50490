import { Construct } from 'constructs';
import type { ChannelConfig } from '../../config/schema';
import { resolveLadder } from '../../media/ladders';
import type { LatencyMode } from '../../media/latency';
import type { Archive } from '../archive/archive';
import type { CdnAuthorization } from './cdn-authorization';
import { Ingest, PipelineCount } from './ingest';
import { Packaging } from './packaging';
import { ChannelClass, Transcode } from './transcode';

/** Props for {@link LiveChannel}. */
export interface LiveChannelProps {
  /** The channel's validated config entry. */
  readonly config: ChannelConfig;
  readonly cdnAuthorization: CdnAuthorization;
  /** Seconds viewers can reach back into the stream. */
  readonly startoverWindowSeconds: number;
  /**
   * Archive bucket; the channel records only when its config says `archive: true`.
   * @default - not recorded
   */
  readonly archive?: Archive;
  /**
   * Seconds per archive file.
   * @default - 300
   */
  readonly archiveRolloverSeconds?: number;
  /**
   * The stream key gets a Secrets Manager rotation schedule.
   * @default - false
   */
  readonly streamKeyRotationScheduled?: boolean;
}

/** One live channel end to end: RTMP ingest → MediaLive → MediaPackage. */
export class LiveChannel extends Construct {
  public readonly channelId: string;
  public readonly ingest: Ingest;
  public readonly transcode: Transcode;
  public readonly packaging: Packaging;

  constructor(scope: Construct, id: string, props: LiveChannelProps) {
    super(scope, id);
    const cfg = props.config;
    this.channelId = cfg.id;
    const channelClass =
      cfg.channelClass === 'STANDARD' ? ChannelClass.STANDARD : ChannelClass.SINGLE_PIPELINE;

    this.ingest = new Ingest(this, 'Ingest', {
      channelId: cfg.id,
      allowedCidrs: cfg.input.allowedCidrs,
      pipelines: channelClass === ChannelClass.STANDARD ? PipelineCount.STANDARD : PipelineCount.SINGLE,
      rotationScheduled: props.streamKeyRotationScheduled,
    });
    this.packaging = new Packaging(this, 'Packaging', {
      channelId: cfg.id,
      latency: cfg.latency as LatencyMode,
      startoverWindowSeconds: props.startoverWindowSeconds,
      cdnAuthorization: props.cdnAuthorization,
    });
    this.transcode = new Transcode(this, 'Transcode', {
      channelId: cfg.id,
      channelClass,
      renditions: resolveLadder(cfg.ladder),
      latency: cfg.latency as LatencyMode,
      framerate: cfg.framerate,
      inputResolution: cfg.input.resolution,
      inputMaximumBitrate: cfg.input.maximumBitrate,
      ingest: this.ingest,
      packaging: this.packaging,
      archive: cfg.archive ? props.archive : undefined,
      archiveRolloverSeconds: props.archiveRolloverSeconds,
    });
  }
}
