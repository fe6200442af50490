import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as medialive from 'aws-cdk-lib/aws-medialive';
import { Construct } from 'constructs';
import {
  AUTO_RESTART_TAG,
  AUTO_START_TAG,
  AUTO_STOP_TAG,
  IngestProtocol,
} from '../../../lambda/shared/contract';
import {
  ARCHIVE_DESTINATION_ID,
  AUDIO_SELECTOR_NAME,
  buildEncoderSettings,
  buildInputSpecification,
  FRAME_CAPTURE_DESTINATION_ID,
  MEDIAPACKAGE_DESTINATION_ID,
} from '../../media/encoder-settings';
import type { Rendition } from '../../media/ladders';
import { LATENCY_PROFILES, type LatencyMode } from '../../media/latency';
import { checkEncoderSettings } from '../../media/validate';
import type { Archive } from '../archive/archive';
import {
  deploymentTags,
  grantOnDeployment,
  TaggedResource,
  taggedResourceArn,
} from '../core/deployment-tags';
import { METRIC_PERIOD, mediaLiveMetric } from '../core/metrics';
import { acknowledgeWildcardResources } from '../core/nag';
import type { Ingest } from './ingest';
import type { Packaging } from './packaging';

/** MediaLive output group names (lib/media/encoder-settings.ts); output error metrics are per group. */
export const MEDIAPACKAGE_OUTPUT_GROUP = 'mediapackage';
export const ARCHIVE_OUTPUT_GROUP = 'archive';

/** Per-channel opt-ins the control functions' grants require as tags on the MediaLive channel. */
export interface ChannelCapabilities {
  /** The lifecycle function starts it once when CloudFormation creates it. @default - false */
  readonly autoStart?: boolean;
  /** The idle-stop function stops it after its idle window. @default - false */
  readonly autoStop?: boolean;
  /** The health function restarts its failed pipelines. @default - false */
  readonly autoRestart?: boolean;
}

/** The tag each capability is granted by (valued "true"; lambda/shared/contract/resources.ts). */
export const CAPABILITY_TAGS: Readonly<Record<keyof ChannelCapabilities, string>> = {
  autoStart: AUTO_START_TAG,
  autoStop: AUTO_STOP_TAG,
  autoRestart: AUTO_RESTART_TAG,
};

export enum ChannelClass {
  SINGLE_PIPELINE = 'SINGLE_PIPELINE',
  STANDARD = 'STANDARD',
}

/** Props for {@link Transcode}. */
export interface TranscodeProps {
  readonly channelId: string;
  /**
   * The deployment's (root) stack name: the channel is named `<deployment>-<channel>` and tagged
   * with it (inside a nested stack, `Stack.of(this).stackName` is the nested stack's name).
   */
  readonly deploymentName: string;
  /**
   * What the control plane may do to this channel beyond describing and stopping it for a delete,
   * as capability tags (see {@link Transcode.grantOnDeploymentChannels}).
   * @default - none
   */
  readonly capabilities?: ChannelCapabilities;
  readonly channelClass: ChannelClass;
  /** ABR ladder, highest rung first. */
  readonly renditions: readonly Rendition[];
  readonly latency: LatencyMode;
  /**
   * Output frame rate (MediaPackage output groups need it specified).
   * @default - 30
   */
  readonly framerate?: number;
  /**
   * Input resolution class.
   * @default - the smallest class that carries the top rung
   */
  readonly inputResolution?: 'SD' | 'HD' | 'UHD';
  /**
   * Input bitrate class.
   * @default - room for a contribution stream of twice the top rung's ceiling
   */
  readonly inputMaximumBitrate?: 'MAX_10_MBPS' | 'MAX_20_MBPS' | 'MAX_50_MBPS';
  readonly ingest: Ingest;
  readonly packaging: Packaging;
  /**
   * Where sessions are recorded.
   * @default - not recorded
   */
  readonly archive?: Archive;
  /**
   * Seconds per archive file.
   * @default - 300
   */
  readonly archiveRolloverSeconds?: number;
  /**
   * MediaLive records the raw MPEG-TS archive of the top rung into `archive` (needs `archive`).
   * @default - true
   */
  readonly rawArchive?: boolean;
  /**
   * Seconds between frame captures written to the archive bucket's `thumbnails/<channel>/`
   * (needs `archive`).
   * @default - no frame capture
   */
  readonly thumbnailIntervalSeconds?: number;
}

