import { Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as medialive from 'aws-cdk-lib/aws-medialive';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  IngestProtocol,
  SRT_PASSPHRASE_LENGTH,
  type SrtEncryption,
  STREAM_KEY_LENGTH,
} from '../../../lambda/shared/contract';
import { deploymentTags, grantOnDeployment, TaggedResource } from '../core/deployment-tags';

export enum PipelineCount {
  SINGLE = 1,
  STANDARD = 2,
}

/** An SRT listener input's settings. */
export interface SrtListenerOptions {
  /** MediaLive's SRT receive latency, 120-15000 ms. */
  readonly minimumLatencyMs: number;
  /** The AES key length encoders encrypt with. */
  readonly encryption: SrtEncryption;
  /**
   * A stream id encoders send (MediaLive logs it and accepts any caller whatever its stream id).
   * @default - none
   */
  readonly streamId?: string;
}

/** Props for {@link Ingest}. */
export interface IngestProps {
  /** Channel id (slug); the RTMP application name streamers push to. */
  readonly channelId: string;
  /**
   * The deployment's (root) stack name: the input is named `<deployment>-<channel>` and it and the
   * credential carry the deployment tag (lib/constructs/core/deployment-tags.ts). Explicit because
   * inside a channel's nested stack `Stack.of(this).stackName` is the nested stack's name.
   */
  readonly deploymentName: string;
  /**
   * Id of the MediaLive input security group the input uses: channels with the same allowed CIDRs
   * share one (lib/constructs/channel/input-security-groups.ts).
   */
  readonly securityGroupId: string;
  /** One ingest endpoint per pipeline: 1 for SINGLE_PIPELINE, 2 for STANDARD. */
  readonly pipelines: PipelineCount;
  /**
   * An SRT listener input (the encoder calls MediaLive, AES-encrypted with a passphrase) instead
   * of RTMP push.
   * @default - RTMP push with a stream key
   */
  readonly srt?: SrtListenerOptions;
  /**
   * The credential has a Secrets Manager rotation schedule (added by the StreamKeys construct).
   * @default - false: rotation is operator-driven only (AwsSolutions-SMG4 acknowledged)
   */
  readonly rotationScheduled?: boolean;
}

/**
 * Ingest for one channel: a per-channel credential in Secrets Manager and the MediaLive input
 * (behind a shared input security group) that accepts it, never in a template or output.
 * - RTMP push: the credential is a stream key; it reaches the input's stream names through a
 *   `{{resolve:secretsmanager:…}}` dynamic reference.
 * - SRT listener: the credential is the AES passphrase; the input names the secret
 *   (SrtListenerSettings.Decryption.PassphraseSecretArn) and MediaLive reads the secret as the
 *   channel's role (see {@link grantMediaLiveRead}).
 */
export class Ingest extends Construct {
  public readonly input: medialive.CfnInput;
  /** How encoders reach the channel. */
  public readonly protocol: IngestProtocol;
  /**
   * The ingest credential; its SecretString is the bare value (letters and digits): the stream
   * key (32 characters ≈ 190 bits) or the SRT passphrase (44 characters ≈ 262 bits), the plaintext
   * secret MediaLive requires for SRT passphrases.
   */
  public readonly credential: secretsmanager.Secret;
  /** RTMP application name: OBS "Server" is rtmp://<endpoint>:1935/<applicationName>. */
  public readonly applicationName: string;
  /** Ingest endpoints (one per pipeline). */
  public readonly pipelines: PipelineCount;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.protocol = props.srt ? IngestProtocol.SRT_LISTENER : IngestProtocol.RTMP_PUSH;
    this.applicationName = props.channelId;
    this.pipelines = props.pipelines;
    // Construct ids are a contract: an RTMP channel's key stays "StreamKey".
    this.credential = new secretsmanager.Secret(this, props.srt ? 'Passphrase' : 'StreamKey', {
      description: props.srt
        ? `OnAir SRT passphrase for channel ${props.channelId} (MediaLive reads it when the channel starts)`
        : `OnAir RTMP stream key for channel ${props.channelId}`,
      // No template: the SecretString is the bare value, the plaintext MediaLive reads as an SRT
      // passphrase (MediaLive user guide, "SRT Listener input: Get ready").
      generateSecretString: {
        passwordLength: props.srt ? SRT_PASSPHRASE_LENGTH : STREAM_KEY_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
        requireEachIncludedType: false,
      },
    });
    for (const [key, value] of Object.entries(deploymentTags(props.deploymentName)))
      Tags.of(this.credential).add(key, value);

