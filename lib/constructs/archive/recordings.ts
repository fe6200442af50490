import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  Env,
  OperatorRoutes,
  RECORDING_EXPIRES_AT,
  RECORDINGS_BY_CHANNEL_INDEX,
  RECORDINGS_PREFIX,
  RECORDINGS_TABLE_KEY,
  recordingPartSeconds,
  SWEEP_MINUTES,
  THUMBNAILS_PREFIX,
} from '../../../lambda/shared/contract';
import type { ChannelRegistry } from '../channel/channel-registry';
import { Packaging } from '../channel/packaging';
import { AppFunction } from '../core/app-function';
import type { ControlApi } from '../core/control-api';
import { TaggedResource, taggedResourceArn } from '../core/deployment-tags';
import { acknowledgeWildcardResources } from '../core/nag';
import type { Archive } from './archive';

/** Props for {@link Recordings}. */
export interface RecordingsProps {
  /** The deployment's (root) stack name: the origin endpoints harvested carry it as a tag. */
  readonly deploymentName: string;
  /** The channel registry (each channel's MediaLive and MediaPackage ids). */
  readonly registry: ChannelRegistry;
  /** The control API the operator routes are added to. */
  readonly controlApi: ControlApi;
  /** Receives the recordings under `recordings/<channel>/<recording id>/`. */
  readonly archive: Archive;
  /** The endpoints' startover window: parts are harvested from it (at least 1 hour). */
  readonly startoverWindowSeconds: number;
  /**
   * Publish new recordings (viewers may obtain sessions for them) without an operator's publish.
   * @default - false: new recordings are private until published
   */
  readonly publishByDefault?: boolean;
  /**
   * MediaLive captures frames into `thumbnails/<channel>/`: each recording gets a poster.
   * @default - false: recordings have no poster
   */
  readonly thumbnails?: boolean;
  /** The health function's channel status table: the sweep reconciles sessions with it (lost state events). */
  readonly statusTable: dynamodb.ITable;
  /** Receives the alarm on the dead-letter queue (a recording event that failed every retry). */
  readonly alarmTopic: sns.ITopic;
}

/**
 * A signed-playable VOD of every live session: MediaLive state changes open and close a
 * session, a sweep harvests its parts from the HLS endpoint's startover window while it is live
 * (MediaPackage harvest jobs), harvest notifications mark parts done and join them into one
 * HLS VOD, indexed in a DynamoDB table; operators list, read, delete, publish and unpublish
 * recordings. A failed event is retried, then kept in a dead-letter queue that alarms.
 */
