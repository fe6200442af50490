import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { THUMBNAILS_PREFIX } from '../../../lambda/shared/contract';

/** Props for {@link Archive}. */
export interface ArchiveProps {
  /** Bucket that receives the archive bucket's S3 server access logs. */
  readonly accessLogsBucket: s3.IBucket;
  /** Days before objects move to S3 Glacier Instant Retrieval. */
  readonly glacierInstantRetrievalAfterDays: number;
  /**
   * Days before recordings are deleted. Versions that become noncurrent (by this expiry or by
   * a deletion by hand) are kept {@link NONCURRENT_RETENTION_DAYS} more days for recovery.
   * @default - nothing is ever deleted, not even the versions of recordings deleted by hand
   */
  readonly expireAfterDays?: number;
}

/** With expiry configured, how long a deleted recording stays recoverable (as a noncurrent version). */
export const NONCURRENT_RETENTION_DAYS = 30;

/**
 * The archive of every live session: versioned, encrypted, TLS-only, never public, and
 * retained when the stack is deleted (recordings outlive the platform that made them).
 */
export class Archive extends Construct {
  public readonly bucket: s3.Bucket;
  /** Days after which objects expire, as configured. @default - never */
  public readonly expireAfterDays?: number;

  constructor(scope: Construct, id: string, props: ArchiveProps) {
    super(scope, id);
    const tier = props.glacierInstantRetrievalAfterDays;
    const expire = props.expireAfterDays;
    this.expireAfterDays = expire;
    if (!Token.isUnresolved(tier) && (!Number.isInteger(tier) || tier < 1)) {
      throw new Error(`glacierInstantRetrievalAfterDays must be a whole number of days >= 1, got ${tier}`);
    }
    if (expire !== undefined && !Token.isUnresolved(expire) && expire <= tier) {
      throw new Error(
        `expireAfterDays (${expire}) must be greater than glacierInstantRetrievalAfterDays (${tier})`,
      );
    }

    this.bucket = new s3.Bucket(this, 'Resource', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'archive-bucket/',
      lifecycleRules: [
        {
          id: 'tier-and-expire',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(tier) },
          ],
          expiration: expire === undefined ? undefined : Duration.days(expire),
          // Counted from when a version becomes noncurrent: an expired recording is gone
          // NONCURRENT_RETENTION_DAYS after its expiry, not another expireAfterDays later.
          noncurrentVersionExpiration:
            expire === undefined ? undefined : Duration.days(NONCURRENT_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        // Delete markers whose versions have all expired would pile up forever (S3 accepts this
        // only in a rule without a days-based expiration).
        ...(expire === undefined ? [] : [{ id: 'expired-delete-markers', expiredObjectDeleteMarker: true }]),
      ],
    });
  }

  /** The S3 URL prefix MediaLive writes a channel's sessions under (MediaLive's `s3ssl://` scheme). */
  public medialiveDestination(channelId: string, pipeline: string): string {
    // $dt$ in an Archive output group's destination resolves once, to the channel's start
    // time (MediaLive "Identifiers for variable data"), so every start gets its own prefix.
    return `s3ssl://${this.bucket.bucketName}/${channelId}/$dt$/${pipeline}/${channelId}`;
  }

  /**
   * The S3 URL prefix MediaLive's frame capture writes a channel's JPEGs under, per pipeline
   * (`thumbnails/<channel>/<pipeline>/<channel>_thumb.<counter>.jpg`; the counter restarts at
   * every channel start, so each session overwrites the last one's frames).
   */
  public thumbnailsDestination(channelId: string, pipeline: string): string {
    return `s3ssl://${this.bucket.bucketName}/${THUMBNAILS_PREFIX}${channelId}/${pipeline}/${channelId}`;
  }

  /** ARN pattern of one channel's frame captures. */
  public thumbnailsArn(channelId: string): string {
    return this.bucket.arnForObjects(`${THUMBNAILS_PREFIX}${channelId}/*`);
  }

  /** Lets MediaLive write frame captures of one channel. */
  public grantThumbnails(grantee: iam.IGrantable, channelId: string): iam.Grant {
    // MediaLive lists the bucket when a channel with an S3 destination starts.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resourceArns: [this.bucket.bucketArn],
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.thumbnailsArn(channelId)],
    });
  }

  /** ARN pattern of one channel's recordings. */
  public recordingsArn(channelId: string): string {
    return this.bucket.arnForObjects(`${channelId}/*`);
  }

  /**
   * Lets MediaPackage, assuming `grantee`, write harvested (live-to-VOD) output under `keyPrefix`
   * (the policy of MediaPackage's user guide, "Allowing MediaPackage to access other AWS services").
   */
  public grantHarvest(grantee: iam.IGrantable, keyPrefix: string): iam.Grant {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetBucketLocation', 's3:GetBucketRequestPayment', 's3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${keyPrefix}*`)],
    });
  }

  /**
   * Lets `grantee` list the keys under `keyPrefix` and use `actions` on those objects only
   * (explicit actions, no wildcards).
   */
  public grantPrefix(
    grantee: iam.IGrantable,
    keyPrefix: string,
    actions: readonly ('s3:GetObject' | 's3:PutObject' | 's3:DeleteObject')[],
  ): iam.Grant {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${keyPrefix}*`] } },
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns: [this.bucket.arnForObjects(`${keyPrefix}*`)],
    });
  }

  /** Lets MediaLive write recordings of one channel. */
  public grantRecord(grantee: iam.IGrantable, channelId: string): iam.Grant {
    // MediaLive lists the bucket when a channel with an S3 destination starts.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resourceArns: [this.bucket.bucketArn],
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resourceArns: [this.recordingsArn(channelId)],
    });
  }
}
