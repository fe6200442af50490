import { CfnOutput, type CustomResource, NestedStack } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { type AlarmThresholds, type ChannelConfig, srtSettingsOf } from '../config/schema';
import type { Archive } from '../constructs/archive/archive';
import type { CdnAuthorization } from '../constructs/channel/cdn-authorization';
import type { ChannelRegistry } from '../constructs/channel/channel-registry';
import { LiveChannel } from '../constructs/channel/live-channel';
import { ChannelClass } from '../constructs/channel/transcode';
import { ChannelAlarms } from '../constructs/operations/alarms';
import type { ChannelControl, ChannelLifecycle } from '../constructs/operations/channel-control';
import type { ViewerAuth } from '../constructs/playback/playback';
import type { StreamKeys } from '../constructs/stream-keys/stream-keys';
import { resolveLadder } from '../media/ladders';
import { LATENCY_PROFILES, type LatencyMode } from '../media/latency';

/** Props for {@link ChannelStack}. */
export interface ChannelStackProps {
  /** The channel's validated config entry. */
  readonly config: ChannelConfig;
  /**
   * The deployment's (root) stack name. Inside this nested stack `Stack.of(this).stackName` is a
   * generated name (`<root>-<id>NestedStack…-<random>`), so MediaLive and MediaPackage names, the
   * deployment tag and the ids functions derive use this instead.
   */
  readonly deploymentName: string;
  /** The shared input security group allowing the channel's CIDRs. */
  readonly inputSecurityGroupId: string;
  readonly cdnAuthorization: CdnAuthorization;
  /** Seconds viewers can reach back into the stream. */
  readonly startoverWindowSeconds: number;
  readonly archive: Archive;
  /** Seconds per archive file. */
  readonly archiveRolloverSeconds: number;
  /** MediaLive records the raw MPEG-TS archive (config archive.raw). */
  readonly rawArchive: boolean;
  /**
   * Seconds between frame captures into `thumbnails/<channel>/` (config thumbnails).
   * @default - no frame capture
   */
  readonly thumbnailIntervalSeconds?: number;
  /** Writes the channel's routes and registry entry (provider in the parent stack). */
  readonly registry: ChannelRegistry;
  /** Safe delete and auto-start (provider in the parent stack). */
  readonly control: ChannelControl;
  /** Scheduled stream-key rotation, when configured (function in the parent stack). */
  readonly streamKeys: StreamKeys;
  /** Where the channel's alarms notify, and their thresholds. */
  readonly alarms: { readonly topic: sns.ITopic; readonly thresholds: AlarmThresholds };
}

/**
 * One channel's resources in their own nested stack: ingest, MediaLive, MediaPackage, alarms,
 * safe delete (and auto-start), the scheduled key rotation, and the registration that puts the
 * channel into the route table and the registry. Everything shared (functions, providers, roles,
 * API, distribution, tables) stays in the parent and reaches the channel by parameter, so a
 * deployment of a hundred channels keeps every stack well inside CloudFormation's limits (500
 * resources, 200 parameters, 200 outputs per template) and the parent grows by one resource per
 * channel.
 */
export class ChannelStack extends NestedStack {
  public readonly channel: LiveChannel;
  public readonly lifecycle: ChannelLifecycle;
  public readonly registration: CustomResource;
  public readonly alarms: ChannelAlarms;

  constructor(scope: Construct, id: string, props: ChannelStackProps) {
    super(scope, id, {
      description: `OnAir ${props.deploymentName} channel ${props.config.id}: ingest, transcode, package, alarms`,
    });
    const cfg = props.config;
    this.channel = new LiveChannel(this, 'Channel', {
      channelId: cfg.id,
      deploymentName: props.deploymentName,
      channelClass: cfg.channelClass === 'STANDARD' ? ChannelClass.STANDARD : ChannelClass.SINGLE_PIPELINE,
      inputSecurityGroupId: props.inputSecurityGroupId,
      srt: srtSettingsOf(cfg.input),
      renditions: resolveLadder(cfg.ladder),
      latency: cfg.latency as LatencyMode,
      framerate: cfg.framerate,
      inputResolution: cfg.input.resolution,
      inputMaximumBitrate: cfg.input.maximumBitrate,
      cdnAuthorization: props.cdnAuthorization,
      startoverWindowSeconds: props.startoverWindowSeconds,
      archive: cfg.archive ? props.archive : undefined,
      archiveRolloverSeconds: props.archiveRolloverSeconds,
      rawArchive: props.rawArchive,
      thumbnailIntervalSeconds: props.thumbnailIntervalSeconds,
      streamKeyRotationScheduled: props.streamKeys.rotationFunction !== undefined,
      capabilities: {
        autoStart: cfg.autoStart,
        autoStop: cfg.autoStopIdleMinutes > 0,
        autoRestart: cfg.autoRestart,
      },
    });
    this.lifecycle = props.control.addLifecycle(this, this.channel, { autoStart: cfg.autoStart });
    this.registration = props.registry.register(this, 'Registration', this.channel, {
      auth: cfg.playback.auth as ViewerAuth,
      idleMinutes: cfg.autoStopIdleMinutes,
      autoRestart: cfg.autoRestart,
      record: cfg.archive,
      ladder: resolveLadder(cfg.ladder).map((r) => ({
        name: r.name,
        width: r.width,
        height: r.height,
        maxBitrateKbps: r.maxBitrateKbps,
        framerate: cfg.framerate,
        gopSeconds: LATENCY_PROFILES[cfg.latency as LatencyMode].gopSeconds,
      })),
    });
    this.alarms = new ChannelAlarms(this, 'Alarms', {
      channelId: cfg.id,
      transcode: this.channel.transcode,
      packaging: this.channel.packaging,
      thresholds: props.alarms.thresholds,
      topic: props.alarms.topic,
    });
    props.streamKeys.addRotationSchedule(this, 'StreamKeyRotation', this.channel.ingest.credential);

    // In the nested stack's outputs (the console shows them); the deployment-wide list with URLs
    // is GET /channels on the control API, read from the registry.
    new CfnOutput(this, 'MediaLiveChannelId', { value: this.channel.transcode.channel.ref });
    new CfnOutput(this, 'MediaLiveInputId', { value: this.channel.ingest.input.ref });
    for (const [format, attr] of [
      ['Hls', 'HlsPath'],
      ['Dash', 'DashPath'],
      ['Cmaf', 'CmafPath'],
    ] as const) {
      new CfnOutput(this, `${format}ManifestPath`, {
        description: `${format.toUpperCase()} manifest path on the distribution (needs a signed session)`,
        value: this.registration.getAttString(attr),
      });
    }
  }
}