export class Recordings extends Construct {
  public readonly table: dynamodb.Table;
  /** The role MediaPackage assumes to write parts into the archive bucket (recordings/ only). */
  public readonly harvestRole: iam.Role;
  /** State changes, the sweep and failed parts (MediaPackage and the index). */
  public readonly eventsFunction: AppFunction;
  /** Harvested parts joined into the VOD, with its poster (S3 and the index). */
  public readonly filesFunction: AppFunction;
  /** The operator routes. */
  public readonly apiFunction: AppFunction;
  /** Events that could not be delivered, or whose handling failed on every retry. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RecordingsProps) {
    super(scope, id);
    let partSeconds: number;
    try {
      partSeconds = recordingPartSeconds(props.startoverWindowSeconds);
    } catch (err) {
      throw new Error(
        `recordings: ${(err as Error).message} (startoverWindowSeconds ${props.startoverWindowSeconds})`,
      );
    }
    const bucket = props.archive.bucket;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: RECORDINGS_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // The index of a retained bucket: recordings outlive the platform, so does their index.
      removalPolicy: RemovalPolicy.RETAIN,
      // Always on, whatever archive.expireAfterDays: only records of an expiring archive carry the
      // attribute, and the table's TTL setting never flips with the config (DynamoDB accepts one
      // TTL change per hour, and a new attribute name only after disabling).
      timeToLiveAttribute: RECORDING_EXPIRES_AT,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: RECORDINGS_BY_CHANNEL_INDEX,
      partitionKey: { name: 'channelId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sessionStart', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    this.harvestRole = new iam.Role(this, 'HarvestRole', {
      assumedBy: new iam.ServicePrincipal('mediapackage.amazonaws.com'),
      description: 'MediaPackage writes recording parts into the archive bucket (recordings/ only)',
    });
    props.archive.grantHarvest(this.harvestRole, RECORDINGS_PREFIX);
    acknowledgeWildcardResources(
      this.harvestRole,
      [bucket.arnForObjects(`${RECORDINGS_PREFIX}*`)],
      'MediaPackage names the harvested segments at run time; the grant is limited to the recordings/ prefix of the archive bucket',
    );

    this.eventsFunction = new AppFunction(this, 'EventsFn', {
      entry: 'archive',
      handler: 'recorder',
      serviceName: 'recordings',
      description: 'OnAir: recordings from live sessions (state changes, the sweep, failed part harvests)',
      environment: {
        [Env.REGISTRY_TABLE]: props.registry.table.tableName,
        [Env.ARCHIVE_BUCKET]: bucket.bucketName,
        [Env.HARVEST_ROLE_ARN]: this.harvestRole.roleArn,
        [Env.STARTOVER_SECONDS]: String(props.startoverWindowSeconds),
        [Env.RECORDINGS_TABLE]: this.table.tableName,
        [Env.RECORDING_PART_SECONDS]: String(partSeconds),
        [Env.PUBLISH_BY_DEFAULT]: String(props.publishByDefault ?? false),
        [Env.STATUS_TABLE]: props.statusTable.tableName,
        ...(props.archive.expireAfterDays === undefined
          ? {}
          : { [Env.RECORDING_EXPIRE_DAYS]: String(props.archive.expireAfterDays) }),
      },
      timeout: Duration.seconds(60),
    });
    const filesEnvironment = {
      [Env.REGISTRY_TABLE]: props.registry.table.tableName,
      [Env.ARCHIVE_BUCKET]: bucket.bucketName,
      [Env.RECORDINGS_TABLE]: this.table.tableName,
      [Env.THUMBNAILS]: String(props.thumbnails ?? false),
    };
    this.filesFunction = new AppFunction(this, 'FilesFn', {
      entry: 'recording-files',
      handler: 'harvested',
      description: 'OnAir: join the harvested parts of a recording into one HLS VOD, with its poster',
      environment: filesEnvironment,
      // Joining a long recording reads one playlist per rendition and part.
      timeout: Duration.minutes(5),
      memorySize: 512,
    });
    this.apiFunction = new AppFunction(this, 'ApiFn', {
      entry: 'recording-files',
      handler: 'api',
      description: 'OnAir: operator routes of recordings (list, read, delete, publish, unpublish)',
      environment: filesEnvironment,
      timeout: Duration.seconds(25),
    });

    const ev = this.eventsFunction.function;
    this.grantTable(ev, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    props.statusTable.grant(ev, 'dynamodb:GetItem');
    const harvestJobs = Stack.of(this).formatArn({
      service: 'mediapackage',
      resource: 'harvest_jobs',
      resourceName: '*',
    });
    ev.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['mediapackage:DescribeHarvestJob'],
        resources: [harvestJobs],
      }),
    );
    // MediaPackage v1's create actions have no resource type in the Service Authorization
    // Reference (like CreateChannel): a resource-scoped CreateHarvestJob would be denied. What a
    // job may write is bounded by the harvest role it must pass (only its own S3 prefix).
    Packaging.grantCreateHarvestJobs(ev.role as iam.IRole);
    props.registry.grantRead(ev);
    Packaging.grantDeploymentHarvest(this, ev.role as iam.IRole, props.deploymentName);
    acknowledgeWildcardResources(
      this.eventsFunction.role,
      [taggedResourceArn(this, TaggedResource.MEDIAPACKAGE_ORIGIN_ENDPOINT)],
      "only origin endpoints tagged with this deployment's name (aws:ResourceTag condition): they live in the channels' nested stacks",
    );
    this.harvestRole.grantPassRole(ev.grantPrincipal);
    acknowledgeWildcardResources(
      this.eventsFunction.role,
      [harvestJobs],
      'harvest jobs are named per part at run time; the grant covers harvest jobs of this account and Region only, and the origin endpoints are named',
    );

    // Parts' playlists in, the joined VOD and poster out; frames read to pick the poster.
    const files = this.filesFunction.function;
    this.grantTable(files, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    props.archive.grantPrefix(files, RECORDINGS_PREFIX, ['s3:GetObject', 's3:PutObject']);
    props.archive.grantPrefix(files, THUMBNAILS_PREFIX, ['s3:GetObject']);
    acknowledgeWildcardResources(
      this.filesFunction.role,
      [bucket.arnForObjects(`${RECORDINGS_PREFIX}*`), bucket.arnForObjects(`${THUMBNAILS_PREFIX}*`)],
      "MediaPackage names the parts' files at run time; the grants are limited to the recordings/ and thumbnails/ prefixes of the archive bucket",
    );

    const api = this.apiFunction.function;
    props.registry.grantRead(api);
    props.registry.grantRead(files);
    this.grantTable(api, ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    this.grantTable(api, ['dynamodb:Query'], true);
    props.archive.grantPrefix(api, RECORDINGS_PREFIX, ['s3:DeleteObject']);
    acknowledgeWildcardResources(
      this.apiFunction.role,
      [bucket.arnForObjects(`${RECORDINGS_PREFIX}*`)],
      "deleting a recording removes every object under its folder; the grant is limited to the archive bucket's recordings/ prefix",
    );
    for (const [rid, r] of [
      ['ListRecordings', OperatorRoutes.LIST_RECORDINGS],
      ['GetRecording', OperatorRoutes.GET_RECORDING],
      ['DeleteRecording', OperatorRoutes.DELETE_RECORDING],
      ['PublishRecording', OperatorRoutes.PUBLISH_RECORDING],
      ['UnpublishRecording', OperatorRoutes.UNPUBLISH_RECORDING],
    ] as const)
      props.controlApi.addOperatorRoute(rid, apigw.HttpMethod[r.method], r.path, api);

    // One queue for both failure paths: EventBridge could not invoke the function, or the
    // function failed on every asynchronous attempt. Handling is idempotent per session and part,
    // so a message can be replayed into the function as it is.
    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'this queue is itself the dead-letter queue of the recordings rules and function; operators read and replay it',
    });
    for (const fn of [this.eventsFunction, this.filesFunction])
      fn.function.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DlqAlarm', {
      alarmDescription:
        'A recording event failed every retry and waits in the recordings dead-letter queue: a recording may be incomplete (docs/archive-and-clips.md)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));

    const target = (fn = ev) =>
      new targets.LambdaFunction(fn, {
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetterQueue,
      });
    new events.Rule(this, 'StateRule', {
      // Every channel's: the function keeps those of this deployment's registry (channels live in
      // nested stacks; the platform stack names none of them).
      description: 'OnAir: MediaLive state changes (recording sessions of this deployment open and close)',
      eventPattern: {
        source: ['aws.medialive'],
        detailType: ['MediaLive Channel State Change'],
      },
      targets: [target()],
    });
    const harvested = (...status: string[]) => ({
      source: ['aws.mediapackage'],
      detailType: ['MediaPackage HarvestJob Notification'],
      detail: {
        harvest_job: { status, s3_destination: { manifest_key: [{ prefix: RECORDINGS_PREFIX }] } },
      },
    });
    new events.Rule(this, 'HarvestedRule', {
      description: 'OnAir: recording parts harvested (the last one joins the recording)',
      // The API's status enum says SUCCEEDED; the user guide's example notification shows
      // COMPLETED: match both until a real notification settles it (docs/first-deploy-checks.md).
      eventPattern: harvested('SUCCEEDED', 'COMPLETED'),
      targets: [target(files)],
    });
    new events.Rule(this, 'HarvestFailedRule', {
      description: 'OnAir: recording parts whose harvest failed (retried)',
      eventPattern: harvested('FAILED'),
      targets: [target()],
    });
    new events.Rule(this, 'SweepRule', {
      description: 'OnAir: harvest the finished parts of sessions still live',
      schedule: events.Schedule.rate(Duration.minutes(SWEEP_MINUTES)),
      targets: [target()],
    });
  }

  /**
   * Lets the viewer session function read what viewers may see: GetItem on the table (one
   * recording's session) and Query on the channel index (the listing of published recordings).
   */
  public grantViewerRead(grantee: iam.IGrantable): void {
    this.grantTable(grantee, ['dynamodb:GetItem']);
    this.grantTable(grantee, ['dynamodb:Query'], true);
  }

  /** Exact item actions on the table (or its channel index). */
  private grantTable(grantee: iam.IGrantable, actions: string[], index = false): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [
        index ? `${this.table.tableArn}/index/${RECORDINGS_BY_CHANNEL_INDEX}` : this.table.tableArn,
      ],
    });
  }
}
