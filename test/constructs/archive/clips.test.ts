import { Match } from 'aws-cdk-lib/assertions';
import { expectIamAuthorized, synthOnAir } from '../../helpers';

const { template } = synthOnAir();

function policyStatements(roleIdPrefix: string): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${roleIdPrefix}`) }] },
  });
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
        .PolicyDocument.Statement,
  );
}

test('operator routes for clips use IAM authorization', () => {
  expectIamAuthorized(template, ['POST /channels/{id}/clips', 'GET /channels/{id}/clips/{clipId}']);
});

test('MediaPackage may assume the harvest role, which writes only under clips/ of the archive bucket', () => {
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'mediapackage.amazonaws.com' } },
      ],
    },
    Description: Match.stringLikeRegexp('live-to-VOD clips'),
  });
  expect(policyStatements('ClipsHarvestRole')).toEqual([
    {
      Action: ['s3:GetBucketLocation', 's3:GetBucketRequestPayment', 's3:ListBucket'],
      Effect: 'Allow',
      Resource: expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^Archive/), 'Arn'] }),
    },
    {
      Action: ['s3:GetObject', 's3:PutObject'],
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', [expect.objectContaining({ 'Fn::GetAtt': expect.any(Array) }), '/clips/*']],
      },
    },
  ]);
});

test("the clips function may create and describe harvest jobs of the deployment's endpoints and pass only the harvest role", () => {
  const statements = policyStatements('ClipsFunctionRole');
  expect(statements).toContainEqual(
    expect.objectContaining({
      Action: 'mediapackage:DescribeHarvestJob',
      Resource: { 'Fn::Join': ['', expect.arrayContaining([':harvest_jobs/*'])] },
    }),
  );
  // CreateHarvestJob supports no resource-level permission (Service Authorization Reference).
  expect(statements).toContainEqual(
    expect.objectContaining({ Action: 'mediapackage:CreateHarvestJob', Resource: '*' }),
  );
  // the endpoints, by the deployment tag (they live in the channels' stacks)
  expect(statements).toContainEqual(
    expect.objectContaining({
      Action: ['mediapackage:CreateHarvestJob', 'mediapackage:DescribeHarvestJob'],
      Resource: { 'Fn::Join': ['', expect.arrayContaining([':origin_endpoints/*'])] },
      Condition: { StringEquals: { 'aws:ResourceTag/onair:deployment': 'OnAir-test' } },
    }),
  );
  expect(statements).toContainEqual({
    Action: 'iam:PassRole',
    Effect: 'Allow',
    Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ClipsHarvestRole/), 'Arn'] },
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('^OnAir: live-to-VOD clips'),
    Environment: {
      Variables: Match.objectLike({
        ONAIR_STARTOVER_SECONDS: '86400',
        ONAIR_HARVEST_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClipsHarvestRole'), 'Arn'] },
      }),
    },
  });
});