    if (!props.rotationScheduled) {
      Validations.of(this.credential).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'an ingest credential (stream key or SRT passphrase) may change only while its channel is idle (MediaLive edits inputs, and reads SRT passphrases, only then); rotation is operator-driven through the control API and opt-in on a schedule (streamKey.rotateEveryDays)',
      });
    }

    const name = `${props.deploymentName}-${props.channelId}`;
    const tags = deploymentTags(props.deploymentName);
    if (props.srt) {
      // MediaLive requires decryption on every SRT listener input, an input security group (it is
      // a push input) and a MinimumLatency of 120-15000 ms (the MediaLive API's
      // SrtListenerSettingsRequest; MediaLive user guide, "Setting up an SRT Listener input").
      // The input's endpoints (one per pipeline of the channel) are MediaLive's to assign:
      // CloudFormation has no destinations for SRT inputs.
      this.input = new medialive.CfnInput(this, 'Resource', {
        name,
        type: IngestProtocol.SRT_LISTENER,
        inputSecurityGroups: [props.securityGroupId],
        srtSettings: {
          srtListenerSettings: {
            decryption: { algorithm: props.srt.encryption, passphraseSecretArn: this.credential.secretArn },
            minimumLatency: props.srt.minimumLatencyMs,
            streamId: props.srt.streamId,
          },
        },
        tags,
      });
    } else {
      const key = this.credential.secretValue.unsafeUnwrap();
      this.input = new medialive.CfnInput(this, 'Resource', {
        name,
        type: IngestProtocol.RTMP_PUSH,
        inputSecurityGroups: [props.securityGroupId],
        destinations: Array.from({ length: props.pipelines }, () => ({
          streamName: `${this.applicationName}/${key}`,
        })),
        tags,
      });
    }
    // cfn-lint's schema types InputSecurityGroups as EC2 security-group ids (E1041), but a
    // MediaLive input takes MediaLive input security group ids, exactly as referenced here
    // (AWS::MediaLive::Input documentation).
    this.input.addMetadata('cfn-lint', { config: { ignore_checks: ['E1041'] } });
  }

  /**
   * Lets the MediaLive channel's role read what the input needs at run time: an SRT input's
   * passphrase (GetSecretValue on that one secret, the only Secrets Manager action MediaLive's
   * trusted-entity requirements name for the secrets it reads; the AWS managed key needs no KMS
   * grant). An RTMP input needs nothing: its stream key is in the input itself. The role and the
   * secret are the channel's own (same nested stack), so this grant names the ARN.
   */
  public grantMediaLiveRead(role: iam.IGrantable): void {
    if (this.protocol !== IngestProtocol.SRT_LISTENER) return;
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.credential.secretArn],
    });
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

  /** Lets `grantee` tell an encoder where to push or call: describe the inputs and read the credentials. */
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
   * Lets `grantee` rotate a credential (stream key or SRT passphrase) now or mark the rotation
   * pending: read the input and the credential, list its versions, write a new version and move its
   * stages, update the input, and set or clear the `pendingTagKey` tag on the secret (no other tag:
   * not the deployment tag either).
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
   * Lets a Secrets Manager rotation function take a credential through the rotation steps: read
   * the input and the credential, write a new version and move its stages, update the input, and
   * clear the `pendingTagKey` tag once the new value is current (it never sets a tag).
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
