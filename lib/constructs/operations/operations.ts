import { Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AlarmThresholds } from '../../config/schema';
import type { ControlApi } from '../core/control-api';
import type { Delivery } from '../delivery/delivery';
import { EdgeParameters, edgeTopicArn } from '../delivery/edge-parameters';
import { ChannelAlarms } from './alarms';
import { AlertTopic } from './alert-topic';
import { ChannelControl, type ControlledChannel } from './channel-control';
import { OperationsDashboard } from './dashboard';
import { Health } from './health';

/** A channel and how operations treat it. */
export interface OperatedChannel extends ControlledChannel {
  /** Restart a failed pipeline automatically (at most once per 15 minutes). */
  readonly autoRestart: boolean;
}

/** Props for {@link Operations}. */
export interface OperationsProps {
  /** Deployment stage: named in notifications and in the us-east-1 parameter and topic names. */
  readonly stage: string;
  readonly channels: readonly OperatedChannel[];
  /** ONAIR_CHANNELS (lib/constructs/channel/channel-registry.ts). */
  readonly channelRegistry: string;
  readonly controlApi: ControlApi;
  /** The distribution: its domain for playback URLs, its id and metrics for the CDN row and alarms. */
  readonly delivery: Delivery;
  readonly thresholds: AlarmThresholds;
  /**
   * Addresses subscribed to the alert topic by email.
   * @default - no email subscriptions
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Also post notifications to a Slack-compatible webhook (its URL kept in Secrets Manager).
   * @default - false
   */
  readonly webhook?: boolean;
}

/**
 * Everything an on-call engineer uses: the alert topic, health function and status table,
 * channel control (operator routes, idle auto-stop, safe delete, auto-start), per-channel
 * alarms, CloudFront's additional metrics, the dashboard, and the parameters the us-east-1
 * edge stack reads.
 */
export class Operations extends Construct {
  public readonly alertTopic: AlertTopic;
  public readonly health: Health;
  public readonly control: ChannelControl;
  public readonly alarms: Readonly<Record<string, ChannelAlarms>>;
  public readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const live = props.channels.map((c) => c.channel);

    this.alertTopic = new AlertTopic(this, 'Alerts', { emails: props.alarmEmails });
    const topic = this.alertTopic.topic;

    this.health = new Health(this, 'Health', {
      stage: props.stage,
      channels: live,
      channelRegistry: props.channelRegistry,
      topic,
      autoRestartChannels: props.channels.filter((c) => c.autoRestart).map((c) => c.channel.channelId),
      webhook: props.webhook,
    });

    this.control = new ChannelControl(this, 'Control', {
      stage: props.stage,
      channels: props.channels,
      channelRegistry: props.channelRegistry,
      api: props.controlApi,
      statusTable: this.health.table,
      playbackDomain: props.delivery.domainName,
    });

    const alarms: Record<string, ChannelAlarms> = {};
    for (const ch of live) {
      alarms[ch.channelId] = new ChannelAlarms(this, `Alarms-${ch.channelId}`, {
        channelId: ch.channelId,
        transcode: ch.transcode,
        packaging: ch.packaging,
        thresholds: props.thresholds,
        topic,
      });
    }
    this.alarms = alarms;

    const distributionId = props.delivery.distribution.distributionId;
    // OriginLatency is one of CloudFront's additional metrics, published only with a
    // monitoring subscription on the distribution.
    new cloudfront.CfnMonitoringSubscription(this, 'CdnAdditionalMetrics', {
      distributionId,
      monitoringSubscription: {
        realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' },
      },
    });

    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      dashboardName: Stack.of(this).stackName,
      channels: live,
      cdn: props.delivery.metrics,
    });

    const healthFn = this.health.function.function;
    new EdgeParameters(this, 'EdgeParameters', {
      stage: props.stage,
      distribution: props.delivery.distribution,
      healthFunction: healthFn,
    });
    // The us-east-1 edge topic delivers CDN alarm notifications to the health function.
    healthFn.addPermission('EdgeAlertsInvoke', {
      principal: new iam.ServicePrincipal('sns.amazonaws.com'),
      sourceArn: edgeTopicArn(this, props.stage),
    });
  }
}
