import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Props for {@link AlertTopic}. */
export interface AlertTopicProps {
  /**
   * Addresses subscribed by email (each confirms once from the message SNS sends).
   * @default - no email subscriptions
   */
  readonly emails?: readonly string[];
  /**
   * Topic display name (email sender name).
   * @default - "OnAir alerts"
   */
  readonly displayName?: string;
  /**
   * Fixed topic name, for topics other stacks must address by ARN.
   * @default - a generated name
   */
  readonly topicName?: string;
}

/**
 * The SNS topic OnAir's alarms and notifications go to: encrypted with a customer-managed KMS
 * key (CloudWatch alarms may use it), TLS-only, with the config's email subscriptions.
 */
export class AlertTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'OnAir alert topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarm actions publish as the CloudWatch service principal, which needs the key;
    // only on behalf of this account's alarms (confused-deputy guard).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'OnAir alerts',
      topicName: props.topicName,
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.emails ?? [])
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}
