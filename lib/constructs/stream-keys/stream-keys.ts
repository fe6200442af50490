import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Env, OperatorRoutes, PENDING_ROTATION_TAG } from '../../../lambda/shared/contract';
import type { LiveChannel } from '../channel/live-channel';
import { AppFunction } from '../core/app-function';
import type { ControlApi } from '../core/control-api';

/** Secrets Manager allows rotation every 1 to 1000 days; the config allows up to a year. */
export const MAX_ROTATE_EVERY_DAYS = 365;

/** Below the HTTP API's 30-second integration timeout, so the API never answers for a function still rotating. */
export const ROTATE_FUNCTION_TIMEOUT = Duration.seconds(25);

/** Props for {@link StreamKeys}. */
export interface StreamKeysProps {
  /** The deployment's channels (their inputs, MediaLive channels and stream-key secrets). */
  readonly channels: readonly LiveChannel[];
  /** ONAIR_CHANNELS (see lambda/shared/registry.ts). */
  readonly channelRegistry: string;
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
 * applies a pending rotation when a channel reaches IDLE, and the optional scheduled rotation.
 * Each function's policy names the inputs, channels and secrets of this deployment only.
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
  public readonly rotationSchedules: secretsmanager.CfnRotationSchedule[] = [];

  constructor(scope: Construct, id: string, props: StreamKeysProps) {
    super(scope, id);
    const days = props.rotateEveryDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_ROTATE_EVERY_DAYS)) {
      throw new Error(
        `rotateEveryDays must be a whole number of days from 1 to ${MAX_ROTATE_EVERY_DAYS}, got ${days}`,
      );
    }
    if (props.channels.length === 0) throw new Error('stream keys need at least one channel');

    const environment = { [Env.CHANNELS]: props.channelRegistry };
    const channelArns = props.channels.map((c) => c.transcode.channel.attrArn);

    this.ingestFunction = new AppFunction(this, 'IngestFn', {
      entry: 'stream-keys',
      handler: 'ingest',
      description: 'OnAir: RTMP ingest details (server URL and stream key) of a channel',
      environment,
    });
    this.rotateFunction = new AppFunction(this, 'RotateFn', {
      entry: 'stream-keys',
      handler: 'rotate',
      description: 'OnAir: rotate a channel stream key now (idle) or record the rotation as pending (live)',
      environment,
      timeout: ROTATE_FUNCTION_TIMEOUT,
    });
    this.stateChangeFunction = new AppFunction(this, 'StateChangeFn', {
      entry: 'stream-keys',
      handler: 'stateChange',
      description: 'OnAir: apply a pending stream-key rotation when a channel reaches IDLE',
      environment,
      timeout: Duration.seconds(60),
    });
    for (const ch of props.channels) {
      ch.ingest.grantReadIngest(this.ingestFunction.function);
      ch.transcode.grantDescribe(this.ingestFunction.function);
      // The state-change function tags too: an interrupted rotation is recorded as pending (see
      // rotateIdleChannel).
      for (const fn of [this.rotateFunction, this.stateChangeFunction]) {
        ch.ingest.grantRotateKey(fn.function, PENDING_ROTATION_TAG);
        ch.transcode.grantDescribe(fn.function);
      }
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

    // Every state change of this deployment's channels: MediaLive reports a stop as "STOPPED"
    // (the channel's API state is then IDLE), so the function checks DescribeChannel itself.
    this.stateChangeRule = new events.Rule(this, 'ChannelStateRule', {
      description:
        'OnAir: MediaLive state changes of this deployment channels (pending stream-key rotations)',
      eventPattern: {
        source: ['aws.medialive'],
        detailType: ['MediaLive Channel State Change'],
        detail: { channel_arn: channelArns },
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
        environment,
        timeout: Duration.seconds(60),
      });
      this.rotationFunction = fn;
      for (const ch of props.channels) {
        ch.ingest.grantScheduledRotation(fn.function, PENDING_ROTATION_TAG);
        ch.transcode.grantDescribe(fn.function);
        // Secrets Manager checks it may invoke the function when the schedule is created. One
        // permission per secret: aws:SourceArn limits each to rotating that secret (the Secrets
        // Manager guide: with SourceArn "the rotation function can only be used to rotate the
        // secret specified by that ARN"), SourceAccount to this account.
        const invoke = new lambda.CfnPermission(this, `RotationInvoke-${ch.channelId}`, {
          action: 'lambda:InvokeFunction',
          functionName: fn.function.functionArn,
          principal: 'secretsmanager.amazonaws.com',
          sourceAccount: Aws.ACCOUNT_ID,
          sourceArn: ch.ingest.credential.secretArn,
        });
        // Not Secret.addRotationSchedule: it grants secretsmanager:GetRandomPassword on "*" (keys
        // are generated in the function) and adds a resource policy to the secret.
        const schedule = new secretsmanager.CfnRotationSchedule(this, `Rotation-${ch.channelId}`, {
          secretId: ch.ingest.credential.secretArn,
          rotationLambdaArn: fn.function.functionArn,
          rotationRules: { automaticallyAfterDays: days },
          // A deploy must not rotate keys (a channel may be live); the schedule starts the clock.
          rotateImmediatelyOnUpdate: false,
        });
        schedule.node.addDependency(invoke, fn.role);
        this.rotationSchedules.push(schedule);
      }
    }
  }
}
