import { Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { OnAirConfig } from '../config/schema';
import { edgeTopicArn } from '../stacks/edge-stack';
import { ChannelAlarms } from './alarms';
import { AlertTopic } from './alert-topic';
import { ChannelControl } from './channel-control';
import type { ControlApi } from './control-api';
import { OperationsDashboard } from './dashboard';
import type { Delivery } from './delivery';
import { EdgeParameters } from './edge-parameters';
import { Health } from './health';
import type { LiveChannel } from './live-channel';

/** Props for {@link Operations}. */
export interface OperationsProps {
  readonly config: OnAirConfig;
  readonly channels: readonly LiveChannel[];
  readonly channelRegistry: string;
  readonly controlApi: ControlApi;
  readonly delivery: Delivery;
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
    const cfg = props.config;
    const byId = new Map(cfg.channels.map((c) => [c.id, c]));
    const channelCfg = (id: string) => {
      const c = byId.get(id);
      if (c === undefined) throw new Error(`channel "${id}" is not in the config`);
      return c;
    };

    this.alertTopic = new AlertTopic(this, 'Alerts', { emails: cfg.alarms.emails });
    const topic = this.alertTopic.topic;

    this.health = new Health(this, 'Health', {
      stage: cfg.stage,
      channels: props.channels,
      channelRegistry: props.channelRegistry,
      topic,
      autoRestartChannels: cfg.channels.filter((c) => c.autoRestart).map((c) => c.id),
      webhook: cfg.alarms.webhook,
    });

    this.control = new ChannelControl(this, 'Control', {
      stage: cfg.stage,
      channels: props.channels.map((channel) => ({
        channel,
        autoStopIdleMinutes: channelCfg(channel.channelId).autoStopIdleMinutes,
        autoStart: channelCfg(channel.channelId).autoStart,
      })),
      channelRegistry: props.channelRegistry,
      api: props.controlApi,
      statusTable: this.health.table,
      playbackDomain: props.delivery.domainName,
    });

    const alarms: Record<string, ChannelAlarms> = {};
    for (const ch of props.channels) {
      alarms[ch.channelId] = new ChannelAlarms(this, `Alarms-${ch.channelId}`, {
        channelId: ch.channelId,
        medialiveChannelId: ch.transcode.channel.ref,
        mediapackageChannelId: ch.packaging.channel.ref,
        pipelines: ch.ingest.pipelines,
        archived: channelCfg(ch.channelId).archive,
        thresholds: cfg.alarms.thresholds,
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
      channels: props.channels.map((ch) => ({
        channelId: ch.channelId,
        medialiveChannelId: ch.transcode.channel.ref,
        mediapackageChannelId: ch.packaging.channel.ref,
        pipelines: ch.ingest.pipelines,
      })),
      distributionId,
    });

    const healthFn = this.health.function.function;
    new EdgeParameters(this, 'EdgeParameters', {
      stage: cfg.stage,
      distributionId,
      healthFunctionArn: healthFn.functionArn,
    });
    // The us-east-1 edge topic delivers CDN alarm notifications to the health function.
    healthFn.addPermission('EdgeAlertsInvoke', {
      principal: new iam.ServicePrincipal('sns.amazonaws.com'),
      sourceArn: edgeTopicArn(this, cfg.stage),
    });
  }
}
