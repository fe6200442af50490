import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as medialive from 'aws-cdk-lib/aws-medialive';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { MAX_INPUT_CIDRS, STREAM_KEY_LENGTH } from '../../../lambda/shared/contract';

export enum PipelineCount {
  SINGLE = 1,
  STANDARD = 2,
}

/** Props for {@link Ingest}. */
export interface IngestProps {
  /** Channel id (slug); the RTMP application name streamers push to. */
  readonly channelId: string;
  /** IPv4 CIDRs allowed to push; 0.0.0.0/0 is legal but warned about. */
  readonly allowedCidrs: readonly string[];
  /** One RTMP endpoint per pipeline: 1 for SINGLE_PIPELINE, 2 for STANDARD. */
  readonly pipelines: PipelineCount;
  /**
   * The key has a Secrets Manager rotation schedule (added by the StreamKeys construct).
   * @default - false: rotation is operator-driven only (AwsSolutions-SMG4 acknowledged)
   */
  readonly rotationScheduled?: boolean;
}

/**
 * RTMP push ingest for one channel: an input security group, a per-channel stream key in
 * Secrets Manager, and the MediaLive input whose stream names carry that key. The key reaches
 * the input only through a `{{resolve:secretsmanager:…}}` dynamic reference, so it never
 * appears in a template or output.
 */
export class Ingest extends Construct {
  public readonly input: medialive.CfnInput;
  public readonly securityGroup: medialive.CfnInputSecurityGroup;
  /** The stream key; its SecretString is the key itself (URL-safe, 32 alphanumerics ≈ 190 bits). */
  public readonly streamKey: secretsmanager.Secret;
  /** RTMP application name: OBS "Server" is rtmp://<endpoint>:1935/<applicationName>. */
  public readonly applicationName: string;
  /** RTMP endpoints (one per pipeline). */
  public readonly pipelines: PipelineCount;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    if (props.allowedCidrs.length === 0 || props.allowedCidrs.length > MAX_INPUT_CIDRS) {
      throw new Error(
        `allowedCidrs must list 1 to ${MAX_INPUT_CIDRS} CIDRs (MediaLive's limit per input security group), got ${props.allowedCidrs.length}`,
      );
    }
    if (props.allowedCidrs.includes('0.0.0.0/0')) {
      Annotations.of(this).addWarningV2(
        'onair:open-ingest',
        `channel "${props.channelId}": RTMP ingest accepts pushes from any address (0.0.0.0/0); only the stream key protects it. List your encoders' CIDRs in input.allowedCidrs.`,
      );
    }

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

    if (!props.rotationScheduled) {
      Validations.of(this.streamKey).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'a stream key may change only while its channel is idle (MediaLive edits inputs only then); rotation is operator-driven through the control API and opt-in on a schedule (streamKey.rotateEveryDays)',
      });
    }

    this.securityGroup = new medialive.CfnInputSecurityGroup(this, 'SecurityGroup', {
      whitelistRules: props.allowedCidrs.map((cidr) => ({ cidr })),
    });

    const key = this.streamKey.secretValue.unsafeUnwrap();
    this.input = new medialive.CfnInput(this, 'Resource', {
      name: `${Stack.of(this).stackName}-${props.channelId}`,
      type: 'RTMP_PUSH',
      inputSecurityGroups: [this.securityGroup.ref],
      destinations: Array.from({ length: props.pipelines }, () => ({
        streamName: `${this.applicationName}/${key}`,
      })),
    });
    // cfn-lint's schema types InputSecurityGroups as EC2 security-group ids (E1041), but a
    // MediaLive input takes MediaLive input security group ids, exactly as referenced here
    // (AWS::MediaLive::Input documentation).
    this.input.addMetadata('cfn-lint', { config: { ignore_checks: ['E1041'] } });
  }

  /** Lets `grantee` describe the input (its state, endpoints and attached channel). */
  public grantDescribe(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['medialive:DescribeInput'],
      resourceArns: [this.input.attrArn],
    });
  }

  /** Lets `grantee` tell a streamer where to push: describe the input and read the stream key. */
  public grantReadIngest(grantee: iam.IGrantable): void {
    this.grantDescribe(grantee);
    this.streamKey.grantRead(grantee);
  }

  /**
   * Lets `grantee` rotate the stream key now or mark the rotation pending: read the input and the
   * key, list its versions, write a new version and move its stages, point the input at it, and
   * set or clear the `pendingTagKey` tag on the key (no other tag).
   */
  public grantRotateKey(grantee: iam.IGrantable, pendingTagKey: string): void {
    this.grantKeyChange(grantee, ['secretsmanager:ListSecretVersionIds']);
    this.grantPendingTag(grantee, pendingTagKey, [
      'secretsmanager:TagResource',
      'secretsmanager:UntagResource',
    ]);
  }

  /**
   * Lets a Secrets Manager rotation function take the stream key through the rotation steps:
   * read the input and the key, write a new version and move its stages, point the input at it,
   * and clear the `pendingTagKey` tag once the new key is current (it never sets a tag).
   */
  public grantScheduledRotation(grantee: iam.IGrantable, pendingTagKey: string): void {
    this.grantKeyChange(grantee, []);
    this.grantPendingTag(grantee, pendingTagKey, ['secretsmanager:UntagResource']);
  }

  private grantKeyChange(grantee: iam.IGrantable, extraSecretActions: string[]): void {
    this.grantDescribe(grantee);
    // UpdateInput names the input's security groups again (so they stay attached): authorize
    // the group too, in case MediaLive checks the attach against it.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['medialive:UpdateInput'],
      resourceArns: [this.input.attrArn, this.securityGroup.attrArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        ...extraSecretActions,
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      resourceArns: [this.streamKey.secretArn],
    });
  }

  /** Tagging limited to one tag key: no other tag of the key can be set or removed. */
  private grantPendingTag(grantee: iam.IGrantable, tagKey: string, actions: string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.streamKey.secretArn],
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [tagKey] } },
    });
  }
}
