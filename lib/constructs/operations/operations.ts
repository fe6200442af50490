import { Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ChannelRegistry } from '../channel/channel-registry';
import type { ControlApi } from '../core/control-api';
import type { Delivery } from '../delivery/delivery';
import { EdgeParameters, edgeTopicArn } from '../delivery/edge-parameters';
import { AlertTopic } from './alert-topic';
import { ChannelControl } from './channel-control';
import { type DashboardChannel, OperationsDashboard } from './dashboard';
import { Health } from './health';

/** Props for {@link Operations}. */
export interface OperationsProps {
  /** Deployment stage: named in notifications and in the us-east-1 parameter and topic names. */
  readonly stage: string;
  /** The deployment's (root) stack name: the channels' deployment tag. */
  readonly deploymentName: string;
  /** The channel registry the functions read (which channel is which, each one's settings). */
  readonly registry: ChannelRegistry;
  readonly controlApi: ControlApi;
  /** The distribution: its domain for playback URLs, its id and metrics for the CDN row and alarms. */
  readonly delivery: Delivery;
  /**
   * Some channel stops itself when idle (its idle-stop grant and schedule exist).
   * @default - false
   */
  readonly anyAutoStop?: boolean;
  /**
   * Some channel starts when CloudFormation creates it.
   * @default - false
   */
  readonly anyAutoStart?: boolean;
  /**
   * Some channel restarts failed pipelines automatically.
   * @default - false
   */
  readonly anyAutoRestart?: boolean;
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
 * channel control (operator routes, idle auto-stop, the safe-delete and auto-start provider),
 * CloudFront's additional metrics, the dashboard ({@link addDashboard}, once the channels exist),
 * and the parameters the us-east-1 edge stack reads. Nothing here is per channel: each channel's
 * alarms, safe delete and auto-start live in its own stack and use {@link alertTopic} and
 * {@link control}; the functions learn the channels from the registry.
 */
export class Operations extends Construct {
  public readonly alertTopic: AlertTopic;
  public readonly health: Health;
  public readonly control: ChannelControl;
  public dashboard?: OperationsDashboard;
  private readonly delivery: Delivery;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.delivery = props.delivery;

    this.alertTopic = new AlertTopic(this, 'Alerts', { emails: props.alarmEmails });
    const topic = this.alertTopic.topic;

    this.health = new Health(this, 'Health', {
      stage: props.stage,
      deploymentName: props.deploymentName,
      registry: props.registry,
      topic,
      autoRestart: props.anyAutoRestart,
      webhook: props.webhook,
    });

    this.control = new ChannelControl(this, 'Control', {
      stage: props.stage,
      deploymentName: props.deploymentName,
      registry: props.registry,
      anyAutoStop: props.anyAutoStop ?? false,
      anyAutoStart: props.anyAutoStart ?? false,
      api: props.controlApi,
      statusTable: this.health.table,
      playbackDomain: props.delivery.domainName,
    });

    const distributionId = props.delivery.distribution.distributionId;
    // OriginLatency is one of CloudFront's additional metrics, published only with a
    // monitoring subscription on the distribution.
    new cloudfront.CfnMonitoringSubscription(this, 'CdnAdditionalMetrics', {
      distributionId,
      monitoringSubscription: {
        realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' },
      },
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

  /**
   * The operations dashboard: a row for each of `channels` (at most DASHBOARD_CHANNEL_ROWS), and
   * overview graphs of every channel when the deployment has more (`totalChannels`).
   */
  public addDashboard(channels: readonly DashboardChannel[], totalChannels: number): OperationsDashboard {
    if (this.dashboard !== undefined) throw new Error('the dashboard exists already');
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      dashboardName: Stack.of(this).stackName,
      channels,
      totalChannels,
      cdn: this.delivery.metrics,
    });
    return this.dashboard;
  }
}
