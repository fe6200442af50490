import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Every OnAir alarm and dashboard widget evaluates 1-minute periods. */
export const METRIC_PERIOD = Duration.minutes(1);

/** A metric at {@link METRIC_PERIOD}; `options` override `props` (the caller's defaults). */
function periodicMetric(props: cloudwatch.MetricProps, options: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({ period: METRIC_PERIOD, ...props, ...options });
}

/**
 * The AWS/MediaLive metric of one pipeline (dimensions ChannelId + Pipeline, plus `extra`);
 * `options` (label, statistic, …) override the defaults. Called by the channel's Transcode.
 */
export function mediaLiveMetric(
  channelId: string,
  pipeline: number,
  metricName: string,
  statistic: string,
  extra: Record<string, string> = {},
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  const dimensionsMap = { ChannelId: channelId, Pipeline: String(pipeline), ...extra };
  return periodicMetric({ namespace: 'AWS/MediaLive', metricName, dimensionsMap, statistic }, options);
}

/**
 * The AWS/MediaPackage metric of one v1 channel (dimension Channel, plus `extra`); `options`
 * override the defaults. Called by the channel's Packaging.
 */
export function mediaPackageMetric(
  channel: string,
  metricName: string,
  statistic: string,
  extra: Record<string, string> = {},
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  const dimensionsMap = { Channel: channel, ...extra };
  return periodicMetric({ namespace: 'AWS/MediaPackage', metricName, dimensionsMap, statistic }, options);
}

/**
 * CloudFront metrics of a distribution (published only in us-east-1, Region dimension "Global");
 * `options` override the defaults. Called by DistributionMetrics.
 */
export function cloudFrontMetric(
  distributionId: string,
  metricName: string,
  statistic: string,
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  const dimensionsMap = { DistributionId: distributionId, Region: 'Global' };
  return periodicMetric(
    { namespace: 'AWS/CloudFront', metricName, dimensionsMap, statistic, region: 'us-east-1' },
    options,
  );
}
