import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as mediapackage from 'aws-cdk-lib/aws-mediapackage';
import { Construct } from 'constructs';
import { CMAF_HLS_MANIFEST_ID, MANIFEST_FILES, originEndpointId } from '../../../lambda/shared/manifests';
import { LATENCY_PROFILES, type LatencyMode } from '../../media/latency';
import { deploymentTags, grantOnDeployment, TaggedResource } from '../core/deployment-tags';
import { mediaPackageMetric } from '../core/metrics';
import { acknowledgeWildcardResources } from '../core/nag';
import type { CdnAuthorization } from './cdn-authorization';

/** Packaging formats, one MediaPackage origin endpoint each. */
export enum PackagingFormat {
  HLS = 'hls',
  DASH = 'dash',
  CMAF = 'cmaf',
}

export const MANIFEST_NAME = 'index';

/** Props for {@link Packaging}. */
export interface PackagingProps {
  /** Channel id (slug). */
  readonly channelId: string;
  /**
   * The deployment's (root) stack name: MediaPackage ids are `<deployment>-<channel>[-<format>]`
   * and the resources carry it as the deployment tag. Explicit because inside a channel's nested
   * stack `Stack.of(this).stackName` is the nested stack's generated name.
   */
  readonly deploymentName: string;
  readonly latency: LatencyMode;
  /** Seconds viewers (and clips) can reach back into the live stream; 0 disables startover. */
  readonly startoverWindowSeconds: number;
  /** CDN authorization every endpoint enforces. */
  readonly cdnAuthorization: CdnAuthorization;
}

/**
 * MediaPackage v1 channel of one live channel and its HLS-TS, DASH and CMAF origin endpoints.
 * Every endpoint requires the CDN identifier, so only the deployment's CloudFront reaches it.
 */
export class Packaging extends Construct {
  public readonly channel: mediapackage.CfnChannel;
  public readonly endpoints: Readonly<Record<PackagingFormat, mediapackage.CfnOriginEndpoint>>;
  /**
   * Id of the CMAF endpoint's HLS manifest. A CMAF endpoint serves its manifest under
   * `/out/v1/<id>/<manifest id>/index.m3u8`, so the id is part of the playback path. (Its URL is
   * read at deploy by the channel's registration, lib/constructs/channel/channel-registry.ts:
   * CloudFormation returns an empty `Url` for CMAF endpoints.)
   */
  public readonly cmafManifestId = CMAF_HLS_MANIFEST_ID;

  constructor(scope: Construct, id: string, props: PackagingProps) {
    super(scope, id);
    const maxStartover = 1_209_600; // 14 days, MediaPackage v1's limit
    if (props.startoverWindowSeconds < 0 || props.startoverWindowSeconds > maxStartover) {
      throw new Error(
        `startoverWindowSeconds must be 0 to ${maxStartover}, got ${props.startoverWindowSeconds}`,
      );
    }
    const p = LATENCY_PROFILES[props.latency];
    const channelName = `${props.deploymentName}-${props.channelId}`;
    const tags = Object.entries(deploymentTags(props.deploymentName)).map(([key, value]) => ({ key, value }));

    this.channel = new mediapackage.CfnChannel(this, 'Resource', {
      id: channelName,
      description: `OnAir channel ${props.channelId}`,
      tags,
    });

    const common = (format: PackagingFormat) => ({
      channelId: this.channel.ref,
      id: originEndpointId(channelName, format),
      description: `OnAir ${props.channelId} ${format}`,
      manifestName: MANIFEST_NAME,
      origination: 'ALLOW',
      startoverWindowSeconds: props.startoverWindowSeconds > 0 ? props.startoverWindowSeconds : undefined,
      authorization: {
        cdnIdentifierSecret: props.cdnAuthorization.secret.secretArn,
        secretsRoleArn: props.cdnAuthorization.role.roleArn,
      },
      tags,
    });

    const hls = new mediapackage.CfnOriginEndpoint(this, 'Hls', {
      ...common(PackagingFormat.HLS),
      hlsPackage: {
        segmentDurationSeconds: p.segmentSeconds,
        playlistWindowSeconds: p.manifestWindowSeconds,
        playlistType: 'NONE',
        programDateTimeIntervalSeconds: p.segmentSeconds,
        adMarkers: 'NONE',
        includeIframeOnlyStream: false,
        useAudioRenditionGroup: false,
        streamSelection: { streamOrder: 'VIDEO_BITRATE_DESCENDING' },
      },
    });
    const dash = new mediapackage.CfnOriginEndpoint(this, 'Dash', {
      ...common(PackagingFormat.DASH),
      dashPackage: {
        segmentDurationSeconds: p.segmentSeconds,
        manifestWindowSeconds: p.manifestWindowSeconds,
        minBufferTimeSeconds: p.dashMinBufferSeconds,
        minUpdatePeriodSeconds: p.segmentSeconds,
        suggestedPresentationDelaySeconds: p.dashPresentationDelaySeconds,
        profile: 'NONE',
        manifestLayout: 'FULL',
        segmentTemplateFormat: 'NUMBER_WITH_TIMELINE',
        periodTriggers: [],
        streamSelection: { streamOrder: 'VIDEO_BITRATE_DESCENDING' },
      },
    });
    const cmaf = new mediapackage.CfnOriginEndpoint(this, 'Cmaf', {
      ...common(PackagingFormat.CMAF),
      cmafPackage: {
        segmentDurationSeconds: p.segmentSeconds,
        streamSelection: { streamOrder: 'VIDEO_BITRATE_DESCENDING' },
        hlsManifests: [
          {
            id: this.cmafManifestId,
            manifestName: MANIFEST_NAME,
            playlistWindowSeconds: p.manifestWindowSeconds,
            programDateTimeIntervalSeconds: p.segmentSeconds,
            playlistType: 'NONE',
            adMarkers: 'NONE',
            includeIframeOnlyStream: false,
          },
        ],
      },
    });
    this.endpoints = {
      [PackagingFormat.HLS]: hls,
      [PackagingFormat.DASH]: dash,
      [PackagingFormat.CMAF]: cmaf,
    };
    // MediaPackage checks that it can read the CDN secret when an endpoint is created: the
    // role's policy (a separate resource) must exist first.
    for (const endpoint of Object.values(this.endpoints))
      endpoint.node.addDependency(props.cdnAuthorization.role);
  }

