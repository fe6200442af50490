import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { Env, STATUS_TABLE_KEY } from '../../../lambda/shared/contract';
import type { ChannelRegistry } from '../channel/channel-registry';
import { Transcode } from '../channel/transcode';
import { AppFunction } from '../core/app-function';
import { TaggedResource, taggedResourceArn } from '../core/deployment-tags';
import { acknowledgeWildcardActions, acknowledgeWildcardResources } from '../core/nag';

/** Props for {@link Health}. */
export interface HealthProps {
  readonly stage: string;
  /** The deployment's (root) stack name: the channels' deployment tag. */
  readonly deploymentName: string;
  /** The channel registry (which MediaLive channel is which, and who opted in to restarts). */
  readonly registry: ChannelRegistry;
  /** Where notifications go; alarm notifications on it reach the function. */
  readonly topic: sns.ITopic;
  /**
   * Some channel restarts failed pipelines automatically (config autoRestart): the function may
   * then restart channels tagged for it.
   * @default - false
   */
  readonly autoRestart?: boolean;
  /**
   * Create a webhook secret and post notifications to the URL it holds.
   * @default - false
   */
  readonly webhook?: boolean;
}

/**
 * Turns MediaLive events and CloudWatch alarms into a per-channel status record (DynamoDB),
 * readable notifications (SNS email, optional Slack-compatible webhook) and, for opted-in
 * channels, at most one pipeline restart per 15 minutes.
 */
export class Health extends Construct {
  public readonly table: dynamodb.Table;
  public readonly function: AppFunction;
  public readonly stateChangeRule: events.Rule;
  public readonly alertRule: events.Rule;
  /** Holds the webhook URL (set it after deploy); present only when the webhook is enabled. */
  public readonly webhookSecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: HealthProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'StatusTable', {
      partitionKey: { name: STATUS_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Status is rebuilt from events; nothing in it outlives the deployment.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const environment: Record<string, string> = {
      [Env.STATUS_TABLE]: this.table.tableName,
      [Env.TOPIC_ARN]: props.topic.topicArn,
      [Env.STAGE]: props.stage,
    };
    if (props.webhook) {
      this.webhookSecret = new secretsmanager.Secret(this, 'WebhookUrl', {
        description: `OnAir ${props.stage}: Slack-compatible webhook URL for notifications (replace the placeholder)`,
        generateSecretString: { passwordLength: 16, excludePunctuation: true },
      });
      environment[Env.WEBHOOK_SECRET_ARN] = this.webhookSecret.secretArn;
      Validations.of(this.webhookSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'the secret holds a third-party webhook URL that only its issuer (e.g. Slack) can rotate; the operator replaces it',
      });
    }

    this.function = new AppFunction(this, 'Function', {
      entry: 'health',
      description:
        'OnAir health: MediaLive events and alarms to status records, notifications, opt-in restarts',
      environment,
      timeout: Duration.seconds(30),
    });
    const fn = this.function.function;
    this.table.grantReadWriteData(fn);
    props.registry.grantRead(fn);
    props.topic.grantPublish(fn);
    acknowledgeWildcardActions(
      this.function.role,
      ['kms:GenerateDataKey*'],
      "publishing to the KMS-encrypted alert topic needs GenerateDataKey variants on that topic's key only",
    );
    this.webhookSecret?.grantRead(fn);
    if (props.autoRestart) {
      // DescribeChannel first: pipelines are restarted only on a RUNNING/RECOVERING channel. Only
      // channels whose config opted in carry the auto-restart tag.
      Transcode.grantOnDeploymentChannels(
        this,
        fn,
        ['medialive:DescribeChannel', 'medialive:RestartChannelPipelines'],
        { deploymentName: props.deploymentName, capability: 'autoRestart' },
      );
      acknowledgeWildcardResources(
        this.function.role,
        [taggedResourceArn(this, TaggedResource.MEDIALIVE_CHANNEL)],
        "only MediaLive channels tagged with this deployment's name and onair:auto-restart=true (aws:ResourceTag conditions): channels live in their own nested stacks",
      );
    }

    // Every MediaLive channel of the account and Region: a pattern naming a hundred channel ARNs
    // would exceed EventBridge's pattern size; the function acts on registered channels only.
    const rule = (ruleId: string, detailType: string) => {
      const r = new events.Rule(this, ruleId, {
        description: `OnAir ${props.stage}: ${detailType} (this deployment's channels are acted on)`,
        eventPattern: { source: ['aws.medialive'], detailType: [detailType] },
      });
      r.addTarget(new targets.LambdaFunction(fn, { retryAttempts: 4, maxEventAge: Duration.hours(1) }));
      return r;
    };
    this.stateChangeRule = rule('StateChangeRule', 'MediaLive Channel State Change');
    this.alertRule = rule('AlertRule', 'MediaLive Channel Alert');

    // Only CloudWatch alarm notifications (JSON with AlarmName) reach the function; its own
    // plain-text notifications on the same topic do not, so it never feeds itself.
    props.topic.addSubscription(
      new subscriptions.LambdaSubscription(fn, {
        filterPolicyWithMessageBody: {
          AlarmName: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.existsFilter()),
        },
      }),
    );
  }
}
