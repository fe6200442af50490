import { Tags, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as medialive from 'aws-cdk-lib/aws-medialive';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { STREAM_KEY_LENGTH } from '../../../lambda/shared/contract';
import { deploymentTags, grantOnDeployment, TaggedResource } from '../core/deployment-tags';

export enum PipelineCount {
  SINGLE = 1,
  STANDARD = 2,
}

/** Props for {@link Ingest}. */
export interface IngestProps {
  /** Channel id (slug); the RTMP application name streamers push to. */
  readonly channelId: string;
  /**
   * The deployment's (root) stack name: the input is named `<deployment>-<channel>` and it and the
   * stream key carry the deployment tag (lib/constructs/core/deployment-tags.ts). Explicit because
   * inside a channel's nested stack `Stack.of(this).stackName` is the nested stack's name.
   */
  readonly deploymentName: string;
  /**
   * Id of the MediaLive input security group the input uses: channels with the same allowed CIDRs
   * share one (lib/constructs/channel/input-security-groups.ts).
   */
  readonly securityGroupId: string;
  /** One RTMP endpoint per pipeline: 1 for SINGLE_PIPELINE, 2 for STANDARD. */
  readonly pipelines: PipelineCount;
  /**
   * The key has a Secrets Manager rotation schedule (added by the StreamKeys construct).
   * @default - false: rotation is operator-driven only (AwsSolutions-SMG4 acknowledged)
   */
  readonly rotationScheduled?: boolean;
}

/**
 * RTMP push ingest for one channel: a per-channel stream key in Secrets Manager and the MediaLive
 * input (behind a shared input security group) whose stream names carry that key. The key reaches
 * the input only through a `{{resolve:secretsmanager:…}}` dynamic reference, so it never
 * appears in a template or output.
 */
export class Ingest extends Construct {
  public readonly input: medialive.CfnInput;
  /** The stream key; its SecretString is the key itself (URL-safe, 32 alphanumerics ≈ 190 bits). */
  public readonly streamKey: secretsmanager.Secret;
  /** RTMP application name: OBS "Server" is rtmp://<endpoint>:1935/<applicationName>. */
  public readonly applicationName: string;
  /** RTMP endpoints (one per pipeline). */
  public readonly pipelines: PipelineCount;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.applicationName = props.channelId;
    this.pipelines = props.pipelines;
    this.streamKey = new secretsmanager.Secret(this, 'StreamKey', {
      description: `OnAir RTMP stream key for channel ${props.channelId}`,
      generateSecretString: {
        passwordLength: STREAM_KEY_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
        requireEachIncludedType: false,
      },
    });
    for (const [key, value] of Object.entries(deploymentTags(props.deploymentName)))
      Tags.of(this.streamKey).add(key, value);

    if (!props.rotationScheduled) {
      Validations.of(this.streamKey).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'a stream key may change only while its channel is idle (MediaLive edits inputs only then); rotation is operator-driven through the control API and opt-in on a schedule (streamKey.rotateEveryDays)',
      });
    }

    const key = this.streamKey.secretValue.unsafeUnwrap();
    this.input = new medialive.CfnInput(this, 'Resource', {
      name: `${props.deploymentName}-${props.channelId}`,
      type: 'RTMP_PUSH',
      inputSecurityGroups: [props.securityGroupId],
      destinations: Array.from({ length: props.pipelines }, () => ({
        streamName: `${this.applicationName}/${key}`,
      })),
      tags: deploymentTags(props.deploymentName),
    });
    // cfn-lint's schema types InputSecurityGroups as EC2 security-group ids (E1041), but a
    // MediaLive input takes MediaLive input security group ids, exactly as referenced here
    // (AWS::MediaLive::Input documentation).
    this.input.addMetadata('cfn-lint', { config: { ignore_checks: ['E1041'] } });
  }

  /*
   * Grants over the ingest of every channel of a deployment. The channels live in their own
   * nested stacks and the functions that use these grants serve all of them, so each grant names
   * the resource type in this account and Region with the deployment tag as condition
   * (lib/constructs/core/deployment-tags.ts) instead of one channel's ARNs.
   */

  /** Lets `grantee` describe the deployment's inputs (state, endpoints, attached channel). */
  public static grantDeploymentDescribe(
    scope: Construct,
    grantee: iam.IGrantable,
    deploymentName: string,
  ): iam.Grant {
    return grantOnDeployment(scope, {
      grantee,
      actions: ['medialive:DescribeInput'],
      resources: [TaggedResource.MEDIALIVE_INPUT],
      deploymentName,
    });
  }

  /** Lets `grantee` tell a streamer where to push: describe the inputs and read the stream keys. */
  public static grantDeploymentReadIngest(
    scope: Construct,
    grantee: iam.IGrantable,
    deploymentName: string,
  ): void {
    Ingest.grantDeploymentDescribe(scope, grantee, deploymentName);
    grantOnDeployment(scope, {
      grantee,
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      resources: [TaggedResource.SECRET],
      deploymentName,
    });
  }

  /**
   * Lets `grantee` rotate a stream key now or mark the rotation pending: read the input and the
   * key, list its versions, write a new version and move its stages, point the input at it, and
   * set or clear the `pendingTagKey` tag on the key (no other tag: not the deployment tag either).
   */
  public static grantDeploymentRotateKey(
    scope: Construct,
    grantee: iam.IGrantable,
    opts: KeyChangeGrant,
  ): void {
    Ingest.grantKeyChange(scope, grantee, opts, ['secretsmanager:ListSecretVersionIds']);
    Ingest.grantPendingTag(scope, grantee, opts, [
      'secretsmanager:TagResource',
      'secretsmanager:UntagResource',
    ]);
  }

  /**
   * Lets a Secrets Manager rotation function take a stream key through the rotation steps: read
   * the input and the key, write a new version and move its stages, point the input at it, and
   * clear the `pendingTagKey` tag once the new key is current (it never sets a tag).
   */
  public static grantDeploymentScheduledRotation(
    scope: Construct,
    grantee: iam.IGrantable,
    opts: KeyChangeGrant,
  ): void {
    Ingest.grantKeyChange(scope, grantee, opts, []);
    Ingest.grantPendingTag(scope, grantee, opts, ['secretsmanager:UntagResource']);
  }

  private static grantKeyChange(
    scope: Construct,
    grantee: iam.IGrantable,
    opts: KeyChangeGrant,
    extraSecretActions: string[],
  ): void {
    Ingest.grantDeploymentDescribe(scope, grantee, opts.deploymentName);
    // UpdateInput names the input's security groups again (so they stay attached): authorize
    // the groups too, in case MediaLive checks the attach against them.
    grantOnDeployment(scope, {
      grantee,
      actions: ['medialive:UpdateInput'],
      resources: [TaggedResource.MEDIALIVE_INPUT, TaggedResource.MEDIALIVE_INPUT_SECURITY_GROUP],
      deploymentName: opts.deploymentName,
    });
    grantOnDeployment(scope, {
      grantee,
      actions: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        ...extraSecretActions,
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      resources: [TaggedResource.SECRET],
      deploymentName: opts.deploymentName,
    });
  }

  /** Tagging limited to one tag key: no other tag of the keys can be set or removed. */
  private static grantPendingTag(
    scope: Construct,
    grantee: iam.IGrantable,
    opts: KeyChangeGrant,
    actions: string[],
  ): void {
    grantOnDeployment(scope, {
      grantee,
      actions,
      resources: [TaggedResource.SECRET],
      deploymentName: opts.deploymentName,
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [opts.pendingTagKey] } },
    });
  }
}

/** What a deployment-wide stream-key change grant needs. */
export interface KeyChangeGrant {
  /** The deployment's (root) stack name, the tag value. */
  readonly deploymentName: string;
  /** The only tag the grantee may set or remove on a stream key. */
  readonly pendingTagKey: string;
}
