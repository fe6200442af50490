import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  Env,
  IngestProtocol,
  REGISTRATION_RESOURCE_TYPE,
  REGISTRY_TABLE_KEY,
  type RegisteredRung,
  type ViewerAuth,
} from '../../../lambda/shared/contract';
import { AppFunction } from '../core/app-function';
import { TaggedResource, taggedResourceArn } from '../core/deployment-tags';
import { acknowledgeWildcardResources } from '../core/nag';
import type { Delivery } from '../delivery/delivery';
import type { LiveChannel } from './live-channel';
import { Packaging, PackagingFormat } from './packaging';

/** Props for {@link ChannelRegistry}. */
export interface ChannelRegistryProps {
  /** The distribution whose route table the registrations write. */
  readonly delivery: Delivery;
  /** The deployment's (root) stack name: the MediaPackage endpoints' deployment tag. */
  readonly deploymentName: string;
}

/** What a channel registers beyond its resources' ids (lambda/shared/registry.ts RegisteredChannel). */
export interface ChannelRegistrationOptions {
  readonly auth: ViewerAuth;
  /** Minutes RUNNING without input before idle-stop stops it; 0 never. */
  readonly idleMinutes: number;
  readonly autoRestart: boolean;
  /**
   * The channel's sessions are recorded (config archive).
   * @default - true
   */
  readonly record?: boolean;
  /** The channel's ladder, highest rung first, with its frame rate and GOP (`GET /channels` shows it). */
  readonly ladder: readonly RegisteredRung[];
}

/**
 * The channel registry: one DynamoDB item per channel, the one machine-readable list of a
 * deployment's channels (ids of their MediaLive and MediaPackage resources, stream-key secret,
 * playback paths and per-channel settings). The control functions read it (cached per container)
 * instead of an environment variable, so neither their code nor their configuration changes with
 * the number of channels, and `GET /channels` lists it.
 *
 * Items are written at deploy by each channel's own stack: a `Custom::OnAirChannelRegistration`
 * resource ({@link register}) whose provider lives here, once. The same write puts the channel's
 * endpoints into the distribution's route table (a CloudFront KeyValueStore).
 */
export class ChannelRegistry extends Construct {
  public readonly table: dynamodb.Table;
  /** The registration provider's handler (lambda/channel-registration). */
  public readonly function: AppFunction;
  public readonly provider: cr.Provider;

  constructor(scope: Construct, id: string, props: ChannelRegistryProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: REGISTRY_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Rebuilt from the channel stacks' registrations; nothing in it outlives the deployment.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.function = new AppFunction(this, 'Registration', {
      entry: 'channel-registration',
      description:
        'OnAir: registers a channel at deploy (route table of the live router, channel registry table)',
      environment: {
        [Env.ROUTE_TABLE_ARN]: props.delivery.routeTable.keyValueStoreArn,
        [Env.REGISTRY_TABLE]: this.table.tableName,
      },
      // Conflicting route-table writes back off for up to a minute or two when many channel
      // stacks deploy at once (lambda/channel-registration/registration.ts).
      timeout: Duration.minutes(5),
    });
    const fn = this.function.function;
    props.delivery.grantRouteTableWrite(fn);
    this.table.grantReadWriteData(fn);
    // The CMAF manifest's URL (CloudFormation's Url is empty for CMAF endpoints).
    Packaging.grantDeploymentDescribeEndpoints(this, fn, props.deploymentName);
    acknowledgeWildcardResources(
      this.function.role,
      [taggedResourceArn(this, TaggedResource.MEDIAPACKAGE_ORIGIN_ENDPOINT)],
      "only origin endpoints tagged with this deployment's name (aws:ResourceTag condition), and only described: each channel stack's endpoints are created after this role",
    );

    this.provider = new cr.Provider(this, 'Provider', { onEventHandler: fn });
    acknowledgeProvider(this.provider, fn);
  }

  /** Lets a function read the registry; sets the variable naming the table. */
  public grantRead(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(Env.REGISTRY_TABLE, this.table.tableName);
    return this.table.grantReadData(fn);
  }

  /**
   * Registers `channel` from its own scope (its nested stack): a custom resource that writes its
   * route-table keys and registry item on create and update and removes them on delete.
   */
  public register(
    scope: Construct,
    id: string,
    channel: LiveChannel,
    opts: ChannelRegistrationOptions,
  ): CustomResource {
    const ep = channel.packaging.endpoints;
    const resource = new CustomResource(scope, id, {
      serviceToken: this.provider.serviceToken,
      resourceType: REGISTRATION_RESOURCE_TYPE,
      properties: {
        ChannelId: channel.channelId,
        Entry: {
          ml: channel.transcode.channel.ref,
          in: channel.ingest.input.ref,
          key: channel.ingest.credential.secretArn,
          mp: channel.packaging.channel.ref,
          app: channel.ingest.applicationName,
          p: String(channel.ingest.pipelines),
          // The input type, only for SRT (an absent one is RTMP_PUSH, as in ChannelEntry).
          ...(channel.ingest.protocol === IngestProtocol.SRT_LISTENER
            ? { t: IngestProtocol.SRT_LISTENER }
            : {}),
          auth: opts.auth,
          idleMinutes: String(opts.idleMinutes),
          autoRestart: String(opts.autoRestart),
          // Only for channels not recorded, so a recorded channel's properties stay as they were.
          ...(opts.record === false ? { record: 'false' } : {}),
          // CloudFormation passes every leaf as a string; the provider reads the numbers back.
          ladder: opts.ladder.map((r) => ({
            name: r.name,
            width: String(r.width),
            height: String(r.height),
            maxBitrateKbps: String(r.maxBitrateKbps),
            framerate: String(r.framerate),
            gopSeconds: String(r.gopSeconds),
          })),
        },
        Endpoints: {
          hls: { Id: ep[PackagingFormat.HLS].ref, Url: ep[PackagingFormat.HLS].attrUrl },
          dash: { Id: ep[PackagingFormat.DASH].ref, Url: ep[PackagingFormat.DASH].attrUrl },
          cmaf: { Id: ep[PackagingFormat.CMAF].ref },
        },
      },
    });
    // Registered once everything it names exists; deregistered before any of it is deleted.
    resource.node.addDependency(channel);
    return resource;
  }
}

function acknowledgeProvider(provider: cr.Provider, handler: lambda.IFunction): void {
  const fn = provider.node.findChild('framework-onEvent') as lambda.Function;
  if (fn.role === undefined) return;
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'the CDK custom-resource Provider framework function uses AWSLambdaBasicExecutionRole only to write its own logs; its one other permission is invoking the registration handler',
  });
  acknowledgeWildcardResources(
    fn.role,
    [`${handler.functionArn}:*`],
    'the Provider framework may invoke the registration handler and its versions (<arn>:*), nothing else',
  );
}
