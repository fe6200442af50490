import { Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { OnAirConfig } from '../config/schema';
import { DistributionMetrics } from '../constructs/delivery/distribution-metrics';
import { edgeParameterNames, edgeTopicName } from '../constructs/delivery/edge-parameters';
import { CdnAlarms } from '../constructs/operations/alarms';
import { AlertTopic } from '../constructs/operations/alert-topic';

/** Props for {@link EdgeStack}. */
export interface EdgeStackProps extends StackProps {
  readonly config: OnAirConfig;
}

/**
 * The small us-east-1 stack: CloudFront publishes its metrics only there, so the CDN alarms
 * (5xx error rate, origin latency) and their topic live here. The distribution id and the
 * health function's ARN come from SSM parameters the platform stack writes in us-east-1.
 */
export class EdgeStack extends Stack {
  public readonly topic: AlertTopic;
  public readonly alarms: CdnAlarms;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const cfg = props.config;
    const names = edgeParameterNames(cfg.stage);
    const distributionId = ssm.StringParameter.valueForStringParameter(this, names.distributionId);
    const healthFunctionArn = ssm.StringParameter.valueForStringParameter(this, names.healthFunctionArn);

    this.topic = new AlertTopic(this, 'Alerts', {
      emails: cfg.alarms.emails,
      displayName: 'OnAir CDN alerts',
      topicName: edgeTopicName(cfg.stage),
    });
    // Alarm notifications also reach the health function in the platform's region (SNS
    // delivers to Lambda across regions; the platform stack grants this topic the invoke).
    new sns.Subscription(this, 'HealthSubscription', {
      topic: this.topic.topic,
      protocol: sns.SubscriptionProtocol.LAMBDA,
      endpoint: healthFunctionArn,
      filterPolicyWithMessageBody: {
        AlarmName: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.existsFilter()),
      },
    });
    this.alarms = new CdnAlarms(this, 'CdnAlarms', {
      distribution: new DistributionMetrics(distributionId),
      thresholds: cfg.alarms.thresholds,
      topic: this.topic.topic,
    });
  }
}
