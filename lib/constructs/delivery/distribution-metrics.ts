import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { cloudFrontMetric } from '../core/metrics';

/**
 * The CloudFront metrics of one distribution, at OnAir's 1-minute period. CloudFront publishes
 * them only in us-east-1 (Region dimension "Global"), so the us-east-1 stack makes one from the
 * distribution id it reads from SSM, and the platform stack uses {@link Delivery.metrics}.
 * OriginLatency is one of CloudFront's additional metrics: it needs a monitoring subscription
 * on the distribution.
 */
export class DistributionMetrics {
  constructor(public readonly distributionId: string) {}

  /** A CloudFront metric of this distribution; `props` override the statistic (default Average), label, …. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    const { statistic = 'Average', ...options } = props;
    return cloudFrontMetric(this.distributionId, metricName, statistic, options);
  }

  /** Viewer requests per minute (Sum). */
  public metricRequests(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('Requests', { statistic: 'Sum', ...props });
  }

  /** Bytes viewers downloaded per minute (Sum). */
  public metricBytesDownloaded(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('BytesDownloaded', { statistic: 'Sum', ...props });
  }

  /** Percentage of viewer requests answered with a 4xx (Average). */
  public metric4xxErrorRate(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('4xxErrorRate', { statistic: 'Average', ...props });
  }

  /** Percentage of viewer requests answered with a 5xx (Average). */
  public metric5xxErrorRate(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('5xxErrorRate', { statistic: 'Average', ...props });
  }

  /** Percentage of viewer requests answered with a 4xx or 5xx (Average). */
  public metricTotalErrorRate(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('TotalErrorRate', { statistic: 'Average', ...props });
  }

  /** Milliseconds the origins took to answer CloudFront (p90; an additional metric). */
  public metricOriginLatency(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('OriginLatency', { statistic: 'p90', ...props });
  }
}