/**
 * The MediaLive channel of one live channel: RTMP or SRT input in, an ABR ladder out to MediaPackage
 * and, optionally, a recording of the top rung to the archive bucket. Channels are created
 * IDLE; nothing here starts one.
 */
export class Transcode extends Construct {
  public readonly channel: medialive.CfnChannel;
  public readonly role: iam.Role;
  /** Encoding pipelines: 1 for SINGLE_PIPELINE, 2 for STANDARD (MediaLive metrics are per pipeline). */
  public readonly pipelines: number;
  /** Whether MediaLive records the raw MPEG-TS archive (an Archive output group). */
  public readonly archived: boolean;

  constructor(scope: Construct, id: string, props: TranscodeProps) {
    super(scope, id);
    if (props.renditions.length === 0)
      throw new Error(`channel "${props.channelId}": the ladder has no renditions`);
    const pipelines = props.channelClass === ChannelClass.STANDARD ? ['a', 'b'] : ['a'];
    this.pipelines = pipelines.length;
    const raw = props.archive !== undefined && (props.rawArchive ?? true);
    this.archived = raw;
    const rollover = raw ? (props.archiveRolloverSeconds ?? 300) : undefined;
    const thumbnails = props.archive === undefined ? undefined : props.thumbnailIntervalSeconds;
    if (thumbnails !== undefined && (!Number.isInteger(thumbnails) || thumbnails < 1 || thumbnails > 3600))
      throw new Error(
        `channel "${props.channelId}": thumbnailIntervalSeconds must be a whole number of seconds from 1 to 3600, got ${thumbnails}`,
      );

    const settings = buildEncoderSettings({
      renditions: props.renditions,
      latency: props.latency,
      framerate: props.framerate ?? 30,
      archiveRolloverSeconds: rollover,
      frameCaptureIntervalSeconds: thumbnails,
    });
    const inputSpecification = buildInputSpecification(props.renditions, {
      resolution: props.inputResolution,
      maximumBitrate: props.inputMaximumBitrate,
    });
    const destinationIds = [
      MEDIAPACKAGE_DESTINATION_ID,
      ...(raw ? [ARCHIVE_DESTINATION_ID] : []),
      ...(thumbnails !== undefined ? [FRAME_CAPTURE_DESTINATION_ID] : []),
    ];
    const segmentSeconds: Record<string, number> = {
      packaging: LATENCY_PROFILES[props.latency].segmentSeconds,
    };
    if (rollover !== undefined) segmentSeconds.archive = rollover;
    const problems = checkEncoderSettings(settings, {
      segmentSeconds,
      inputResolution: inputSpecification.Resolution ?? 'HD',
      destinationIds,
    });
    if (problems.length > 0) {
      throw new Error(
        `channel "${props.channelId}": invalid encoder settings:\n  - ${problems.join('\n  - ')}`,
      );
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('medialive.amazonaws.com'),
      description: `MediaLive channel ${props.channelId}: send to MediaPackage, record to the archive, write logs${props.ingest.protocol === IngestProtocol.SRT_LISTENER ? ', read the SRT passphrase' : ''}`,
    });
    props.packaging.grantDescribe(this.role);
    props.ingest.grantMediaLiveRead(this.role);
    const stack = Stack.of(this);
    const logGroup = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: 'ElementalMediaLive',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogStreams',
          'logs:PutRetentionPolicy',
          'logs:PutMetricFilter',
        ],
        resources: [logGroup, `${logGroup}:*`],
      }),
    );
    // MediaLive's trusted-entity requirements also list DescribeLogGroups, which can only be
    // granted on all log groups of the account and Region (it lists names, not contents).
    const allLogGroups = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: [allLogGroups] }),
    );
    acknowledgeWildcardResources(
      this.role,
      [`${logGroup}:*`],
      'MediaLive writes channel logs to log streams it names at run time inside its fixed ElementalMediaLive log group',
    );
    acknowledgeWildcardResources(
      this.role,
      [allLogGroups],
      'logs:DescribeLogGroups is evaluated against log-group:* (MediaLive trusted-entity requirements); it reveals group names only',
    );
    if (props.archive && raw) {
      props.archive.grantRecord(this.role, props.channelId);
      acknowledgeWildcardResources(
        this.role,
        [props.archive.recordingsArn(props.channelId)],
        "MediaLive names archive objects at run time; the grant is limited to this channel's own key prefix",
      );
    }
    if (props.archive && thumbnails !== undefined) {
      props.archive.grantThumbnails(this.role, props.channelId);
      acknowledgeWildcardResources(
        this.role,
        [props.archive.thumbnailsArn(props.channelId)],
        "MediaLive numbers frame captures at run time; the grant is limited to this channel's own thumbnails/ prefix",
      );
    }

    const destinations: medialive.CfnChannel.OutputDestinationProperty[] = [
      { id: MEDIAPACKAGE_DESTINATION_ID, mediaPackageSettings: [{ channelId: props.packaging.channel.ref }] },
    ];
    if (props.archive && raw) {
      destinations.push({
        id: ARCHIVE_DESTINATION_ID,
        settings: pipelines.map((p) => ({ url: props.archive?.medialiveDestination(props.channelId, p) })),
      });
    }
    if (props.archive && thumbnails !== undefined) {
      destinations.push({
        id: FRAME_CAPTURE_DESTINATION_ID,
        settings: pipelines.map((p) => ({ url: props.archive?.thumbnailsDestination(props.channelId, p) })),
      });
    }

    const capabilityTags = Object.fromEntries(
      Object.entries(CAPABILITY_TAGS)
        .filter(([capability]) => props.capabilities?.[capability as keyof ChannelCapabilities] === true)
        .map(([, tag]) => [tag, 'true']),
    );
    this.channel = new medialive.CfnChannel(this, 'Resource', {
      name: `${props.deploymentName}-${props.channelId}`,
      channelClass: props.channelClass,
      roleArn: this.role.roleArn,
      logLevel: 'WARNING',
      inputSpecification: {
        codec: inputSpecification.Codec,
        resolution: inputSpecification.Resolution,
        maximumBitrate: inputSpecification.MaximumBitrate,
      },
      inputAttachments: [
        {
          inputId: props.ingest.input.ref,
          // RTMP channels keep the attachment name they were created with.
          inputAttachmentName: `${props.channelId}-${props.ingest.protocol === IngestProtocol.SRT_LISTENER ? 'srt' : 'rtmp'}`,
          inputSettings: { audioSelectors: [{ name: AUDIO_SELECTOR_NAME }] },
        },
      ],
      destinations,
      // Lets the lifecycle function find the channel by tag once a config change removed it
      // from the template, and every control function reach it without its ARN (see
      // grantOnDeploymentChannels); capability tags say what else may be done to it.
      tags: { ...deploymentTags(props.deploymentName), ...capabilityTags },
    });
    // EncoderSettings is built with the MediaLive SDK's own shapes and enums (so tsc checks
    // every value); those shapes use CloudFormation's PascalCase names, hence a raw override.
    this.channel.addPropertyOverride('EncoderSettings', settings);
    // The role's policy must exist before MediaLive validates the channel's destinations.
    this.channel.node.addDependency(this.role);
  }

  /** Allows `actions` on this MediaLive channel. */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.channel.attrArn] });
  }

  /** Lets `grantee` read the channel's state and settings. */
  public grantDescribe(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'medialive:DescribeChannel');
  }

  /** Lets `grantee` start the channel (and describe it, to check its state first). */
  public grantStart(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'medialive:DescribeChannel', 'medialive:StartChannel');
  }

  /** Lets `grantee` stop the channel (and describe it, to check its state first). */
  public grantStop(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'medialive:DescribeChannel', 'medialive:StopChannel');
  }

  /** Lets `grantee` start and stop the channel and describe it (the operator's controls). */
  public grantStartStop(grantee: iam.IGrantable): iam.Grant {
    return this.grant(
      grantee,
      'medialive:DescribeChannel',
      'medialive:StartChannel',
      'medialive:StopChannel',
    );
  }

  /** Lets `grantee` restart failed pipelines (and describe the channel: only a RUNNING or RECOVERING one is restarted). */
  public grantRestartPipelines(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'medialive:DescribeChannel', 'medialive:RestartChannelPipelines');
  }

  /**
   * Allows `actions` on every MediaLive channel of this deployment, including those the current
   * template no longer has. CloudFormation updates policies in the update phase and deletes a
   * removed or renamed channel (running its safe delete first) only in the cleanup phase, when
   * a grant naming channel ARNs no longer names it; a rollback likewise deletes a channel the
   * restored template never named. The grant matches the deployment tag every channel carries
   * instead: MediaLive evaluates aws:ResourceTag/<key> for its channel actions (Service
   * Authorization Reference, "Actions, resources, and condition keys for AWS Elemental
   * MediaLive", https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselementalmedialive.html:
   * DescribeChannel and StopChannel require resource type channel, with condition key
   * aws:ResourceTag/${TagKey}). The resource stays within this account and Region.
   */
  public static grantOnDeploymentChannels(
    scope: Construct,
    grantee: iam.IGrantable,
    actions: string[],
    opts: DeploymentChannelsGrant = {},
  ): iam.Grant {
    return grantOnDeployment(scope, {
      grantee,
      actions,
      resources: [TaggedResource.MEDIALIVE_CHANNEL],
      // Called from the root stack, whose name is the deployment's.
      deploymentName: opts.deploymentName ?? Stack.of(scope).stackName,
      tags: opts.capability ? { [CAPABILITY_TAGS[opts.capability]]: 'true' } : undefined,
    });
  }

  /** `arn:<partition>:medialive:<region>:<account>:channel:*`, the resource of {@link grantOnDeploymentChannels}. */
  public static deploymentChannelsArn(scope: Construct): string {
    return taggedResourceArn(scope, TaggedResource.MEDIALIVE_CHANNEL);
  }

  /**
   * A MediaLive metric of one pipeline of this channel (AWS/MediaLive, ChannelId + Pipeline, at
   * OnAir's 1-minute period); `props` override the statistic (default Average), label, ….
   */
  public metric(
    metricName: string,
    pipeline: number,
    props: cloudwatch.MetricOptions = {},
  ): cloudwatch.Metric {
    const { statistic = 'Average', ...options } = props;
    return mediaLiveMetric(this.channel.ref, pipeline, metricName, statistic, {}, options);
  }

  /** Alerts MediaLive has open on a pipeline (Maximum; no datapoints while the channel is idle). */
  public metricActiveAlerts(pipeline: number, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('ActiveAlerts', pipeline, { statistic: 'Maximum', ...props });
  }

  /** Seconds per minute a pipeline had no input (Sum). */
  public metricInputLossSeconds(pipeline: number, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('InputLossSeconds', pipeline, { statistic: 'Sum', ...props });
  }

  /** Frames per second of a pipeline's input video (Average). */
  public metricInputVideoFrameRate(
    pipeline: number,
    props: cloudwatch.MetricOptions = {},
  ): cloudwatch.Metric {
    return this.metric('InputVideoFrameRate', pipeline, { statistic: 'Average', ...props });
  }

  /** Mbit/s arriving at a pipeline (Maximum: the idle-stop and ingress-alarm input signal). */
  public metricNetworkIn(pipeline: number, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('NetworkIn', pipeline, { statistic: 'Maximum', ...props });
  }

  /** Frames a pipeline dropped per minute (Sum). */
  public metricDroppedFrames(pipeline: number, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('DroppedFrames', pipeline, { statistic: 'Sum', ...props });
  }

  /**
   * 4xx and 5xx errors a pipeline met per minute sending to its destinations (MediaPackage, and
   * the archive when the channel records): the sum of `Output4xxErrors` and `Output5xxErrors`
   * of every output group, each a missing datapoint counted as 0.
   */
  public metricOutputErrors(pipeline: number): cloudwatch.MathExpression {
    const groups = [MEDIAPACKAGE_OUTPUT_GROUP, ...(this.archived ? [ARCHIVE_OUTPUT_GROUP] : [])];
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    groups.forEach((g, gi) => {
      for (const code of ['4xx', '5xx']) {
        usingMetrics[`e${code[0]}${gi}`] = mediaLiveMetric(
          this.channel.ref,
          pipeline,
          `Output${code}Errors`,
          'Sum',
          { OutputGroupName: g },
        );
      }
    });
    return new cloudwatch.MathExpression({
      expression: Object.keys(usingMetrics)
        .map((k) => `FILL(${k}, 0)`)
        .join(' + '),
      usingMetrics,
      label: 'Output errors',
      period: METRIC_PERIOD,
    });
  }
}

/** Options of {@link Transcode.grantOnDeploymentChannels}. */
export interface DeploymentChannelsGrant {
  /**
   * The deployment's (root) stack name, the tag's value.
   * @default - the name of `scope`'s stack (right when called from the root stack)
   */
  readonly deploymentName?: string;
  /**
   * Only channels that also carry this capability's tag.
   * @default - every channel of the deployment
   */
  readonly capability?: keyof ChannelCapabilities;
}
