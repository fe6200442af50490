import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { Packaging } from '../channel/packaging';
import type { Transcode } from '../channel/transcode';
import type { DistributionMetrics } from '../delivery/distribution-metrics';

/** A channel as the dashboard shows it. */
export interface DashboardChannel {
  readonly channelId: string;
  readonly transcode: Transcode;
  readonly packaging: Packaging;
}

/**
 * Channels with their own row (six widgets each). Beyond them the dashboard shows every channel
 * of the account and Region in overview graphs (CloudWatch SEARCH expressions), so its size does
 * not grow with the deployment: a dashboard holds a limited number of widgets, and each row's
 * metrics name ids that live in the channel's nested stack.
 */
export const DASHBOARD_CHANNEL_ROWS = 10;

/** Props for {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  readonly dashboardName: string;
  /** The channels that get a row (at most {@link DASHBOARD_CHANNEL_ROWS}). */
  readonly channels: readonly DashboardChannel[];
  /**
   * Channels in the deployment; more than `channels` adds the overview graphs.
   * @default - channels.length
   */
  readonly totalChannels?: number;
  /** The distribution's CloudFront metrics. */
  readonly cdn: DistributionMetrics;
}

/**
 * The deployment's operations dashboard: one row per channel (input bitrate and frame rate,
 * active alerts, MediaPackage ingress, egress by status class, egress latency) and a CDN row.
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    if (props.channels.length > DASHBOARD_CHANNEL_ROWS) {
      throw new Error(
        `the dashboard has rows for at most ${DASHBOARD_CHANNEL_ROWS} channels, got ${props.channels.length}`,
      );
    }
    const total = props.totalChannels ?? props.channels.length;
    if (total > props.channels.length) this.addOverview(total - props.channels.length);
    for (const ch of props.channels) {
      const ml = ch.transcode;
      const mp = ch.packaging;
      const perPipeline = (
        metric: (pipeline: number, props: cloudwatch.MetricOptions) => cloudwatch.Metric,
      ) => Array.from({ length: ml.pipelines }, (_, p) => metric(p, { label: `pipeline ${p}` }));
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({ markdown: `### Channel \`${ch.channelId}\``, width: 24, height: 1 }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: input bitrate (Mbit/s)`,
          left: perPipeline((p, props) => ml.metricNetworkIn(p, { statistic: 'Average', ...props })),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: input frame rate`,
          left: perPipeline((p, props) => ml.metricInputVideoFrameRate(p, props)),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: active alerts`,
          left: perPipeline((p, props) => ml.metricActiveAlerts(p, props)),
          width: 4,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: MediaPackage ingress / egress`,
          left: [mp.metricIngressBytes({ label: 'ingress bytes' })],
          right: (['2xx', '4xx', '5xx'] as const).map((range) =>
            mp.metricEgressRequests(range, { label: `egress ${range}` }),
          ),
          width: 5,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: MediaPackage egress latency (ms)`,
          left: [
            mp.metricEgressResponseTime({ label: 'average' }),
            mp.metricEgressResponseTime({ statistic: 'Maximum', label: 'maximum' }),
          ],
          width: 3,
        }),
      );
    }
    const cdn = props.cdn;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '### CDN (CloudFront, us-east-1 metrics)',
        width: 24,
        height: 1,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN requests',
        left: [cdn.metricRequests({ label: 'requests' })],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN bytes downloaded',
        left: [cdn.metricBytesDownloaded({ label: 'bytes downloaded' })],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN error rates (%)',
        left: [
          cdn.metric4xxErrorRate({ label: '4xx' }),
          cdn.metric5xxErrorRate({ label: '5xx' }),
          cdn.metricTotalErrorRate({ label: 'total' }),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN origin latency (ms)',
        left: [cdn.metricOriginLatency({ label: 'p90' })],
        width: 6,
      }),
    );
  }

  /** Every channel in one graph per signal (SEARCH over the account's and Region's metrics). */
  private addOverview(more: number): void {
    const search = (expression: string) =>
      new cloudwatch.MathExpression({ expression, label: '', period: Duration.minutes(1), usingMetrics: {} });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          `### All channels (${more} more than the rows below)\n` +
          'Every MediaLive and MediaPackage channel of this account and Region, by id; ' +
          '`GET /channels` maps ids to names, and each channel has its own alarms.',
        width: 24,
        height: 2,
      }),
      new cloudwatch.GraphWidget({
        title: 'All channels: input bitrate (Mbit/s, by MediaLive channel id and pipeline)',
        left: [search(`SEARCH('{AWS/MediaLive,ChannelId,Pipeline} MetricName="NetworkIn"', 'Average', 60)`)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'All channels: active alerts',
        left: [
          search(`SEARCH('{AWS/MediaLive,ChannelId,Pipeline} MetricName="ActiveAlerts"', 'Maximum', 60)`),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'All channels: MediaPackage egress 5xx',
        left: [
          search(
            `SEARCH('{AWS/MediaPackage,Channel,StatusCodeRange} MetricName="EgressRequestCount" StatusCodeRange="5xx"', 'Sum', 60)`,
          ),
        ],
        width: 8,
      }),
    );
  }
}
