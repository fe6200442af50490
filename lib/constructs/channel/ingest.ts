import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as medialive from 'aws-cdk-lib/aws-medialive';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  IngestProtocol,
  MAX_INPUT_CIDRS,
  SRT_PASSPHRASE_LENGTH,
  type SrtEncryption,
  STREAM_KEY_LENGTH,
} from '../../../lambda/shared/contract';

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
  /** IPv4 CIDRs allowed to push (or, with SRT, to call); 0.0.0.0/0 is legal but warned about. */
  readonly allowedCidrs: readonly string[];
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
 * Ingest for one channel: an input security group, a per-channel credential in Secrets Manager
 * and the MediaLive input that accepts it, never in a template or output.
 * - RTMP push: the credential is a stream key; it reaches the input's stream names through a
 *   `{{resolve:secretsmanager:…}}` dynamic reference.
 * - SRT listener: the credential is the AES passphrase; the input names the secret
 *   (SrtListenerSettings.Decryption.PassphraseSecretArn) and MediaLive reads the secret as the
 *   channel's role (see {@link grantMediaLiveRead}).
 */
export class Ingest extends Construct {
  public readonly input: medialive.CfnInput;
  public readonly securityGroup: medialive.CfnInputSecurityGroup;
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
    if (props.allowedCidrs.length === 0 || props.allowedCidrs.length > MAX_INPUT_CIDRS) {
      throw new Error(
        `allowedCidrs must list 1 to ${MAX_INPUT_CIDRS} CIDRs (MediaLive's limit per input security group), got ${props.allowedCidrs.length}`,
      );
    }
    this.protocol = props.srt ? IngestProtocol.SRT_LISTENER : IngestProtocol.RTMP_PUSH;
    if (props.allowedCidrs.includes('0.0.0.0/0')) {
      const only = props.srt ? 'the SRT passphrase' : 'the stream key';
      Annotations.of(this).addWarningV2(
        'onair:open-ingest',
        `channel "${props.channelId}": ingest accepts ${props.srt ? 'SRT callers' : 'pushes'} from any address (0.0.0.0/0); only ${only} protects it. List your encoders' CIDRs in input.allowedCidrs.`,
      );
    }

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

    if (!props.rotationScheduled) {
      Validations.of(this.credential).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'an ingest credential (stream key or SRT passphrase) may change only while its channel is idle (MediaLive edits inputs, and reads SRT passphrases, only then); rotation is operator-driven through the control API and opt-in on a schedule (streamKey.rotateEveryDays)',
      });
    }

    this.securityGroup = new medialive.CfnInputSecurityGroup(this, 'SecurityGroup', {
      whitelistRules: props.allowedCidrs.map((cidr) => ({ cidr })),
    });

    const name = `${Stack.of(this).stackName}-${props.channelId}`;
    if (props.srt) {
      // MediaLive requires decryption on every SRT listener input, an input security group (it is
      // a push input) and a MinimumLatency of 120-15000 ms (the MediaLive API's
      // SrtListenerSettingsRequest; MediaLive user guide, "Setting up an SRT Listener input").
      // The input's endpoints (one per pipeline of the channel) are MediaLive's to assign:
      // CloudFormation has no destinations for SRT inputs.
      this.input = new medialive.CfnInput(this, 'Resource', {
        name,
        type: IngestProtocol.SRT_LISTENER,
        inputSecurityGroups: [this.securityGroup.ref],
        srtSettings: {
          srtListenerSettings: {
            decryption: { algorithm: props.srt.encryption, passphraseSecretArn: this.credential.secretArn },
            minimumLatency: props.srt.minimumLatencyMs,
            streamId: props.srt.streamId,
          },
        },
      });
    } else {
      const key = this.credential.secretValue.unsafeUnwrap();
      this.input = new medialive.CfnInput(this, 'Resource', {
        name,
        type: IngestProtocol.RTMP_PUSH,
        inputSecurityGroups: [this.securityGroup.ref],
        destinations: Array.from({ length: props.pipelines }, () => ({
          streamName: `${this.applicationName}/${key}`,
        })),
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
   * grant). An RTMP input needs nothing: its stream key is in the input itself.
   */
  public grantMediaLiveRead(role: iam.IGrantable): void {
    if (this.protocol !== IngestProtocol.SRT_LISTENER) return;
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.credential.secretArn],
    });
  }

  /** Lets `grantee` describe the input (its state, endpoints and attached channel). */
  public grantDescribe(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['medialive:DescribeInput'],
      resourceArns: [this.input.attrArn],
    });
  }

  /** Lets `grantee` tell a streamer where to push: describe the input and read the credential. */
  public grantReadIngest(grantee: iam.IGrantable): void {
    this.grantDescribe(grantee);
    this.credential.grantRead(grantee);
  }

  /**
   * Lets `grantee` rotate the credential now or mark the rotation pending: read the input and the
   * credential, list its versions, write a new version and move its stages, update the input,
   * and set or clear the `pendingTagKey` tag on the secret (no other tag).
   */
  public grantRotateKey(grantee: iam.IGrantable, pendingTagKey: string): void {
    this.grantKeyChange(grantee, ['secretsmanager:ListSecretVersionIds']);
    this.grantPendingTag(grantee, pendingTagKey, [
      'secretsmanager:TagResource',
      'secretsmanager:UntagResource',
    ]);
  }

  /**
   * Lets a Secrets Manager rotation function take the credential through the rotation steps:
   * read the input and the credential, write a new version and move its stages, update the
   * input, and clear the `pendingTagKey` tag once the new value is current (it never sets a tag).
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
      resourceArns: [this.credential.secretArn],
    });
  }

  /** Tagging limited to one tag key: no other tag of the secret can be set or removed. */
  private grantPendingTag(grantee: iam.IGrantable, tagKey: string, actions: string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.credential.secretArn],
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [tagKey] } },
    });
  }
}
