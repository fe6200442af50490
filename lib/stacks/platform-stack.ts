import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import type { OnAirConfig } from '../config/schema';
import { AccessLogs } from '../constructs/access-logs';
import { Archive } from '../constructs/archive';
import { CdnAuthorization } from '../constructs/cdn-authorization';
import { channelRegistryJson } from '../constructs/channel-registry';
import { ControlApi } from '../constructs/control-api';
import { Delivery } from '../constructs/delivery';
import { LiveChannel } from '../constructs/live-channel';
import { Operations } from '../constructs/operations';
import { PackagingFormat } from '../constructs/packaging';
import { StreamKeys } from '../constructs/stream-keys';

/** Props for {@link PlatformStack}. */
export interface PlatformStackProps extends StackProps {
  /** The validated deployment config. */
  readonly config: OnAirConfig;
}

/** The regional platform: every channel's pipeline, the archive and the CDN. */
export class PlatformStack extends Stack {
  public readonly accessLogs: AccessLogs;
  public readonly archive: Archive;
  public readonly cdnAuthorization: CdnAuthorization;
  public readonly channels: readonly LiveChannel[];
  public readonly delivery: Delivery;
  public readonly controlApi: ControlApi;
  /** ONAIR_CHANNELS for control functions (lambda/shared/registry.ts). */
  public readonly channelRegistry: string;
  public readonly streamKeys: StreamKeys;
  /** Alerts, health, channel control, alarms, dashboard. */
  public readonly operations: Operations;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const cfg = props.config;

    this.accessLogs = new AccessLogs(this, 'AccessLogs');
    this.archive = new Archive(this, 'Archive', {
      accessLogsBucket: this.accessLogs.bucket,
      glacierInstantRetrievalAfterDays: cfg.archive.glacierInstantRetrievalAfterDays,
      expireAfterDays: cfg.archive.expireAfterDays,
    });
    this.cdnAuthorization = new CdnAuthorization(this, 'CdnAuthorization');

    // Construct ids are a contract: "Channel-<id>" must never change, or CloudFormation
    // replaces the MediaLive channel (and its ingest addresses).
    this.channels = cfg.channels.map(
      (ch) =>
        new LiveChannel(this, `Channel-${ch.id}`, {
          config: ch,
          cdnAuthorization: this.cdnAuthorization,
          startoverWindowSeconds: cfg.packaging.startoverWindowHours * 3600,
          archive: this.archive,
          archiveRolloverSeconds: cfg.archive.rolloverSeconds,
          streamKeyRotationScheduled: cfg.streamKey.rotateEveryDays !== undefined,
        }),
    );

    this.delivery = new Delivery(this, 'Delivery', {
      channels: this.channels.map((c) => ({ channelId: c.channelId, packaging: c.packaging })),
      cdnAuthorization: this.cdnAuthorization,
      logBucket: this.accessLogs.bucket,
      priceClass: cfg.delivery.priceClass as cloudfront.PriceClass,
      geoRestriction: cfg.delivery.geoRestriction,
      customDomain: cfg.delivery.customDomain,
      corsAllowedOrigins: cfg.delivery.corsAllowedOrigins,
    });

    this.channelRegistry = channelRegistryJson(this.channels);
    this.controlApi = new ControlApi(this, 'ControlApi');
    this.streamKeys = new StreamKeys(this, 'StreamKeys', {
      channels: this.channels,
      channelRegistry: this.channelRegistry,
      controlApi: this.controlApi,
      rotateEveryDays: cfg.streamKey.rotateEveryDays,
    });
    this.operations = new Operations(this, 'Operations', {
      config: cfg,
      channels: this.channels,
      channelRegistry: this.channelRegistry,
      controlApi: this.controlApi,
      delivery: this.delivery,
    });

    new CfnOutput(this, 'ControlApiUrl', { value: this.controlApi.url });
    new CfnOutput(this, 'DistributionDomainName', { value: this.delivery.domainName });
    new CfnOutput(this, 'ArchiveBucketName', { value: this.archive.bucket.bucketName });
    for (const ch of this.channels) {
      new CfnOutput(this, `HlsUrl-${ch.channelId}`, {
        description: `HLS playback URL of channel ${ch.channelId}`,
        value: this.delivery.playbackUrl(ch.channelId, PackagingFormat.HLS),
      });
      new CfnOutput(this, `MediaLiveChannelId-${ch.channelId}`, { value: ch.transcode.channel.ref });
    }
  }
}
