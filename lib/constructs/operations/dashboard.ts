import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { cloudFrontMetric, mediaLiveMetric, mediaPackageMetric } from '../core/metrics';

/** A channel as the dashboard shows it. */
export interface DashboardChannel {
  readonly channelId: string;
  readonly medialiveChannelId: string;
  readonly mediapackageChannelId: string;
  readonly pipelines: number;
}

/** Props for {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  readonly dashboardName: string;
  readonly channels: readonly DashboardChannel[];
  readonly distributionId: string;
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
      const pipes = Array.from({ length: ch.pipelines }, (_, p) => p);
      const perPipeline = (metric: string, stat: string) =>
        pipes.map((p) => {
          const m = mediaLiveMetric(ch.medialiveChannelId, p, metric, stat);
          return m.with({ label: `pipeline ${p}` });
        });
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({ markdown: `### Channel \`${ch.channelId}\``, width: 24, height: 1 }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: input bitrate (Mbit/s)`,
          left: perPipeline('NetworkIn', 'Average'),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: input frame rate`,
          left: perPipeline('InputVideoFrameRate', 'Average'),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: active alerts`,
          left: perPipeline('ActiveAlerts', 'Maximum'),
          width: 4,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: MediaPackage ingress / egress`,
          left: [mediaPackageMetric(ch.mediapackageChannelId, 'IngressBytes', 'Sum', {}, 'ingress bytes')],
          right: ['2xx', '4xx', '5xx'].map((range) =>
            mediaPackageMetric(
              ch.mediapackageChannelId,
              'EgressRequestCount',
              'Sum',
              { StatusCodeRange: range },
              `egress ${range}`,
            ),
          ),
          width: 5,
        }),
        new cloudwatch.GraphWidget({
          title: `${ch.channelId}: MediaPackage egress latency (ms)`,
          left: [
            mediaPackageMetric(ch.mediapackageChannelId, 'EgressResponseTime', 'Average', {}, 'average'),
            mediaPackageMetric(ch.mediapackageChannelId, 'EgressResponseTime', 'Maximum', {}, 'maximum'),
          ],
          width: 3,
        }),
      );
    }
    const cf = (metric: string, stat: string, label: string) =>
      cloudFrontMetric(props.distributionId, metric, stat).with({ label });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '### CDN (CloudFront, us-east-1 metrics)',
        width: 24,
        height: 1,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN requests',
        left: [cf('Requests', 'Sum', 'requests')],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN bytes downloaded',
        left: [cf('BytesDownloaded', 'Sum', 'bytes downloaded')],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN error rates (%)',
        left: [
          cf('4xxErrorRate', 'Average', '4xx'),
          cf('5xxErrorRate', 'Average', '5xx'),
          cf('TotalErrorRate', 'Average', 'total'),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'CDN origin latency (ms)',
        left: [cf('OriginLatency', 'p90', 'p90')],
        width: 6,
      }),
    );
  }
}
