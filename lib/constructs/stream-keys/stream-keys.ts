import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OperatorRoutes, PENDING_ROTATION_TAG } from '../../../lambda/shared/contract';
import type { ChannelRegistry } from '../channel/channel-registry';
import { Ingest } from '../channel/ingest';
import { Transcode } from '../channel/transcode';
import { AppFunction } from '../core/app-function';
import type { ControlApi } from '../core/control-api';
import { TaggedResource, taggedResourceArn } from '../core/deployment-tags';
import { acknowledgeWildcardResources } from '../core/nag';

/** Secrets Manager allows rotation every 1 to 1000 days; the config allows up to a year. */
export const MAX_ROTATE_EVERY_DAYS = 365;

/** Below the HTTP API's 30-second integration timeout, so the API never answers for a function still rotating. */
export const ROTATE_FUNCTION_TIMEOUT = Duration.seconds(25);

/** Props for {@link StreamKeys}. */
export interface StreamKeysProps {
  /** The deployment's (root) stack name: its inputs, channels and stream keys carry it as a tag. */
  readonly deploymentName: string;
  /** The channel registry the functions read (inputs, channels and secrets by channel id). */
  readonly registry: ChannelRegistry;
  /** The control API the operator routes are added to. */
  readonly controlApi: ControlApi;
  /**
   * Rotate every channel's key on this schedule (a rotation function that refuses while the
   * channel is not idle).
   * @default - no scheduled rotation; keys change only when an operator rotates them
   */
  readonly rotateEveryDays?: number;
}

/**
 * Stream-key operations: `GET /channels/{id}/ingest` (OBS server URL + key), `POST
 * /channels/{id}/stream-key` (rotate now if idle, else pending), the EventBridge rule that
 * applies a pending rotation when a channel reaches IDLE, and the optional scheduled rotation
 * (each channel's stack adds its secret's schedule with {@link addRotationSchedule}). Each
 * function reaches the inputs, channels and secrets of this deployment only, by their deployment
 * tag (lib/constructs/core/deployment-tags.ts): they live in the channels' nested stacks.
 * The secrets use the aws/secretsmanager key and have no resource policy, so identity policies
 * alone grant access (no KMS grant is needed for the AWS managed key).
 */
export class StreamKeys extends Construct {
  public readonly ingestFunction: AppFunction;
  public readonly rotateFunction: AppFunction;
  public readonly stateChangeFunction: AppFunction;
  public readonly stateChangeRule: events.Rule;
  /** State-change events that could not be delivered, or whose handling failed after Lambda's retries. */
  public readonly stateChangeDlq: sqs.Queue;
  /** @default - undefined unless rotateEveryDays is set */
  public readonly rotationFunction?: AppFunction;
  /** Secrets Manager may invoke the rotation function. @default - undefined unless rotateEveryDays is set */
  public readonly rotationInvoke?: lambda.CfnPermission;
  private readonly rotateEveryDays?: number;

