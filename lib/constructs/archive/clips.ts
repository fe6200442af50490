import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CLIPS_PREFIX, Env, OperatorRoutes } from '../../../lambda/shared/contract';
import type { ChannelRegistry } from '../channel/channel-registry';
import { Packaging } from '../channel/packaging';
import { AppFunction } from '../core/app-function';
import type { ControlApi } from '../core/control-api';
import { TaggedResource, taggedResourceArn } from '../core/deployment-tags';
import { acknowledgeWildcardResources } from '../core/nag';
import type { Archive } from './archive';

/** Props for {@link Clips}. */
export interface ClipsProps {
  /** The deployment's (root) stack name: the origin endpoints harvested carry it as a tag. */
  readonly deploymentName: string;
  /** The channel registry (each channel's MediaPackage ids). */
  readonly registry: ChannelRegistry;
  /** The control API the operator routes are added to. */
  readonly controlApi: ControlApi;
  /** Receives the clips under `clips/<channel>/`. */
  readonly archive: Archive;
  /** The endpoints' startover window; clips can reach back this far (0 disables clips). */
  readonly startoverWindowSeconds: number;
}

/**
 * Live-to-VOD clips: `POST /channels/{id}/clips` starts a MediaPackage harvest job that cuts a
 * time range out of the channel's HLS endpoint (its startover window) into the archive bucket;
 * `GET /channels/{id}/clips/{clipId}` reports the job. Harvesting reads what MediaPackage
 * already holds, so a live stream is never touched.
 */
export class Clips extends Construct {
  /** The role MediaPackage assumes to write clips into the archive bucket. */
  public readonly harvestRole: iam.Role;
  public readonly function: AppFunction;

  constructor(scope: Construct, id: string, props: ClipsProps) {
    super(scope, id);
    const bucket = props.archive.bucket;

    this.harvestRole = new iam.Role(this, 'HarvestRole', {
      // The trust MediaPackage's user guide gives (no source conditions: not every MediaPackage
      // call that assumes the role is documented to carry them).
      assumedBy: new iam.ServicePrincipal('mediapackage.amazonaws.com'),
      description: 'MediaPackage writes live-to-VOD clips into the archive bucket (clips/ only)',
    });
    props.archive.grantHarvest(this.harvestRole, CLIPS_PREFIX);
    acknowledgeWildcardResources(
      this.harvestRole,
      [bucket.arnForObjects(`${CLIPS_PREFIX}*`)],
      'MediaPackage names the harvested segments at run time; the grant is limited to the clips/ prefix of the archive bucket',
    );

    this.function = new AppFunction(this, 'Function', {
      entry: 'archive',
      handler: 'clips',
      serviceName: 'clips',
      description: 'OnAir: live-to-VOD clips (MediaPackage harvest jobs into the archive bucket)',
      environment: {
        [Env.ARCHIVE_BUCKET]: bucket.bucketName,
        [Env.HARVEST_ROLE_ARN]: this.harvestRole.roleArn,
        [Env.STARTOVER_SECONDS]: String(props.startoverWindowSeconds),
      },
    });
    const stack = Stack.of(this);
    const harvestJobs = stack.formatArn({
      service: 'mediapackage',
      resource: 'harvest_jobs',
      resourceName: '*',
    });
    const fn = this.function;
    props.registry.grantRead(fn.function);
    // Harvest jobs are this construct's own (named per clip); the endpoints are the channels'.
    fn.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['mediapackage:DescribeHarvestJob'],
        resources: [harvestJobs],
      }),
    );
    // MediaPackage v1's create actions have no resource type in the Service Authorization
    // Reference (like CreateChannel): a resource-scoped CreateHarvestJob would be denied. What a
    // job may write is bounded by the harvest role it must pass (only its own S3 prefix).
    Packaging.grantCreateHarvestJobs(fn.role);
    Packaging.grantDeploymentHarvest(this, fn.role, props.deploymentName);
    acknowledgeWildcardResources(
      fn.role,
      [harvestJobs],
      'harvest jobs are named per request (the clip id); the grant covers harvest jobs of this account and Region only',
    );
    acknowledgeWildcardResources(
      fn.role,
      [taggedResourceArn(this, TaggedResource.MEDIAPACKAGE_ORIGIN_ENDPOINT)],
      "only origin endpoints tagged with this deployment's name (aws:ResourceTag condition): they live in the channels' nested stacks",
    );
    this.harvestRole.grantPassRole(fn.role);

    for (const [id, r] of [
      ['CreateClip', OperatorRoutes.CREATE_CLIP],
      ['GetClip', OperatorRoutes.GET_CLIP],
    ] as const)
      props.controlApi.addOperatorRoute(id, apigw.HttpMethod[r.method], r.path, fn.function);
  }
}
