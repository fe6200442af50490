import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Props for {@link AccessLogs}. */
export interface AccessLogsProps {
  /**
   * Days before access logs are deleted.
   * @default - 365
   */
  readonly retentionDays?: number;
}

/**
 * The deployment's log bucket: S3 server access logs of the other buckets and CloudFront
 * standard logs. CloudFront's standard (legacy) logging writes with an ACL, so this bucket
 * keeps ACLs enabled (object writer owns), unlike every other bucket here.
 */
export class AccessLogs extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(props.retentionDays ?? 365) }],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'this is the access-log bucket itself; logging it into itself would loop and another bucket adds cost without audit value',
    });
  }
}
