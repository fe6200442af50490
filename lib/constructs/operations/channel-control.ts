import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { Env, OperatorRoutes, type Route } from '../../../lambda/shared/contract';
import type { LiveChannel } from '../channel/live-channel';
import { Transcode } from '../channel/transcode';
import { AppFunction } from '../core/app-function';
import type { ControlApi } from '../core/control-api';
import { acknowledgeWildcardResources } from '../core/nag';

/** How often idle channels are looked for. */
export const IDLE_CHECK_MINUTES = 5;
/** Safe delete waits at most this long for a channel to stop (MediaLive stops in a few minutes). */
export const SAFE_DELETE_TIMEOUT = Duration.minutes(30);

/** Per-channel settings the control functions need beyond the registry. */
export interface ControlledChannel {
  readonly channel: LiveChannel;
  /** Stop after this many minutes RUNNING without input; 0 never. */
  readonly autoStopIdleMinutes: number;
  /** Start the channel once, when CloudFormation creates it. */
  readonly autoStart: boolean;
}

/** Props for {@link ChannelControl}. */
export interface ChannelControlProps {
  readonly stage: string;
  readonly channels: readonly ControlledChannel[];
  /** ONAIR_CHANNELS (lib/constructs/channel/channel-registry.ts). */
  readonly channelRegistry: string;
  readonly api: ControlApi;
  /**
   * The health status table (read for live/offline, last alert, live since; idle auto-stop
   * records its stops there, which the health function announces).
   */
  readonly statusTable: dynamodb.ITable;
  /** Host name of the playback URLs (CloudFront or the custom domain). */
  readonly playbackDomain: string;
}

/**
 * Channel operations: the operator routes (list, status, start, stop), the idle auto-stop
 * schedule, and the lifecycle custom resources (safe delete for every channel, auto-start for
 * those configured so).
 */
export class ChannelControl extends Construct {
  public readonly controlFunction: AppFunction;
  public readonly idleStopFunction: AppFunction;
  public readonly idleStopRule: events.Rule;
  public readonly lifecycleFunction: AppFunction;
  public readonly lifecycleProvider: cr.Provider;
  /** Safe-delete custom resource per channel id. */
  public readonly safeDelete: Readonly<Record<string, CustomResource>>;
  /** Auto-start custom resource per channel id (only channels with autoStart). */
  public readonly autoStart: Readonly<Record<string, CustomResource>>;

