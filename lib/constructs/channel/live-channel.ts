import { Construct } from 'constructs';
import type { Rendition } from '../../media/ladders';
import type { LatencyMode } from '../../media/latency';
import type { Archive } from '../archive/archive';
import type { CdnAuthorization } from './cdn-authorization';
import { Ingest, PipelineCount, type SrtListenerOptions } from './ingest';
import { Packaging } from './packaging';
import { type ChannelCapabilities, ChannelClass, Transcode } from './transcode';

/** Props for {@link LiveChannel}. */
export interface LiveChannelProps {
  /** Channel id (slug): the RTMP application name, and part of every resource name. */
  readonly channelId: string;
  /**
   * The deployment's (root) stack name: MediaLive and MediaPackage names and the deployment tag.
   * Explicit because the channel lives in its own nested stack, where `Stack.of(this).stackName`
   * is the nested stack's generated name.
   */
  readonly deploymentName: string;
  /** STANDARD runs two pipelines (two RTMP endpoints), SINGLE_PIPELINE one. */
  readonly channelClass: ChannelClass;
  /** The input security group allowing the channel's CIDRs (shared by channels with equal lists). */
  readonly inputSecurityGroupId: string;
  /**
   * An SRT listener input instead of RTMP push.
   * @default - RTMP push with a stream key
   */
  readonly srt?: SrtListenerOptions;
  /** ABR ladder, highest rung first. */
  readonly renditions: readonly Rendition[];
  readonly latency: LatencyMode;
  /**
   * Output frame rate.
   * @default - 30
   */
  readonly framerate?: number;
  /**
   * Input resolution class.
   * @default - the smallest class that carries the top rung
   */
  readonly inputResolution?: 'SD' | 'HD' | 'UHD';
  /**
   * Input bitrate class.
   * @default - room for a contribution stream of twice the top rung's ceiling
   */
  readonly inputMaximumBitrate?: 'MAX_10_MBPS' | 'MAX_20_MBPS' | 'MAX_50_MBPS';
  readonly cdnAuthorization: CdnAuthorization;
  /** Seconds viewers can reach back into the stream. */
  readonly startoverWindowSeconds: number;
  /**
   * Archive bucket the channel records to.
   * @default - not recorded
   */
  readonly archive?: Archive;
  /**
   * Seconds per archive file.
   * @default - 300
   */
  readonly archiveRolloverSeconds?: number;
  /**
   * MediaLive records the raw MPEG-TS archive of the top rung into `archive` (needs `archive`).
   * @default - true
   */
  readonly rawArchive?: boolean;
  /**
   * Seconds between frame captures written to the archive bucket's `thumbnails/<channel>/`
   * (needs `archive`).
   * @default - no frame capture
   */
  readonly thumbnailIntervalSeconds?: number;
  /**
   * The ingest credential (stream key or SRT passphrase) gets a Secrets Manager rotation schedule.
   * @default - false
   */
  readonly streamKeyRotationScheduled?: boolean;
  /**
   * What the control plane may do to the channel beyond describing it and stopping it before a
   * delete (capability tags on the MediaLive channel).
   * @default - none
   */
  readonly capabilities?: ChannelCapabilities;
}

/** One live channel end to end: RTMP or SRT ingest → MediaLive → MediaPackage. */
export class LiveChannel extends Construct {
  public readonly channelId: string;
  public readonly ingest: Ingest;
  public readonly transcode: Transcode;
  public readonly packaging: Packaging;

  constructor(scope: Construct, id: string, props: LiveChannelProps) {
    super(scope, id);
    this.channelId = props.channelId;

    this.ingest = new Ingest(this, 'Ingest', {
      channelId: props.channelId,
      deploymentName: props.deploymentName,
      securityGroupId: props.inputSecurityGroupId,
      srt: props.srt,
      pipelines: props.channelClass === ChannelClass.STANDARD ? PipelineCount.STANDARD : PipelineCount.SINGLE,
      rotationScheduled: props.streamKeyRotationScheduled,
    });
    this.packaging = new Packaging(this, 'Packaging', {
      channelId: props.channelId,
      deploymentName: props.deploymentName,
      latency: props.latency,
      startoverWindowSeconds: props.startoverWindowSeconds,
      cdnAuthorization: props.cdnAuthorization,
    });
    this.transcode = new Transcode(this, 'Transcode', {
      channelId: props.channelId,
      deploymentName: props.deploymentName,
      capabilities: props.capabilities,
      channelClass: props.channelClass,
      renditions: props.renditions,
      latency: props.latency,
      framerate: props.framerate,
      inputResolution: props.inputResolution,
      inputMaximumBitrate: props.inputMaximumBitrate,
      ingest: this.ingest,
      packaging: this.packaging,
      archive: props.archive,
      archiveRolloverSeconds: props.archiveRolloverSeconds,
      rawArchive: props.rawArchive,
      thumbnailIntervalSeconds: props.thumbnailIntervalSeconds,
    });
  }
}
