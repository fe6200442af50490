import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { keyGroupComment, SIGNING_GRACE_SECONDS } from '../../../lambda/shared/signing-keys';
import { AppFunction } from '../core/app-function';
import { acknowledgeWildcardResources } from '../core/nag';

/** Props for {@link PlaybackSigningKeys}. */
export interface PlaybackSigningKeysProps {
  /** Key version (config playback.signingKeyVersion); raising it by one rotates the key. */
  readonly version: number;
  /** Longest playback session; a retired key stays trusted at least this long after it stops signing. */
  readonly sessionTtl: Duration;
  /**
   * Extra time a retired key stays trusted (containers still signing with it, clock skew).
   * @default - 5 minutes
   */
  readonly retirementMargin?: Duration;
}

/** One key version: its secret (private key) and its custom resource (public key). */
export interface SigningKeyVersion {
  readonly version: number;
  readonly secret: secretsmanager.Secret;
  readonly resource: CustomResource;
  /** The CloudFront public key id (Key-Pair-Id). */
  readonly publicKeyId: string;
}

/**
 * CloudFront playback signing keys. Each version `v<n>` is a custom resource that generates an
 * RSA-2048 key pair at deploy, registers the public key with CloudFront and writes the private key
 * to that version's secret (never to the template). The key group trusts the current and the
 * previous version; raising the version by one adds `v<n+1>`, keeps `v<n>` trusted and removes
 * `v<n-1>`, which CloudFormation deletes only after the key group stopped listing it. Creating a
 * key refuses a deployment that would retire a key less than a session TTL (+ margin) after it
 * stopped signing, so no valid session ever loses its key; updates never fail (rollbacks).
 */
export class PlaybackSigningKeys extends Construct {
  public readonly keyGroup: cloudfront.CfnKeyGroup;
  /** The key group as an IKeyGroup for cache behaviors. */
  public readonly trustedKeyGroup: cloudfront.IKeyGroup;
  public readonly current: SigningKeyVersion;
  public readonly previous?: SigningKeyVersion;
  public readonly handler: AppFunction;

  constructor(scope: Construct, id: string, props: PlaybackSigningKeysProps) {
    super(scope, id);
    if (!Number.isInteger(props.version) || props.version < 1) {
      throw new Error(`signing key version must be a whole number of at least 1, got ${props.version}`);
    }
    const stack = Stack.of(this);
    const keyGroupName = `${stack.stackName}-playback`;
    // A replaced key may sign for the signing grace after its successor was created; its
    // sessions then last up to a session TTL.
    const guard = props.sessionTtl
      .plus(props.retirementMargin ?? Duration.minutes(5))
      .plus(Duration.seconds(SIGNING_GRACE_SECONDS));

    this.handler = new AppFunction(this, 'Handler', {
      entry: 'signing-key',
      description: 'OnAir: creates, rotates and deletes CloudFront playback signing keys',
      timeout: Duration.minutes(1),
    });
    // CloudFront public keys and key groups have no resource-level permissions (the Service
    // Authorization Reference lists no resource type for these actions).
    this.handler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'cloudfront:CreatePublicKey',
          'cloudfront:GetPublicKey',
          'cloudfront:DeletePublicKey',
          'cloudfront:ListPublicKeys',
          'cloudfront:ListKeyGroups',
        ],
        resources: ['*'],
      }),
    );
    acknowledgeWildcardResources(
      this.handler.role,
      ['*'],
      'CloudFront public-key and key-group actions support no resource-level permissions; the function only creates and deletes the public keys of its own custom resources',
    );

    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.handler.function });
    acknowledgeProvider(provider, this.handler);

    const makeVersion = (version: number, role: 'current' | 'previous', previousId?: string) => {
      const scope = new Construct(this, `Key-v${version}`);
      const secret = new secretsmanager.Secret(scope, 'Secret', {
        description: `OnAir playback signing key v${version} (private key; written by the key's custom resource)`,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'the key is rotated by raising playback.signingKeyVersion (a stack update that keeps the old key trusted for a session TTL), not by a Secrets Manager rotation function',
      });
      const resource = new CustomResource(scope, 'Resource', {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::OnAirSigningKey',
        properties: {
          Version: String(version),
          Role: role,
          SecretArn: secret.secretArn,
          KeyGroupName: keyGroupName,
          NamePrefix: stack.stackName,
          GuardSeconds: String(guard.toSeconds()),
          ...(previousId !== undefined ? { PreviousPublicKeyId: previousId } : {}),
        },
      });
      return { version, secret, resource, publicKeyId: resource.getAttString('PublicKeyId') };
    };

    this.previous = props.version > 1 ? makeVersion(props.version - 1, 'previous') : undefined;
    this.current = makeVersion(props.version, 'current', this.previous?.publicKeyId);
    const secrets = [this.current.secret, this.previous?.secret].filter(
      (s): s is secretsmanager.Secret => s !== undefined,
    );
    this.handler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:PutSecretValue'],
        resources: secrets.map((s) => s.secretArn),
      }),
    );

    this.keyGroup = new cloudfront.CfnKeyGroup(this, 'KeyGroup', {
      keyGroupConfig: {
        name: keyGroupName,
        comment: keyGroupComment(guard.toSeconds()),
        items: [this.current.publicKeyId, ...(this.previous ? [this.previous.publicKeyId] : [])],
      },
    });
    this.trustedKeyGroup = cloudfront.KeyGroup.fromKeyGroupId(this, 'Trusted', this.keyGroup.attrId);
  }

  /** Lets `grantee` sign sessions: read the private keys of the current and the previous version. */
  public grantSign(grantee: iam.IGrantable): void {
    this.current.secret.grantRead(grantee);
    this.previous?.secret.grantRead(grantee);
  }
}

function acknowledgeProvider(provider: cr.Provider, handler: AppFunction): void {
  const fn = provider.node.findChild('framework-onEvent') as lambda.Function;
  if (fn.role === undefined) return;
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'the CDK custom-resource Provider framework function uses AWSLambdaBasicExecutionRole only to write its own logs; its one other permission is invoking the key handler',
  });
  acknowledgeWildcardResources(
    fn.role,
    [`${handler.function.functionArn}:*`],
    'the Provider framework may invoke the key handler and its versions (<arn>:*), nothing else',
  );
}
