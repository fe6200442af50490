import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../core/nag';

/** The JSON key MediaPackage v1 reads the CDN identifier from. */
export const CDN_IDENTIFIER_KEY = 'MediaPackageCDNIdentifier';
/** The header CloudFront sends and MediaPackage v1 checks. */
export const CDN_IDENTIFIER_HEADER = 'X-MediaPackage-CDNIdentifier';

/**
 * MediaPackage v1 CDN authorization: a shared secret that CloudFront sends as a header and
 * MediaPackage checks, so the origin endpoints answer only the deployment's distribution.
 */
export class CdnAuthorization extends Construct {
  public readonly secret: secretsmanager.Secret;
  /** Role MediaPackage assumes to read the secret. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'OnAir: CDN identifier CloudFront sends to MediaPackage (MediaPackage CDN authorization)',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: CDN_IDENTIFIER_KEY,
        passwordLength: 32,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'rotating the CDN identifier needs CloudFront and MediaPackage updated together (a stack update), not a Secrets Manager rotation function',
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('mediapackage.amazonaws.com'),
      description: 'Lets MediaPackage read the OnAir CDN identifier secret',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:GetSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:ListSecretVersionIds',
        ],
        resources: [this.secret.secretArn],
      }),
    );
    // The MediaPackage user guide's CDN-authorization policy also grants ListSecrets (which has
    // no resource-level permissions) and iam:GetRole/PassRole; the IAM actions are scoped here
    // to this role itself.
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:ListSecrets'], resources: ['*'] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['iam:GetRole', 'iam:PassRole'], resources: [this.role.roleArn] }),
    );
    acknowledgeWildcardResources(
      this.role,
      ['*'],
      'secretsmanager:ListSecrets supports no resource-level permissions (Secrets Manager service authorization reference); it reveals names, not values',
    );
  }

  /** The header value for CloudFront, as a dynamic reference (never a literal in the template). */
  public headerValue(): string {
    return this.secret.secretValueFromJson(CDN_IDENTIFIER_KEY).unsafeUnwrap();
  }
}
