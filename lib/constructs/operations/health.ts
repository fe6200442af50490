import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { Env, STATUS_TABLE_KEY } from '../../../lambda/shared/contract';
import type { LiveChannel } from '../channel/live-channel';
import { AppFunction } from '../core/app-function';
import { acknowledgeWildcardActions } from '../core/nag';

/** Props for {@link Health}. */
export interface HealthProps {
  readonly stage: string;
  readonly channels: readonly LiveChannel[];
  /** ONAIR_CHANNELS (lib/constructs/channel/channel-registry.ts). */
  readonly channelRegistry: string;
  /** Where notifications go; alarm notifications on it reach the function. */
  readonly topic: sns.ITopic;
  /**
   * Channel ids whose failed pipelines are restarted automatically.
   * @default - none
   */
  readonly autoRestartChannels?: readonly string[];
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
      [Env.CHANNELS]: props.channelRegistry,
      [Env.STATUS_TABLE]: this.table.tableName,
      [Env.TOPIC_ARN]: props.topic.topicArn,
      [Env.STAGE]: props.stage,
      [Env.AUTO_RESTART]: (props.autoRestartChannels ?? []).join(','),
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
    props.topic.grantPublish(fn);
    acknowledgeWildcardActions(
      this.function.role,
      ['kms:GenerateDataKey*'],
      "publishing to the KMS-encrypted alert topic needs GenerateDataKey variants on that topic's key only",
    );
    this.webhookSecret?.grantRead(fn);
    for (const c of props.channels)
      if ((props.autoRestartChannels ?? []).includes(c.channelId)) c.transcode.grantRestartPipelines(fn);

    const channelArns = props.channels.map((c) => c.transcode.channel.attrArn);
    const rule = (ruleId: string, detailType: string) => {
      const r = new events.Rule(this, ruleId, {
        description: `OnAir ${props.stage}: ${detailType} of this deployment's channels`,
        eventPattern: { source: ['aws.medialive'], detailType: [detailType], resources: channelArns },
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
