import { ChannelClass } from '@aws-sdk/client-medialive';
import { Stack } from 'aws-cdk-lib';
import type { LiveChannel } from '../../lib/constructs/channel/live-channel';
import { Transcode } from '../../lib/constructs/channel/transcode';
import { DistributionMetrics } from '../../lib/constructs/delivery/distribution-metrics';
import { OperationsDashboard } from '../../lib/constructs/operations/dashboard';
import { LatencyMode } from '../../lib/media/latency';
import { synthOnAir, testApp } from '../helpers';

/**
 * Construct-level checks behind the config schema: the schema rejects these configs first, so
 * they are reached only by code that builds the constructs directly. Each fails with its message.
 */
describe('construct invariants fail with their message', () => {
  test('the dashboard has rows for at most 10 channels', () => {
    const { platform } = synthOnAir();
    const [ch] = platform.channelStacks.map((c) => c.channel);
    const many = Array.from({ length: 11 }, () => ch) as LiveChannel[];
    expect(() => platform.operations.addDashboard(many, 11)).toThrow('the dashboard exists already');
    expect(
      () =>
        new OperationsDashboard(new Stack(testApp(), 'D'), 'D', {
          dashboardName: 'd',
          channels: many,
          cdn: platform.delivery.metrics,
        }),
    ).toThrow('the dashboard has rows for at most 10 channels, got 11');
  });

  test('a transcode needs renditions', () => {
    const stack = new Stack(testApp(), 'T');
    expect(
      () =>
        new Transcode(stack, 'T', {
          channelId: 'main',
          channelClass: ChannelClass.SINGLE_PIPELINE,
          renditions: [],
          latency: LatencyMode.STANDARD,
        } as never),
    ).toThrow('channel "main": the ladder has no renditions');
  });
});

describe('metric helpers name what the alarms watch', () => {
  const { platform, channelTemplate } = synthOnAir();
  const [ch] = platform.channelStacks.map((c) => c.channel);
  // The alarms live in the channel's stack, where the metrics' ids resolve to its own resources.
  const template = channelTemplate('main');
  const channelStack = platform.channelStacks[0] as Stack;

  test('MediaLive per pipeline and MediaPackage per channel', () => {
    if (ch === undefined) throw new Error('no channel');
    const resolved = (m: { toMetricConfig(): { metricStat?: object } }) =>
      channelStack.resolve(m.toMetricConfig().metricStat) as {
        namespace: string;
        metricName: string;
        statistic: string;
        dimensions: { name: string; value: unknown }[];
      };
    const alerts = resolved(ch.transcode.metricActiveAlerts(0));
    expect(alerts).toMatchObject({
      namespace: 'AWS/MediaLive',
      metricName: 'ActiveAlerts',
      statistic: 'Maximum',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ActiveAlerts',
      Statistic: 'Maximum',
      Dimensions: alerts.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
    });
    expect(resolved(ch.transcode.metricInputLossSeconds(0))).toMatchObject({
      metricName: 'InputLossSeconds',
    });
    expect(resolved(ch.transcode.metricDroppedFrames(0))).toMatchObject({ metricName: 'DroppedFrames' });
    expect(resolved(ch.transcode.metricNetworkIn(0))).toMatchObject({
      metricName: 'NetworkIn',
      statistic: 'Maximum',
    });
    const egress = resolved(ch.packaging.metricEgressRequests('5xx'));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'EgressRequestCount',
      Namespace: 'AWS/MediaPackage',
      Dimensions: egress.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
    });
    expect(resolved(ch.packaging.metricIngressBytes())).toMatchObject({
      metricName: 'IngressBytes',
      statistic: 'Sum',
    });
    expect(resolved(ch.transcode.metricInputVideoFrameRate(0))).toMatchObject({
      metricName: 'InputVideoFrameRate',
      statistic: 'Average',
    });
    expect(resolved(ch.packaging.metricEgressResponseTime({ statistic: 'Maximum' }))).toMatchObject({
      metricName: 'EgressResponseTime',
      statistic: 'Maximum',
    });
    // Options override the defaults without losing the owner's dimensions.
    const labelled = ch.transcode.metricNetworkIn(1, { statistic: 'Average', label: 'pipeline 1' });
    expect(labelled.label).toBe('pipeline 1');
    expect(resolved(labelled)).toMatchObject({
      statistic: 'Average',
      dimensions: alerts.dimensions.map((d) => (d.name === 'Pipeline' ? { ...d, value: '1' } : d)),
    });
  });

  test('output errors sum 4xx and 5xx of every output group the channel sends to', () => {
    if (ch === undefined) throw new Error('no channel');
    // The default channel records, so it has the MediaPackage and the archive output group.
    expect(ch.transcode.archived).toBe(true);
    const expr = ch.transcode.metricOutputErrors(0);
    expect(expr.expression).toBe('FILL(e40, 0) + FILL(e50, 0) + FILL(e41, 0) + FILL(e51, 0)');
    const groups = Object.values(expr.usingMetrics).map(
      (m) => (m as { dimensions?: Record<string, unknown> }).dimensions?.OutputGroupName,
    );
    expect(groups).toEqual(['mediapackage', 'mediapackage', 'archive', 'archive']);
  });

  test('CloudFront metrics: us-east-1, by DistributionId and Region Global, from the distribution or its id alone', () => {
    const cdn = platform.delivery.metrics;
    expect(platform.resolve(cdn.metric5xxErrorRate().toMetricConfig().metricStat)).toMatchObject({
      namespace: 'AWS/CloudFront',
      metricName: '5xxErrorRate',
      statistic: 'Average',
      region: 'us-east-1',
      dimensions: [
        { name: 'DistributionId', value: { Ref: expect.stringMatching(/^Delivery/) } },
        { name: 'Region', value: 'Global' },
      ],
    });
    expect(cdn.metricOriginLatency().statistic).toBe('p90');
    const alias = new DistributionMetrics('E123');
    expect(alias.metricRequests({ label: 'requests' }).toMetricConfig().metricStat).toMatchObject({
      metricName: 'Requests',
      statistic: 'Sum',
      dimensions: [
        { name: 'DistributionId', value: 'E123' },
        { name: 'Region', value: 'Global' },
      ],
    });
  });
});
