import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { type OnAirConfig, srtSettingsOf } from '../config/schema';
import { Archive } from '../constructs/archive/archive';
import { Clips } from '../constructs/archive/clips';
import { Recordings } from '../constructs/archive/recordings';
import { CdnAuthorization } from '../constructs/channel/cdn-authorization';
import { channelRegistryJson } from '../constructs/channel/channel-registry';
import { LiveChannel } from '../constructs/channel/live-channel';
import { PackagingFormat } from '../constructs/channel/packaging';
import { ChannelClass } from '../constructs/channel/transcode';
import { AccessLogs } from '../constructs/core/access-logs';
import { ControlApi } from '../constructs/core/control-api';
import { Delivery } from '../constructs/delivery/delivery';
import { Operations } from '../constructs/operations/operations';
import { Playback, SESSION_PATH, ViewerAuth } from '../constructs/playback/playback';
import { PlaybackOriginSecret } from '../constructs/playback/playback-origin';
import { PLAYER_PATH, Player } from '../constructs/playback/player';
import { PlaybackSigningKeys } from '../constructs/playback/signing-keys';
import { StreamKeys } from '../constructs/stream-keys/stream-keys';
import { resolveLadder } from '../media/ladders';
import type { LatencyMode } from '../media/latency';
import { ChannelOutput, channelOutputId, StackOutput } from './outputs';

