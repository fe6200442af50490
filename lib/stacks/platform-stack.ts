import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import type { OnAirConfig } from '../config/schema';
import { Archive } from '../constructs/archive/archive';
import { Clips } from '../constructs/archive/clips';
import { Recordings } from '../constructs/archive/recordings';
import { CdnAuthorization } from '../constructs/channel/cdn-authorization';
import { ChannelRegistry } from '../constructs/channel/channel-registry';
import { InputSecurityGroups } from '../constructs/channel/input-security-groups';
import { AccessLogs } from '../constructs/core/access-logs';
import { ControlApi } from '../constructs/core/control-api';
import { Delivery } from '../constructs/delivery/delivery';
import { DASHBOARD_CHANNEL_ROWS } from '../constructs/operations/dashboard';
import { Operations } from '../constructs/operations/operations';
import { Playback, ViewerAuth } from '../constructs/playback/playback';
import { PlaybackOriginSecret } from '../constructs/playback/playback-origin';
import { PLAYER_PATH, Player } from '../constructs/playback/player';
import { PlaybackSigningKeys } from '../constructs/playback/signing-keys';
import { StreamKeys } from '../constructs/stream-keys/stream-keys';
import { ChannelStack } from './channel-stack';
import { StackOutput } from './outputs';

/** Props for {@link PlatformStack}. */
export interface PlatformStackProps extends StackProps {
  /** The validated deployment config. */
  readonly config: OnAirConfig;
}

/**
 * The regional platform. Shared resources (functions, providers, roles, the control API, the
 * distribution and its route table, the registry and status tables, buckets, input security
 * groups) live here; each channel's resources live in its own nested stack ({@link ChannelStack}),
 * which adds one resource (the nested stack) to this template.
 */
export class PlatformStack extends Stack {
  public readonly accessLogs: AccessLogs;
  public readonly archive: Archive;
  public readonly cdnAuthorization: CdnAuthorization;
  /** One nested stack per channel, in config order. */
  public readonly channelStacks: readonly ChannelStack[];
  public readonly delivery: Delivery;
  public readonly controlApi: ControlApi;
  public readonly signingKeys: PlaybackSigningKeys;
  public readonly playback: Playback;
  /** The static demo player served at /player/. */
  public readonly player: Player;
  /** The header that proves a playback API request came through the distribution. */
  public readonly playbackOrigin: PlaybackOriginSecret;
  /** The channel registry table and the registration provider every channel stack uses. */
  public readonly registry: ChannelRegistry;
  /** Input security groups, one per distinct list of allowed CIDRs. */
  public readonly inputSecurityGroups: InputSecurityGroups;
  public readonly streamKeys: StreamKeys;
  /** Alerts, health, channel control, dashboard. */
  public readonly operations: Operations;
  public readonly clips: Clips;
  /** Undefined when no channel records. */
  public readonly recordings?: Recordings;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const cfg = props.config;
    // The deployment's name: MediaLive and MediaPackage names and the deployment tag. Channel
    // stacks are nested, where Stack.of(…).stackName is not this.
    const deploymentName = this.stackName;

    this.accessLogs = new AccessLogs(this, 'AccessLogs');
    this.archive = new Archive(this, 'Archive', {
      accessLogsBucket: this.accessLogs.bucket,
      glacierInstantRetrievalAfterDays: cfg.archive.glacierInstantRetrievalAfterDays,
      expireAfterDays: cfg.archive.expireAfterDays,
    });
    this.cdnAuthorization = new CdnAuthorization(this, 'CdnAuthorization');

    this.controlApi = new ControlApi(this, 'ControlApi');
    const sessionTtl = Duration.minutes(cfg.playback.sessionTtlMinutes);
    this.signingKeys = new PlaybackSigningKeys(this, 'SigningKeys', {
      version: cfg.playback.signingKeyVersion,
      sessionTtl,
    });

    this.player = new Player(this, 'Player', { accessLogsBucket: this.accessLogs.bucket });

