import { Match } from 'aws-cdk-lib/assertions';
import { Recordings } from '../../../lib/constructs/archive/recordings';
import { expectIamAuthorized, synthOnAir, testConfig } from '../../helpers';

const { template, platform } = synthOnAir();

test('the index: one item per recording by id, a byChannel index by session start, retained with the bucket, point-in-time recovery', () => {
  template.hasResource('AWS::DynamoDB::Table', {
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      KeySchema: [{ AttributeName: 'recordingId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byChannel',
          KeySchema: [
            { AttributeName: 'channelId', KeyType: 'HASH' },
            { AttributeName: 'sessionStart', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  });
  // the archive bucket itself stays retained on stack delete
  template.hasResource('AWS::S3::Bucket', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' } }),
  });
});

test("records of an expiring archive carry their expiry: the table's TTL is expiresAt whatever the config, the events function gets the days only when configured", () => {
  const expiring = synthOnAir(
    testConfig({ archive: { glacierInstantRetrievalAfterDays: 14, expireAfterDays: 400 } }),
  ).template;
  for (const t of [template, expiring])
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'recordingId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  const eventsEnv = (t: typeof template) =>
    Object.values(
      t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.recorder' } }),
    ).map(
      (r) => (r.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables,
    );
  expect(eventsEnv(expiring)).toEqual([expect.objectContaining({ ONAIR_RECORDING_EXPIRE_DAYS: '400' })]);
  expect(eventsEnv(template)).toEqual([
    expect.not.objectContaining({ ONAIR_RECORDING_EXPIRE_DAYS: expect.anything() }),
  ]);
});

test('operator routes use IAM authorization', () => {
  expectIamAuthorized(template, [
    'GET /channels/{id}/recordings',
    'GET /recordings/{recordingId}',
    'DELETE /recordings/{recordingId}',
    'POST /recordings/{recordingId}/publish',
    'POST /recordings/{recordingId}/unpublish',
  ]);
});

test("rules: MediaLive state changes (the function keeps its registry's channels), harvested and failed recording parts (not clips), a 15-minute sweep; each with retries and the dead-letter queue", () => {
  const deadLetterConfig = { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecordingsDlq'), 'Arn'] } };
  const retryPolicy = { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 8 };
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      source: ['aws.medialive'],
      'detail-type': ['MediaLive Channel State Change'],
    },
    Targets: [Match.objectLike({ DeadLetterConfig: deadLetterConfig, RetryPolicy: retryPolicy })],
  });
  // Success: the API's enum (SUCCEEDED) and the user guide's example notification (COMPLETED).
  for (const [status, fn] of [
    [['SUCCEEDED', 'COMPLETED'], '^RecordingsFilesFn'],
    [['FAILED'], '^RecordingsEventsFn'],
  ] as const) {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.mediapackage'],
        'detail-type': ['MediaPackage HarvestJob Notification'],
        detail: {
          harvest_job: { status: [...status], s3_destination: { manifest_key: [{ prefix: 'recordings/' }] } },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(fn), 'Arn'] },
          DeadLetterConfig: deadLetterConfig,
        }),
      ],
    });
  }
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
  template.resourcePropertiesCountIs(
    'AWS::Lambda::EventInvokeConfig',
    { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: Match.anyValue() } } },
    3,
  );
});

test('a message in the dead-letter queue alarms to the alert topic', () => {
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Namespace: 'AWS/SQS',
    Dimensions: [
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecordingsDlq'), 'QueueName'] } },
    ],
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperationsAlertsTopic') }],
  });
});

test('the harvest role: MediaPackage writes only under recordings/', () => {
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('^RecordingsHarvestRole') }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        {
          Action: ['s3:GetObject', 's3:PutObject'],
          Effect: 'Allow',
          Resource: {
            'Fn::Join': [
              '',
              [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Archive'), 'Arn'] }, '/recordings/*'],
            ],
          },
        },
      ]),
    },
  });
});

test('no recorded channel: no recordings resources; a startover window below an hour is refused', () => {
  const none = synthOnAir(
    testConfig({
      channels: [
        { id: 'main', archive: false, input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
      ],
    }),
  );
  // the registry and the status table only
  none.template.resourceCountIs('AWS::DynamoDB::Table', 2);
  expect(none.platform.recordings).toBeUndefined();
  expect(() => testConfig({ packaging: { startoverWindowHours: 0 } })).toThrow(
    'packaging.startoverWindowHours: received 0; recordings are harvested from the startover window: set at least 1 hour, or set archive to false on every channel',
  );
  expect(
    () =>
      new Recordings(platform, 'Other', {
        deploymentName: platform.stackName,
        registry: platform.registry,
        controlApi: platform.controlApi,
        archive: platform.archive,
        startoverWindowSeconds: 1800,
        statusTable: platform.operations.health.table,
        alarmTopic: platform.operations.alertTopic.topic,
      }),
  ).toThrow(
    'recordings: a startover window of 1800 s is too short to record sessions: recordings need at least 1 hour (startoverWindowSeconds 1800)',
  );
});
