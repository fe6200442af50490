import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_KEY } from '../../../lambda/shared/origin-verify';

export { ORIGIN_VERIFY_HEADER };

/**
 * The shared secret CloudFront sends to the control API's viewer routes, so the session function
 * can tell a request that came through the distribution (whose viewer-IP header the
 * edge function set) from a direct call to execute-api (whose headers the caller chose).
 */
export class PlaybackOriginSecret extends Construct {
  public readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `OnAir: ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the playback API (proves a request came through the distribution)`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: ORIGIN_VERIFY_KEY,
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'the header value must change in CloudFront and in the session function together (a stack update replacing the secret), not by a Secrets Manager rotation function',
    });
  }

  /** The origin custom header for CloudFront, its value a dynamic reference (never a literal in the template). */
  public originHeaders(): Record<string, string> {
    return { [ORIGIN_VERIFY_HEADER]: this.secret.secretValueFromJson(ORIGIN_VERIFY_KEY).unsafeUnwrap() };
  }
}