  /** Lets `grantee` describe the MediaPackage channel (MediaLive does before it sends to it). */
  public grantDescribe(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['mediapackage:DescribeChannel'],
      resourceArns: [this.channel.attrArn],
    });
  }

  /**
   * Lets `grantee` describe the deployment's origin endpoints (tag-scoped: the endpoints live in
   * the channels' nested stacks, lib/constructs/core/deployment-tags.ts).
   */
  public static grantDeploymentDescribeEndpoints(
    scope: Construct,
    grantee: iam.IGrantable,
    deploymentName: string,
  ): iam.Grant {
    return grantOnDeployment(scope, {
      grantee,
      actions: ['mediapackage:DescribeOriginEndpoint'],
      resources: [TaggedResource.MEDIAPACKAGE_ORIGIN_ENDPOINT],
      deploymentName,
    });
  }

  /**
   * Lets `role` create harvest jobs. MediaPackage v1's create actions list no resource type in
   * the Service Authorization Reference ("Actions, resources, and condition keys for AWS
   * Elemental MediaPackage"; CreateHarvestJob, like CreateChannel, takes only aws:RequestTag and
   * aws:TagKeys), so the grant must name "*"; a job can only write where the harvest role it
   * passes may write.
   */
  public static grantCreateHarvestJobs(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['mediapackage:CreateHarvestJob'], resources: ['*'] }),
    );
    acknowledgeWildcardResources(
      role,
      ['*'],
      'MediaPackage v1 CreateHarvestJob supports no resource-level permission; what a job writes is bounded by the harvest role it must pass (iam:PassRole on that one role, which may write only its own S3 prefix)',
    );
  }

  /**
   * Lets `grantee` start and describe harvest jobs (live-to-VOD clips) of the deployment's
   * endpoints (tag-scoped), in case CreateHarvestJob is also evaluated against the endpoint it
   * reads; the harvest jobs themselves are the caller's (named per request).
   */
  public static grantDeploymentHarvest(
    scope: Construct,
    grantee: iam.IGrantable,
    deploymentName: string,
  ): iam.Grant {
    return grantOnDeployment(scope, {
      grantee,
      actions: ['mediapackage:CreateHarvestJob', 'mediapackage:DescribeHarvestJob'],
      resources: [TaggedResource.MEDIAPACKAGE_ORIGIN_ENDPOINT],
      deploymentName,
    });
  }

  /**
   * A MediaPackage metric of this channel (AWS/MediaPackage, dimension Channel plus `extra`, at
   * OnAir's 1-minute period); `props` override the statistic (default Average), label, ….
   */
  public metric(
    metricName: string,
    props: cloudwatch.MetricOptions = {},
    extra: Record<string, string> = {},
  ): cloudwatch.Metric {
    const { statistic = 'Average', ...options } = props;
    return mediaPackageMetric(this.channel.ref, metricName, statistic, extra, options);
  }

  /** Bytes MediaLive delivered to this channel per minute (Sum). */
  public metricIngressBytes(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('IngressBytes', { statistic: 'Sum', ...props });
  }

  /** Requests the endpoints answered per minute with a status in `range` ("2xx", "4xx", "5xx"; Sum). */
  public metricEgressRequests(
    range: '2xx' | '3xx' | '4xx' | '5xx',
    props: cloudwatch.MetricOptions = {},
  ): cloudwatch.Metric {
    return this.metric('EgressRequestCount', { statistic: 'Sum', ...props }, { StatusCodeRange: range });
  }

  /** Milliseconds the endpoints took to answer (Average unless `props` says otherwise). */
  public metricEgressResponseTime(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('EgressResponseTime', { statistic: 'Average', ...props });
  }

  /**
   * The manifest's path below the endpoint's `/out/v1/<id>/` (HLS: index.m3u8, DASH: index.mpd,
   * CMAF: <manifest id>/index.m3u8).
   */
  public manifestPath(format: PackagingFormat): string {
    return MANIFEST_FILES[format];
  }
}