/** MediaLive's default per-Region quota of channels, push inputs and input security groups. */
export const MEDIALIVE_DEFAULT_QUOTA = 5;

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
  public readonly signingKeys: PlaybackSigningKeys;
  public readonly playback: Playback;
  /** The static demo player served at /player/. */
  public readonly player: Player;
  /** The header that proves a playback API request came through the distribution. */
  public readonly playbackOrigin: PlaybackOriginSecret;
  /** ONAIR_CHANNELS for control functions (lambda/shared/registry.ts). */
  public readonly channelRegistry: string;
  public readonly streamKeys: StreamKeys;
  /** Alerts, health, channel control, alarms, dashboard. */
  public readonly operations: Operations;
  public readonly clips: Clips;
  /** Undefined when no channel records. */
  public readonly recordings?: Recordings;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const cfg = props.config;

    if (cfg.channels.length > MEDIALIVE_DEFAULT_QUOTA) {
      Annotations.of(this).addWarningV2(
        'onair:medialive-quotas',
        `${cfg.channels.length} channels need as many MediaLive channels, push inputs (RTMP or SRT listener) and input security groups; ` +
          `MediaLive's default quota is ${MEDIALIVE_DEFAULT_QUOTA} of each per account and Region: request increases in Service Quotas before deploying`,
      );
    }
    this.accessLogs = new AccessLogs(this, 'AccessLogs');
    this.archive = new Archive(this, 'Archive', {
      accessLogsBucket: this.accessLogs.bucket,
      glacierInstantRetrievalAfterDays: cfg.archive.glacierInstantRetrievalAfterDays,
      expireAfterDays: cfg.archive.expireAfterDays,
    });
    this.cdnAuthorization = new CdnAuthorization(this, 'CdnAuthorization');

    // Construct ids are a contract: "Channel-<id>" must never change, or CloudFormation
    // replaces the MediaLive channel (and its ingest addresses).
    const channels = cfg.channels.map((ch) => ({
      config: ch,
      channel: new LiveChannel(this, `Channel-${ch.id}`, {
        channelId: ch.id,
        channelClass: ch.channelClass === 'STANDARD' ? ChannelClass.STANDARD : ChannelClass.SINGLE_PIPELINE,
        allowedCidrs: ch.input.allowedCidrs,
        srt: srtSettingsOf(ch.input),
        renditions: resolveLadder(ch.ladder),
        latency: ch.latency as LatencyMode,
        framerate: ch.framerate,
        inputResolution: ch.input.resolution,
        inputMaximumBitrate: ch.input.maximumBitrate,
        cdnAuthorization: this.cdnAuthorization,
        startoverWindowSeconds: cfg.packaging.startoverWindowHours * 3600,
        archive: ch.archive ? this.archive : undefined,
        archiveRolloverSeconds: cfg.archive.rolloverSeconds,
        rawArchive: cfg.archive.raw,
        thumbnailIntervalSeconds: cfg.thumbnails.enabled ? cfg.thumbnails.intervalSeconds : undefined,
        streamKeyRotationScheduled: cfg.streamKey.rotateEveryDays !== undefined,
      }),
    }));
    this.channels = channels.map((c) => c.channel);

    this.controlApi = new ControlApi(this, 'ControlApi');
    const sessionTtl = Duration.minutes(cfg.playback.sessionTtlMinutes);
    this.signingKeys = new PlaybackSigningKeys(this, 'SigningKeys', {
      version: cfg.playback.signingKeyVersion,
      sessionTtl,
    });

    this.player = new Player(this, 'Player', { accessLogsBucket: this.accessLogs.bucket });

    this.playbackOrigin = new PlaybackOriginSecret(this, 'PlaybackOrigin');
    this.delivery = new Delivery(this, 'Delivery', {
      channels: this.channels.map((c) => ({ channelId: c.channelId, packaging: c.packaging })),
      cdnAuthorization: this.cdnAuthorization,
      logBucket: this.accessLogs.bucket,
      priceClass: cfg.delivery.priceClass as cloudfront.PriceClass,
      geoRestriction: cfg.delivery.geoRestriction,
      customDomain: cfg.delivery.customDomain && {
        domainName: cfg.delivery.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'Certificate',
          cfg.delivery.customDomain.certificateArn,
        ),
      },
      corsAllowedOrigins: cfg.delivery.corsAllowedOrigins,
      // Media always needs a signed session, whatever the channel's viewer auth.
      trustedKeyGroups: [this.signingKeys.trustedKeyGroup],
      playbackApiDomainName: this.controlApi.domainName,
      playerBucket: this.player.bucket,
      playbackApiOriginHeaders: this.playbackOrigin.originHeaders(),
      // Sessions bound to an address are IPv4 only (IsIPV6Enabled, CloudFront API reference).
      enableIpv6: !cfg.playback.bindSourceIp,
    });

    this.channelRegistry = channelRegistryJson(this.channels);
    this.streamKeys = new StreamKeys(this, 'StreamKeys', {
      channels: this.channels,
      channelRegistry: this.channelRegistry,
      controlApi: this.controlApi,
      rotateEveryDays: cfg.streamKey.rotateEveryDays,
    });
    this.clips = new Clips(this, 'Clips', {
      channels: this.channels,
      channelRegistry: this.channelRegistry,
      controlApi: this.controlApi,
      archive: this.archive,
      startoverWindowSeconds: cfg.packaging.startoverWindowHours * 3600,
    });
    this.operations = new Operations(this, 'Operations', {
      stage: cfg.stage,
      channels: channels.map(({ config: ch, channel }) => ({
        channel,
        autoStopIdleMinutes: ch.autoStopIdleMinutes,
        autoStart: ch.autoStart,
        autoRestart: ch.autoRestart,
      })),
      channelRegistry: this.channelRegistry,
      controlApi: this.controlApi,
      delivery: this.delivery,
      thresholds: cfg.alarms.thresholds,
      alarmEmails: cfg.alarms.emails,
      webhook: cfg.alarms.webhook,
    });
    const recorded = channels.filter((c) => c.config.archive).map((c) => c.channel);
    if (recorded.length > 0) {
      this.recordings = new Recordings(this, 'Recordings', {
        channels: recorded,
        channelRegistry: this.channelRegistry,
        controlApi: this.controlApi,
        archive: this.archive,
        startoverWindowSeconds: cfg.packaging.startoverWindowHours * 3600,
        publishByDefault: cfg.recordings.publishByDefault,
        thumbnails: cfg.thumbnails.enabled,
        statusTable: this.operations.health.table,
        alarmTopic: this.operations.alertTopic.topic,
      });
    }
    this.playback = new Playback(this, 'Playback', {
      channels: cfg.channels.map((ch) => ({ channelId: ch.id, auth: ch.playback.auth as ViewerAuth })),
      controlApi: this.controlApi,
      signingKeys: this.signingKeys,
      originSecret: this.playbackOrigin.secret,
      domainName: this.delivery.domainName,
      sessionTtl,
      bindSourceIp: cfg.playback.bindSourceIp,
      jwt: cfg.playback.jwt,
    });

    new CfnOutput(this, StackOutput.CONTROL_API_URL, { value: this.controlApi.url });
    new CfnOutput(this, StackOutput.DISTRIBUTION_DOMAIN_NAME, { value: this.delivery.domainName });
    new CfnOutput(this, StackOutput.PLAYBACK_KEY_PAIR_ID, {
      description: 'CloudFront public key id sessions are signed with (aws cloudfront get-public-key --id …)',
      value: this.signingKeys.current.publicKeyId,
    });
    // The page plays channels whose sessions a browser can obtain (public or jwt viewer auth);
    // for an iam channel it explains that a backend must issue the session.
    const shown = cfg.channels.find((c) => c.playback.auth !== ViewerAuth.IAM) ?? cfg.channels[0];
    new CfnOutput(this, StackOutput.PLAYER_URL, {
      description: 'Demo player: open in a browser; ?channel=<id> picks the channel',
      value: `https://${this.delivery.domainName}${PLAYER_PATH}?channel=${shown.id}`,
    });
    new CfnOutput(this, StackOutput.ARCHIVE_BUCKET_NAME, { value: this.archive.bucket.bucketName });
    const webhookSecret = this.operations.health.webhookSecret;
    if (webhookSecret) {
      new CfnOutput(this, StackOutput.WEBHOOK_SECRET_ARN, {
        description:
          'Secret to put the Slack-compatible webhook URL in (aws secretsmanager put-secret-value)',
        value: webhookSecret.secretArn,
      });
    }
    for (const ch of this.channels) {
      new CfnOutput(this, channelOutputId(ChannelOutput.HLS_URL, ch.channelId), {
        description: `HLS playback URL of channel ${ch.channelId}`,
        value: this.delivery.playbackUrl(ch.channelId, PackagingFormat.HLS),
      });
      new CfnOutput(this, channelOutputId(ChannelOutput.MEDIALIVE_CHANNEL_ID, ch.channelId), {
        value: ch.transcode.channel.ref,
      });
      const auth = cfg.channels.find((c) => c.id === ch.channelId)?.playback.auth;
      new CfnOutput(this, channelOutputId(ChannelOutput.PLAYBACK_SESSION_URL, ch.channelId), {
        description: `POST here for a playback session of channel ${ch.channelId} (${auth} viewer auth)`,
        value:
          auth === ViewerAuth.IAM
            ? `${this.controlApi.url}${SESSION_PATH(ch.channelId)}`
            : `https://${this.delivery.domainName}/api${SESSION_PATH(ch.channelId)}`,
      });
    }
  }
}
