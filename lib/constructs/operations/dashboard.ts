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

/** Props for {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  readonly dashboardName: string;
  readonly channels: readonly DashboardChannel[];
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
}
