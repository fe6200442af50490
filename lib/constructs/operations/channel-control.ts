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
import type { ChannelRegistry } from '../channel/channel-registry';
import { Ingest } from '../channel/ingest';
import type { LiveChannel } from '../channel/live-channel';
import { Transcode } from '../channel/transcode';
import { AppFunction } from '../core/app-function';
import type { ControlApi } from '../core/control-api';
import { TaggedResource, taggedResourceArn } from '../core/deployment-tags';
import { acknowledgeWildcardResources } from '../core/nag';

/** How often idle channels are looked for. */
export const IDLE_CHECK_MINUTES = 5;
/** Safe delete waits at most this long for a channel to stop (MediaLive stops in a few minutes). */
export const SAFE_DELETE_TIMEOUT = Duration.minutes(30);

/** The lifecycle custom resources of one channel ({@link ChannelControl.addLifecycle}). */
export interface ChannelLifecycle {
  readonly safeDelete: CustomResource;
  /** @default - undefined unless the channel starts on create */
  readonly autoStart?: CustomResource;
}

/** Props for {@link ChannelControl}. */
export interface ChannelControlProps {
  readonly stage: string;
  /** The deployment's (root) stack name: the channels' and inputs' deployment tag. */
  readonly deploymentName: string;
  /** The channel registry the functions read. */
  readonly registry: ChannelRegistry;
  /** Some channel stops itself when idle (config autoStopIdleMinutes > 0): the schedule runs. */
  readonly anyAutoStop: boolean;
  /** Some channel starts on create (config autoStart): the lifecycle function may start tagged channels. */
  readonly anyAutoStart: boolean;
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
 * schedule, and the lifecycle provider whose custom resources each channel's stack adds
 * ({@link addLifecycle}: safe delete for every channel, auto-start for those configured so).
 * Every grant reaches the deployment's channels by tag (lib/constructs/deployment-tags.ts).
 */
export class ChannelControl extends Construct {
  public readonly controlFunction: AppFunction;
  public readonly idleStopFunction: AppFunction;
  public readonly idleStopRule: events.Rule;
  public readonly lifecycleFunction: AppFunction;
  public readonly lifecycleProvider: cr.Provider;

