import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Archive } from '../../../lib/constructs/archive/archive';
import { privateBucketProperties, synthOnAir, testApp, testConfig } from '../../helpers';

test('the archive bucket is versioned, encrypted, private, TLS-only, logged and retained', () => {
  const { template } = synthOnAir();
  template.hasResource('AWS::S3::Bucket', {
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: Match.objectLike({
      VersioningConfiguration: { Status: 'Enabled' },
      ...privateBucketProperties('archive-bucket/'),
    }),
  });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: Match.stringLikeRegexp('^Archive') },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    },
  });
});

test('lifecycle: Glacier Instant Retrieval after the configured days, optional expiry; deleted versions kept 30 days', () => {
  const { template } = synthOnAir(
    testConfig({ archive: { glacierInstantRetrievalAfterDays: 14, expireAfterDays: 400 } }),
  );
  template.hasResourceProperties('AWS::S3::Bucket', {
    VersioningConfiguration: { Status: 'Enabled' },
    LifecycleConfiguration: {
      Rules: [
        Match.objectLike({
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 14 }],
          ExpirationInDays: 400,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }),
        { Id: 'expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
      ],
    },
  });
});

test('without expiry nothing is ever deleted', () => {
  const { template } = synthOnAir();
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { VersioningConfiguration: { Status: 'Enabled' } },
  });
  const [archive] = Object.values(buckets);
  const rule = archive?.Properties.LifecycleConfiguration.Rules[0];
  expect(rule.ExpirationInDays).toBeUndefined();
  expect(rule.NoncurrentVersionExpiration).toBeUndefined();
  expect(archive?.Properties.LifecycleConfiguration.Rules).toHaveLength(1);
});

test('MediaLive destinations put each session under <channel>/$dt$/<pipeline>/', () => {
  const stack = new Stack(testApp(), 'S');
  const logs = new s3.Bucket(stack, 'Logs');
  const archive = new Archive(stack, 'Archive', {
    accessLogsBucket: logs,
    glacierInstantRetrievalAfterDays: 30,
  });
  expect(stack.resolve(archive.medialiveDestination('news', 'b'))).toEqual({
    'Fn::Join': [
      '',
      [
        's3ssl://',
        { Ref: stack.getLogicalId(archive.bucket.node.defaultChild as s3.CfnBucket) },
        '/news/$dt$/b/news',
      ],
    ],
  });
});

test('fails when expiry does not come after the tier transition', () => {
  const stack = new Stack(testApp(), 'S');
  const logs = new s3.Bucket(stack, 'Logs');
  expect(
    () =>
      new Archive(stack, 'Archive', {
        accessLogsBucket: logs,
        glacierInstantRetrievalAfterDays: 30,
        expireAfterDays: 30,
      }),
  ).toThrow('expireAfterDays (30) must be greater than glacierInstantRetrievalAfterDays (30)');
  expect(
    () => new Archive(stack, 'Archive2', { accessLogsBucket: logs, glacierInstantRetrievalAfterDays: 0 }),
  ).toThrow('glacierInstantRetrievalAfterDays must be a whole number of days >= 1, got 0');
});

test('the access-log bucket accepts CloudFront logs (ACLs on), is private, TLS-only and expires logs', () => {
  const { template } = synthOnAir();
  template.hasResourceProperties('AWS::S3::Bucket', {
    OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    PublicAccessBlockConfiguration: Match.objectLike({
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    }),
    LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
  });
});