  constructor(scope: Construct, id: string, props: StreamKeysProps) {
    super(scope, id);
    const days = props.rotateEveryDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_ROTATE_EVERY_DAYS)) {
      throw new Error(
        `rotateEveryDays must be a whole number of days from 1 to ${MAX_ROTATE_EVERY_DAYS}, got ${days}`,
      );
    }
    this.rotateEveryDays = days;
    const deploymentName = props.deploymentName;
    const keyChange = { deploymentName, pendingTagKey: PENDING_ROTATION_TAG };
    const serves = (fn: AppFunction) => {
      props.registry.grantRead(fn.function);
      Transcode.grantOnDeploymentChannels(this, fn.function, ['medialive:DescribeChannel'], {
        deploymentName,
      });
      acknowledgeTagScoped(fn);
    };

    this.ingestFunction = new AppFunction(this, 'IngestFn', {
      entry: 'stream-keys',
      handler: 'ingest',
      description: 'OnAir: RTMP ingest details (server URL and stream key) of a channel',
    });
    this.rotateFunction = new AppFunction(this, 'RotateFn', {
      entry: 'stream-keys',
      handler: 'rotate',
      description: 'OnAir: rotate a channel stream key now (idle) or record the rotation as pending (live)',
      timeout: ROTATE_FUNCTION_TIMEOUT,
    });
    this.stateChangeFunction = new AppFunction(this, 'StateChangeFn', {
      entry: 'stream-keys',
      handler: 'stateChange',
      description: 'OnAir: apply a pending stream-key rotation when a channel reaches IDLE',
      timeout: Duration.seconds(60),
    });
    Ingest.grantDeploymentReadIngest(this, this.ingestFunction.function, deploymentName);
    serves(this.ingestFunction);
    // The state-change function tags too: an interrupted rotation is recorded as pending (see
    // rotateIdleChannel).
    for (const fn of [this.rotateFunction, this.stateChangeFunction]) {
      Ingest.grantDeploymentRotateKey(this, fn.function, keyChange);
      serves(fn);
    }

    // One queue for both failure paths: EventBridge could not invoke the function, or the
    // function failed on every asynchronous attempt (e.g. the channel did not reach IDLE).
    // SQS-managed encryption needs no key policy for EventBridge or Lambda to send.
    this.stateChangeDlq = new sqs.Queue(this, 'StateChangeDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.stateChangeDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is itself the dead-letter queue of the stream-key state-change rule and function; it is read by operators, not redriven',
    });
    this.stateChangeFunction.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(2),
      onFailure: new destinations.SqsDestination(this.stateChangeDlq),
    });

    // Every MediaLive state change of the account and Region (a pattern naming a hundred
    // channel ARNs would exceed EventBridge's pattern size, and the ARNs live in the channels'
    // stacks); the function acts only on registered channels. MediaLive reports a stop as
    // "STOPPED" (the channel's API state is then IDLE), so the function checks DescribeChannel.
    this.stateChangeRule = new events.Rule(this, 'ChannelStateRule', {
      description:
        'OnAir: MediaLive state changes (pending stream-key rotations of this deployment channels)',
      eventPattern: {
        source: ['aws.medialive'],
        detailType: ['MediaLive Channel State Change'],
      },
      targets: [
        new targets.LambdaFunction(this.stateChangeFunction.function, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.stateChangeDlq,
        }),
      ],
    });

    const ingest = OperatorRoutes.GET_INGEST;
    const rotate = OperatorRoutes.ROTATE_STREAM_KEY;
    props.controlApi.addOperatorRoute(
      'GetIngest',
      apigw.HttpMethod[ingest.method],
      ingest.path,
      this.ingestFunction.function,
    );
    props.controlApi.addOperatorRoute(
      'RotateStreamKey',
      apigw.HttpMethod[rotate.method],
      rotate.path,
      this.rotateFunction.function,
    );

    if (days !== undefined) {
      const fn = new AppFunction(this, 'RotationFn', {
        entry: 'stream-keys',
        handler: 'rotation',
        description: 'OnAir: Secrets Manager rotation of stream keys (refuses while the channel is not idle)',
        timeout: Duration.seconds(60),
      });
      this.rotationFunction = fn;
      Ingest.grantDeploymentScheduledRotation(this, fn.function, keyChange);
      serves(fn);
      // Secrets Manager checks it may invoke the function when a schedule is created. One
      // permission for every channel's secret: one per secret (aws:SourceArn) would grow the
      // function's resource policy past Lambda's 20 KB long before a hundred channels. It names
      // this account (aws:SourceAccount); the function rotates only secrets the registry lists as
      // this deployment's ingest credentials and refuses any other (lambda/stream-keys).
      this.rotationInvoke = new lambda.CfnPermission(this, 'RotationInvoke', {
        action: 'lambda:InvokeFunction',
        functionName: fn.function.functionArn,
        principal: 'secretsmanager.amazonaws.com',
        sourceAccount: Aws.ACCOUNT_ID,
      });
    }
  }

  /**
   * Adds a channel's rotation schedule in its own scope (its nested stack) when scheduled
   * rotation is configured. Not Secret.addRotationSchedule: it grants
   * secretsmanager:GetRandomPassword on "*" (keys are generated in the function) and adds a
   * resource policy to the secret.
   */
  public addRotationSchedule(
    scope: Construct,
    id: string,
    secret: secretsmanager.ISecret,
  ): secretsmanager.CfnRotationSchedule | undefined {
    const fn = this.rotationFunction;
    const invoke = this.rotationInvoke;
    if (fn === undefined || invoke === undefined || this.rotateEveryDays === undefined) return undefined;
    const schedule = new secretsmanager.CfnRotationSchedule(scope, id, {
      secretId: secret.secretArn,
      rotationLambdaArn: fn.function.functionArn,
      rotationRules: { automaticallyAfterDays: this.rotateEveryDays },
      // A deploy must not rotate keys (a channel may be live); the schedule starts the clock.
      rotateImmediatelyOnUpdate: false,
    });
    schedule.node.addDependency(invoke, fn.role);
    return schedule;
  }
}

/** The tag-scoped wildcard resources (lib/constructs/core/deployment-tags.ts), with the reason. */
function acknowledgeTagScoped(fn: AppFunction): void {
  acknowledgeWildcardResources(
    fn.role,
    [
      TaggedResource.MEDIALIVE_INPUT,
      TaggedResource.MEDIALIVE_INPUT_SECURITY_GROUP,
      TaggedResource.MEDIALIVE_CHANNEL,
      TaggedResource.SECRET,
    ].map((t) => taggedResourceArn(fn, t)),
    "only MediaLive inputs, input security groups and channels and Secrets Manager secrets tagged with this deployment's name (aws:ResourceTag condition): they live in the channels' nested stacks, and a hundred channels' ARNs would outgrow the policy",
  );
}