    this.playbackOrigin = new PlaybackOriginSecret(this, 'PlaybackOrigin');
    this.delivery = new Delivery(this, 'Delivery', {
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
      archiveBucket: this.archive.bucket,
      playbackApiOriginHeaders: this.playbackOrigin.originHeaders(),
      // Sessions bound to an address are IPv4 only (IsIPV6Enabled, CloudFront API reference).
      enableIpv6: !cfg.playback.bindSourceIp,
    });

    this.registry = new ChannelRegistry(this, 'ChannelRegistry', { delivery: this.delivery, deploymentName });
    this.inputSecurityGroups = new InputSecurityGroups(this, 'InputSecurityGroups', { deploymentName });
    const securityGroups = new Map(
      cfg.channels.map((ch) => [
        ch.id,
        this.inputSecurityGroups.forCidrs(ch.id, ch.input.allowedCidrs, ch.input.type),
      ]),
    );

    this.streamKeys = new StreamKeys(this, 'StreamKeys', {
      deploymentName,
      registry: this.registry,
      controlApi: this.controlApi,
      rotateEveryDays: cfg.streamKey.rotateEveryDays,
    });
    this.clips = new Clips(this, 'Clips', {
      deploymentName,
      registry: this.registry,
      controlApi: this.controlApi,
      archive: this.archive,
      startoverWindowSeconds: cfg.packaging.startoverWindowHours * 3600,
    });
    this.operations = new Operations(this, 'Operations', {
      stage: cfg.stage,
      deploymentName,
      registry: this.registry,
      controlApi: this.controlApi,
      delivery: this.delivery,
      anyAutoStop: cfg.channels.some((c) => c.autoStopIdleMinutes > 0),
      anyAutoStart: cfg.channels.some((c) => c.autoStart),
      anyAutoRestart: cfg.channels.some((c) => c.autoRestart),
      alarmEmails: cfg.alarms.emails,
      webhook: cfg.alarms.webhook,
    });
    if (cfg.channels.some((ch) => ch.archive)) {
      this.recordings = new Recordings(this, 'Recordings', {
        deploymentName,
        registry: this.registry,
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
      registry: this.registry,
      controlApi: this.controlApi,
      signingKeys: this.signingKeys,
      originSecret: this.playbackOrigin.secret,
      domainName: this.delivery.domainName,
      sessionTtl,
      bindSourceIp: cfg.playback.bindSourceIp,
      jwt: cfg.playback.jwt,
      recordings: this.recordings,
    });

    // Construct ids are a contract: "Channel-<id>" must never change, or CloudFormation
    // replaces the channel's stack (its MediaLive channel, ingest addresses, endpoint ids).
    this.channelStacks = cfg.channels.map(
      (ch) =>
        new ChannelStack(this, `Channel-${ch.id}`, {
          config: ch,
          deploymentName,
          inputSecurityGroupId: (securityGroups.get(ch.id) as { ref: string }).ref,
          cdnAuthorization: this.cdnAuthorization,
          startoverWindowSeconds: cfg.packaging.startoverWindowHours * 3600,
          archive: this.archive,
          archiveRolloverSeconds: cfg.archive.rolloverSeconds,
          rawArchive: cfg.archive.raw,
          thumbnailIntervalSeconds: cfg.thumbnails.enabled ? cfg.thumbnails.intervalSeconds : undefined,
          registry: this.registry,
          control: this.operations.control,
          streamKeys: this.streamKeys,
          alarms: { topic: this.operations.alertTopic.topic, thresholds: cfg.alarms.thresholds },
        }),
    );
    this.operations.addDashboard(
      this.channelStacks.slice(0, DASHBOARD_CHANNEL_ROWS).map((s) => s.channel),
      this.channelStacks.length,
    );

    new CfnOutput(this, StackOutput.CONTROL_API_URL, { value: this.controlApi.url });
    new CfnOutput(this, StackOutput.CHANNELS_URL, {
      description: 'GET (SigV4, operator IAM) lists every channel with its session and manifest URLs',
      value: `${this.controlApi.url}/channels`,
    });
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
  }
}