  constructor(scope: Construct, id: string, props: ChannelControlProps) {
    super(scope, id);
    const deploymentName = props.deploymentName;
    const channelsArn = Transcode.deploymentChannelsArn(this);

    this.controlFunction = new AppFunction(this, 'Function', {
      entry: 'channel-control',
      description: 'OnAir operator API: list channels, status, start, stop',
      environment: {
        [Env.STATUS_TABLE]: props.statusTable.tableName,
        [Env.PLAYBACK_DOMAIN]: props.playbackDomain,
      },
      timeout: Duration.seconds(29),
    });
    const control = this.controlFunction.function;
    props.registry.grantRead(control);
    Transcode.grantOnDeploymentChannels(
      this,
      control,
      ['medialive:DescribeChannel', 'medialive:StartChannel', 'medialive:StopChannel'],
      { deploymentName },
    );
    Ingest.grantDeploymentDescribe(this, control, deploymentName);
    acknowledgeWildcardResources(
      this.controlFunction.role,
      [channelsArn, taggedResourceArn(this, TaggedResource.MEDIALIVE_INPUT)],
      "only MediaLive channels and inputs tagged with this deployment's name (aws:ResourceTag condition): operators start and stop any channel of the deployment, each in its own nested stack",
    );
    props.statusTable.grantReadData(control);
    const route = (id: string, r: Route) =>
      props.api.addOperatorRoute(id, apigw.HttpMethod[r.method], r.path, control);
    route('ListChannels', OperatorRoutes.LIST_CHANNELS);
    route('ChannelStatus', OperatorRoutes.CHANNEL_STATUS);
    route('StartChannel', OperatorRoutes.START_CHANNEL);
    route('StopChannel', OperatorRoutes.STOP_CHANNEL);

    // Idle auto-stop: each channel's idle window comes with its registry entry.
    this.idleStopFunction = new AppFunction(this, 'IdleStop', {
      entry: 'idle-stop',
      description: 'OnAir idle auto-stop: stops channels RUNNING without input for their idle window',
      environment: {
        [Env.STATUS_TABLE]: props.statusTable.tableName,
      },
      // No reserved concurrency: reserving any makes deploys fail on accounts whose unreserved
      // concurrency would drop below Lambda's minimum (new and sandbox accounts). Runs are 5
      // minutes apart with a 1-minute timeout and no retries; if two ever overlapped, the second
      // StopChannel would only meet a ConflictException.
      timeout: Duration.minutes(1),
    });
    const idle = this.idleStopFunction.function;
    props.registry.grantRead(idle);
    Transcode.grantOnDeploymentChannels(this, idle, ['medialive:DescribeChannel'], { deploymentName });
    if (props.anyAutoStop) {
      // Only channels whose config has an idle window carry the auto-stop tag.
      Transcode.grantOnDeploymentChannels(this, idle, ['medialive:StopChannel'], {
        deploymentName,
        capability: 'autoStop',
      });
    }
    // GetMetricData has no resource-level permissions (IAM service authorization reference).
    idle.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    acknowledgeWildcardResources(
      this.idleStopFunction.role,
      ['*'],
      'cloudwatch:GetMetricData supports no resource-level permissions; the function only reads MediaLive input metrics',
    );
    acknowledgeWildcardResources(
      this.idleStopFunction.role,
      [channelsArn],
      "only MediaLive channels tagged with this deployment's name (aws:ResourceTag condition), and StopChannel only those also tagged onair:auto-stop=true",
    );
    props.statusTable.grantReadData(idle);
    // Records an automatic stop on the channel's status record (the health function announces it).
    props.statusTable.grant(idle, 'dynamodb:UpdateItem');
    this.idleStopRule = new events.Rule(this, 'IdleStopSchedule', {
      description: `OnAir ${props.stage}: look for idle channels every ${IDLE_CHECK_MINUTES} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(IDLE_CHECK_MINUTES)),
      enabled: props.anyAutoStop,
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
    // Safe delete of a channel removed or renamed in the config runs in CloudFormation's cleanup
    // phase (and a rollback deletes a channel the restored template never named): the tag grant
    // covers every channel of this deployment, whichever nested stack holds it.
    Transcode.grantOnDeploymentChannels(
      this,
      lifecycle,
      ['medialive:DescribeChannel', 'medialive:StopChannel'],
      {
        deploymentName,
      },
    );
    if (props.anyAutoStart) {
      // Only channels whose config says autoStart carry the auto-start tag.
      Transcode.grantOnDeploymentChannels(this, lifecycle, ['medialive:StartChannel'], {
        deploymentName,
        capability: 'autoStart',
      });
    }
    acknowledgeWildcardResources(
      this.lifecycleFunction.role,
      [channelsArn],
      "only channels tagged with this deployment's stack name (aws:ResourceTag condition), describe and stop (and start, for channels also tagged onair:auto-start=true): safe delete must reach a channel removed from the config, which no policy names by ARN",
    );
    this.lifecycleProvider = new cr.Provider(this, 'LifecycleProvider', {
      onEventHandler: lifecycle,
      isCompleteHandler: lifecycle,
      queryInterval: Duration.seconds(20),
      totalTimeout: SAFE_DELETE_TIMEOUT,
      logGroup: new logs.LogGroup(this, 'LifecycleProviderLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });

    this.acknowledgeProviderFindings(lifecycle);
  }

  /**
   * Adds a channel's lifecycle custom resources in its own scope (its nested stack): safe delete,
   * and auto-start when configured.
   */
  public addLifecycle(
    scope: Construct,
    channel: LiveChannel,
    opts: { autoStart: boolean },
  ): ChannelLifecycle {
    const resource = (kind: string) => {
      const r = new CustomResource(scope, kind, {
        serviceToken: this.lifecycleProvider.serviceToken,
        resourceType: 'Custom::OnAirChannelLifecycle',
        properties: { Kind: kind, ChannelId: channel.transcode.channel.ref },
      });
      // Depending on the channel makes CloudFormation delete this resource (and so stop the
      // channel) before it deletes the channel, and create it only once the channel exists.
      r.node.addDependency(channel.transcode.channel);
      return r;
    };
    const safeDelete = resource('SafeDelete');
    if (!opts.autoStart) return { safeDelete };
    const autoStart = resource('AutoStart');
    // Start only once safe delete exists: if the deployment then fails, rollback deletes
    // safe delete (stopping the channel) before the channel, so it cannot fail on a running one.
    autoStart.node.addDependency(safeDelete);
    return { safeDelete, autoStart };
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