  constructor(scope: Construct, id: string, props: ChannelControlProps) {
    super(scope, id);
    this.controlFunction = new AppFunction(this, 'Function', {
      entry: 'channel-control',
      description: 'OnAir operator API: list channels, status, start, stop',
      environment: {
        [Env.CHANNELS]: props.channelRegistry,
        [Env.STATUS_TABLE]: props.statusTable.tableName,
        [Env.PLAYBACK_DOMAIN]: props.playbackDomain,
      },
      timeout: Duration.seconds(29),
    });
    const control = this.controlFunction.function;
    for (const { channel } of props.channels) {
      channel.transcode.grantStartStop(control);
      channel.ingest.grantDescribe(control);
    }
    props.statusTable.grantReadData(control);
    const route = (id: string, r: Route) =>
      props.api.addOperatorRoute(id, apigw.HttpMethod[r.method], r.path, control);
    route('ListChannels', OperatorRoutes.LIST_CHANNELS);
    route('ChannelStatus', OperatorRoutes.CHANNEL_STATUS);
    route('StartChannel', OperatorRoutes.START_CHANNEL);
    route('StopChannel', OperatorRoutes.STOP_CHANNEL);

    // Idle auto-stop.
    const idleMinutes = Object.fromEntries(
      props.channels.map((c) => [c.channel.channelId, c.autoStopIdleMinutes]),
    );
    this.idleStopFunction = new AppFunction(this, 'IdleStop', {
      entry: 'idle-stop',
      description: 'OnAir idle auto-stop: stops channels RUNNING without input for their idle window',
      environment: {
        [Env.CHANNELS]: props.channelRegistry,
        [Env.IDLE_MINUTES]: JSON.stringify(idleMinutes),
        [Env.STATUS_TABLE]: props.statusTable.tableName,
      },
      // No reserved concurrency: reserving any makes deploys fail on accounts whose unreserved
      // concurrency would drop below Lambda's minimum (new and sandbox accounts). Runs are 5
      // minutes apart with a 1-minute timeout and no retries; if two ever overlapped, the second
      // StopChannel would only meet a ConflictException.
      timeout: Duration.minutes(1),
    });
    const idle = this.idleStopFunction.function;
    const stoppable = props.channels.filter((c) => c.autoStopIdleMinutes > 0).map((c) => c.channel);
    for (const { channel } of props.channels) channel.transcode.grantDescribe(idle);
    for (const channel of stoppable) channel.transcode.grantStop(idle);
    // GetMetricData has no resource-level permissions (IAM service authorization reference).
    idle.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    acknowledgeWildcardResources(
      this.idleStopFunction.role,
      ['*'],
      'cloudwatch:GetMetricData supports no resource-level permissions; the function only reads MediaLive input metrics',
    );
    props.statusTable.grantReadData(idle);
    // Records an automatic stop on the channel's status record (the health function announces it).
    props.statusTable.grant(idle, 'dynamodb:UpdateItem');
    this.idleStopRule = new events.Rule(this, 'IdleStopSchedule', {
      description: `OnAir ${props.stage}: look for idle channels every ${IDLE_CHECK_MINUTES} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(IDLE_CHECK_MINUTES)),
      enabled: stoppable.length > 0,
    });
    this.idleStopRule.addTarget(new targets.LambdaFunction(idle, { retryAttempts: 0 }));

    // Lifecycle custom resources.
    this.lifecycleFunction = new AppFunction(this, 'Lifecycle', {
      entry: 'channel-lifecycle',
      description:
        'OnAir channel lifecycle: stop channels before CloudFormation deletes them; auto-start on create',
      timeout: Duration.minutes(1),
    });
    const lifecycle = this.lifecycleFunction.function;
    for (const { channel } of props.channels) channel.transcode.grantStop(lifecycle);
    // Safe delete of a channel removed or renamed in the config runs in CloudFormation's cleanup
    // phase, after this policy was updated to name only the remaining channels (and a rollback
    // deletes a channel the restored policy never named): the tag grant covers every channel of
    // this deployment. The ARN grant above keeps current channels covered whatever their tags.
    Transcode.grantOnDeploymentChannels(this, lifecycle, [
      'medialive:DescribeChannel',
      'medialive:StopChannel',
    ]);
    acknowledgeWildcardResources(
      this.lifecycleFunction.role,
      [Transcode.deploymentChannelsArn(this)],
      "only channels tagged with this deployment's stack name (aws:ResourceTag condition), and only describe and stop: safe delete must reach a channel removed from the config, which the updated policy no longer names by ARN",
    );
    for (const c of props.channels) if (c.autoStart) c.channel.transcode.grantStart(lifecycle);
    this.lifecycleProvider = new cr.Provider(this, 'LifecycleProvider', {
      onEventHandler: lifecycle,
      isCompleteHandler: lifecycle,
      queryInterval: Duration.seconds(20),
      totalTimeout: SAFE_DELETE_TIMEOUT,
      logGroup: new logs.LogGroup(this, 'LifecycleProviderLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });

    this.acknowledgeProviderFindings(lifecycle);

    const safeDelete: Record<string, CustomResource> = {};
    const autoStart: Record<string, CustomResource> = {};
    for (const c of props.channels) {
      const ch = c.channel;
      const resource = (kind: string) => {
        const r = new CustomResource(this, `${kind}-${ch.channelId}`, {
          serviceToken: this.lifecycleProvider.serviceToken,
          resourceType: 'Custom::OnAirChannelLifecycle',
          properties: { Kind: kind, ChannelId: ch.transcode.channel.ref },
        });
        // Depending on the channel makes CloudFormation delete this resource (and so stop the
        // channel) before it deletes the channel, and create it only once the channel exists.
        r.node.addDependency(ch.transcode.channel);
        return r;
      };
      const guard = resource('SafeDelete');
      safeDelete[ch.channelId] = guard;
      if (c.autoStart) {
        const start = resource('AutoStart');
        // Start only once safe delete exists: if the deployment then fails, rollback deletes
        // safe delete (stopping the channel) before the channel, so it cannot fail on a running one.
        start.node.addDependency(guard);
        autoStart[ch.channelId] = start;
      }
    }
    this.safeDelete = safeDelete;
    this.autoStart = autoStart;
  }

  /** cdk-nag findings on the Provider framework's own functions, roles and state machine (CDK-owned code). */
  private acknowledgeProviderFindings(userFunction: lambda.IFunction): void {
    const provider = this.lifecycleProvider;
    const reason =
      'CDK Provider framework: its functions invoke the user handler (any version, hence :*) and each other; the code and policies are generated by aws-cdk-lib';
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK Provider framework functions use the basic execution role for their own logs; generated by aws-cdk-lib',
    });
    const fw = (name: string) => provider.node.tryFindChild(name) as lambda.IFunction | undefined;
    const arns = [userFunction, fw('framework-isComplete'), fw('framework-onTimeout')]
      .filter((f): f is lambda.IFunction => f !== undefined)
      .map((f) => `${f.functionArn}:*`);
    acknowledgeWildcardResources(provider, arns, reason);
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'the Provider waiter state machine only polls isComplete; its invocations are logged by the framework functions',
    });
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-SF2',
      reason:
        'the Provider waiter runs only during stack deletes and auto-start; X-Ray adds cost without diagnostic value here',
    });
  }
}
