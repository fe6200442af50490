import { Match, Template } from 'aws-cdk-lib/assertions';
import { INPUT_PRESENT_MBPS } from '../../../lambda/shared/contract';
import { loadConfig } from '../../../lib/config/load';
import {
  ALARMS_PER_CHANNEL,
  ALARMS_PER_PIPELINE,
  alarmCount,
} from '../../../lib/constructs/operations/alarms';
import { expectIamAuthorized, synthOnAir, testConfig } from '../../helpers';

const STANDARD = {
  id: 'studio',
  channelClass: 'STANDARD',
  archive: false,
  autoRestart: true,
  autoStart: true,
  autoStopIdleMinutes: 0,
  input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] },
};
const SINGLE = { id: 'main', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } };

// One synth shared by the assertions below (a synth costs about a second).
const { template, edge, platform, channelTemplate } = synthOnAir(
  testConfig({ channels: [SINGLE, STANDARD], alarms: { emails: ['oncall@example.com'], webhook: true } }),
);
const edgeTemplate = Template.fromStack(edge);
// Each channel's alarms live in its own nested stack.
const mainT = channelTemplate('main');
const studioT = channelTemplate('studio');

/** A metric-math alarm's Metrics entry as synthesized. */
interface MetricQuery {
  Id: string;
  Expression?: string;
  MetricStat?: {
    Stat: string;
    Period: number;
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
  };
}

function alarmsOf(t: Template, scope: string) {
  return Object.values(t.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
    String(a.Properties.AlarmDescription).startsWith(`[onair:${scope}]`),
  );
}

describe('alarms', () => {
  test('count per channel: 5 per pipeline + 2 per channel (SINGLE_PIPELINE 7, STANDARD 12)', () => {
    expect([ALARMS_PER_PIPELINE, ALARMS_PER_CHANNEL]).toEqual([5, 2]);
    expect(alarmCount(1)).toBe(7);
    expect(alarmCount(2)).toBe(12);
    expect(alarmsOf(mainT, 'main')).toHaveLength(7);
    expect(alarmsOf(studioT, 'studio')).toHaveLength(12);
    mainT.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    studioT.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    // the platform stack's only alarm: the recordings dead-letter queue's
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    edgeTemplate.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  const defaults = {
    EvaluationPeriods: 3,
    DatapointsToAlarm: 3,
    TreatMissingData: 'notBreaching',
    Period: 60,
  };
  const mlDims = (pipeline: string) => [
    { Name: 'ChannelId', Value: { Ref: Match.stringLikeRegexp('^ChannelTranscode') } },
    { Name: 'Pipeline', Value: pipeline },
  ];

  test.each([
    ['MediaLive active alerts on pipeline 0', 'ActiveAlerts', 'Maximum', 1, 'GreaterThanOrEqualToThreshold'],
    [
      'input loss (seconds per minute) on pipeline 0',
      'InputLossSeconds',
      'Sum',
      10,
      'GreaterThanOrEqualToThreshold',
    ],
    [
      'input frame rate below 15 fps on pipeline 0',
      'InputVideoFrameRate',
      'Average',
      15,
      'LessThanThreshold',
    ],
    ['dropped frames on pipeline 0', 'DroppedFrames', 'Sum', 30, 'GreaterThanOrEqualToThreshold'],
  ])('"%s": %s %s threshold %d, missing data not breaching', (what, metric, stat, threshold, op) => {
    mainT.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: `[onair:main] ${what}`,
      Namespace: 'AWS/MediaLive',
      MetricName: metric,
      Statistic: stat,
      Dimensions: mlDims('0'),
      Threshold: threshold,
      ComparisonOperator: op,
      ...defaults,
      // the parent's topic, passed to the channel's stack
      AlarmActions: [{ Ref: Match.stringLikeRegexp('OperationsAlertsTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('OperationsAlertsTopic') }],
    });
  });

  test('STANDARD channels get every MediaLive alarm per pipeline (0 and 1)', () => {
    for (const p of ['0', '1']) {
      for (const what of ['MediaLive active alerts', 'input loss (seconds per minute)', 'dropped frames']) {
        studioT.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmDescription: `[onair:studio] ${what} on pipeline ${p}`,
          Dimensions: [
            { Name: 'ChannelId', Value: { Ref: Match.stringLikeRegexp('^ChannelTranscode') } },
            { Name: 'Pipeline', Value: p },
          ],
        });
      }
    }
  });

  test('output errors sum Output4xxErrors and Output5xxErrors of the MediaPackage and archive output groups', () => {
    const alarm = alarmsOf(mainT, 'main').find((a) =>
      a.Properties.AlarmDescription.includes('output 4xx/5xx'),
    );
    expect(alarm?.Properties).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      EvaluationPeriods: 3,
    });
    const metrics = alarm?.Properties.Metrics as MetricQuery[];
    const expr = metrics.find((m) => m.Expression);
    expect(expr?.Expression).toBe('FILL(e40, 0) + FILL(e50, 0) + FILL(e41, 0) + FILL(e51, 0)');
    const stats = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat);
    expect(stats.map((s) => [s?.Metric.MetricName, s?.Stat, s?.Period, s?.Metric.Dimensions[1]])).toEqual([
      ['Output4xxErrors', 'Sum', 60, { Name: 'OutputGroupName', Value: 'mediapackage' }],
      ['Output5xxErrors', 'Sum', 60, { Name: 'OutputGroupName', Value: 'mediapackage' }],
      ['Output4xxErrors', 'Sum', 60, { Name: 'OutputGroupName', Value: 'archive' }],
      ['Output5xxErrors', 'Sum', 60, { Name: 'OutputGroupName', Value: 'archive' }],
    ]);
    // studio is not archived: MediaPackage group only.
    const studio = alarmsOf(studioT, 'studio').find(
      (a) =>
        a.Properties.AlarmDescription.endsWith('on pipeline 1') &&
        a.Properties.AlarmDescription.includes('output'),
    );
    expect(studio?.Properties.Metrics.find((m: { Expression?: string }) => m.Expression).Expression).toBe(
      'FILL(e40, 0) + FILL(e50, 0)',
    );
  });

  describe('MediaPackage ingress stopped: only while MediaLive receives input', () => {
    const ingressAlarm = (scope: string) => {
      const alarm = alarmsOf(scope === 'main' ? mainT : studioT, scope).find((a) =>
        a.Properties.AlarmDescription.includes('ingress stopped'),
      );
      return { props: alarm?.Properties, metrics: alarm?.Properties.Metrics as MetricQuery[] };
    };

    test('SINGLE_PIPELINE: pipeline 0 NetworkIn gates IngressBytes, 3 of 3 minutes', () => {
      const { props, metrics } = ingressAlarm('main');
      expect(props).toMatchObject({
        AlarmDescription: '[onair:main] MediaPackage ingress stopped while MediaLive receives input',
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(metrics.find((m) => m.Expression)?.Expression).toBe(
        'IF((FILL(netin0, 0) > 0.01) AND FILL(ingress, 0) <= 0, 1, 0)',
      );
      expect(metrics.map((m) => m.Id).sort()).toEqual(['expr_1', 'ingress', 'netin0']);
      expect(metrics.find((m) => m.Id === 'netin0')?.MetricStat).toMatchObject({
        Stat: 'Maximum',
        Period: 60,
        Metric: {
          Namespace: 'AWS/MediaLive',
          MetricName: 'NetworkIn',
          Dimensions: [
            { Name: 'ChannelId', Value: { Ref: expect.stringMatching(/^ChannelTranscode/) } },
            { Name: 'Pipeline', Value: '0' },
          ],
        },
      });
      const ingress = metrics.find((m) => m.Id === 'ingress')?.MetricStat;
      expect(ingress).toMatchObject({
        Stat: 'Sum',
        Period: 60,
        Metric: { Namespace: 'AWS/MediaPackage', MetricName: 'IngressBytes' },
      });
      expect(ingress?.Metric.Dimensions).toEqual([
        { Name: 'Channel', Value: { Ref: expect.stringMatching(/^ChannelPackaging/) } },
      ]);
      // No metric of a channel waiting for its first input (ActiveAlerts) gates it any more.
      expect(JSON.stringify(metrics)).not.toContain('ActiveAlerts');
    });

    test('STANDARD: the larger NetworkIn of both pipelines gates it', () => {
      const { metrics } = ingressAlarm('studio');
      expect(metrics.find((m) => m.Expression)?.Expression).toBe(
        'IF((FILL(netin0, 0) > 0.01 OR FILL(netin1, 0) > 0.01) AND FILL(ingress, 0) <= 0, 1, 0)',
      );
      expect(metrics.find((m) => m.Id === 'netin1')?.MetricStat?.Metric.Dimensions).toEqual([
        { Name: 'ChannelId', Value: { Ref: expect.stringMatching(/^ChannelTranscode/) } },
        { Name: 'Pipeline', Value: '1' },
      ]);
    });

    test("the input threshold is the contract's (idle auto-stop uses the same)", () => {
      const { metrics } = ingressAlarm('studio');
      expect(metrics.find((m) => m.Expression)?.Expression).toContain(
        `FILL(netin0, 0) > ${INPUT_PRESENT_MBPS} `,
      );
    });

    test('never fewer than 3 breaching minutes (MediaPackage publishes the newest minute late)', () => {
      const t = synthOnAir(
        testConfig({ alarms: { thresholds: { evaluationMinutes: 1, ingressBytesPerMinute: 1000 } } }),
      ).channelTemplate('main');
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('ingress stopped'),
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF((FILL(netin0, 0) > 0.01) AND FILL(ingress, 0) <= 1000, 1, 0)' }),
        ]),
      });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'InputLossSeconds',
        EvaluationPeriods: 1,
      });
    });
  });

  test('MediaPackage egress 5xx: EgressRequestCount Sum by Channel and StatusCodeRange 5xx', () => {
    mainT.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: '[onair:main] MediaPackage egress 5xx responses',
      Namespace: 'AWS/MediaPackage',
      MetricName: 'EgressRequestCount',
      Statistic: 'Sum',
      Dimensions: [
        { Name: 'Channel', Value: { Ref: Match.stringLikeRegexp('^ChannelPackaging') } },
        { Name: 'StatusCodeRange', Value: '5xx' },
      ],
      Threshold: 10,
      ...defaults,
    });
  });

  test('CDN alarms (us-east-1): 5xxErrorRate Average and OriginLatency p90 by DistributionId and Region Global', () => {
    expect(edge.region).toBe('us-east-1');
    const dist = { Ref: Match.stringLikeRegexp('^SsmParameterValueonairtestedgedistributionid') };
    edgeTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: '[onair:cdn] CloudFront 5xx error rate',
      Namespace: 'AWS/CloudFront',
      MetricName: '5xxErrorRate',
      Statistic: 'Average',
      Dimensions: [
        { Name: 'DistributionId', Value: dist },
        { Name: 'Region', Value: 'Global' },
      ],
      Threshold: 5,
      ...defaults,
    });
    edgeTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: '[onair:cdn] CloudFront origin latency (p90)',
      MetricName: 'OriginLatency',
      ExtendedStatistic: 'p90',
      Threshold: 3000,
      ...defaults,
    });
    // OriginLatency needs CloudFront's additional metrics.
    template.hasResourceProperties('AWS::CloudFront::MonitoringSubscription', {
      MonitoringSubscription: {
        RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' },
      },
    });
  });

  test('an SRT channel gets the same alarms on the same MediaLive metrics as an RTMP one (channel metrics by ChannelId and Pipeline, whatever the input)', () => {
    const srt = synthOnAir(
      testConfig({
        channels: [{ ...STANDARD, input: { type: 'SRT_LISTENER', allowedCidrs: ['203.0.113.0/24'] } }],
      }),
    ).channelTemplate('studio');
    const rtmp = synthOnAir(testConfig({ channels: [STANDARD] })).channelTemplate('studio');
    // Every alarm property except the resource references (logical ids differ by construct id).
    const shapes = (t: Template) =>
      alarmsOf(t, 'studio')
        .map((a) => JSON.stringify(a.Properties, (k, v) => (k === 'Value' || k === 'Ref' ? '<ref>' : v)))
        .sort();
    expect(shapes(srt)).toHaveLength(12);
    expect(shapes(srt)).toEqual(shapes(rtmp));
  });

  test('thresholds come from config', () => {
    const t = synthOnAir(
      testConfig({
        alarms: { thresholds: { evaluationMinutes: 5, inputLossSecondsPerMinute: 2, minInputFrameRate: 24 } },
      }),
    ).channelTemplate('main');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'InputLossSeconds',
      Threshold: 2,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InputVideoFrameRate', Threshold: 24 });
  });
});

describe('notifications', () => {
  test('one KMS-encrypted, TLS-only topic with the config emails', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    edgeTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  test('CloudWatch may use the topic keys only for alarms of this account (confused deputy)', () => {
    for (const t of [template, edgeTemplate]) {
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ]),
        },
      });
    }
  });

  test('only alarm notifications reach the health function (no feedback loop)', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { AlarmName: [{ exists: true }] },
    });
    edgeTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { Ref: Match.stringLikeRegexp('^SsmParameterValueonairtestedgehealthfunctionarn') },
      FilterPolicy: { AlarmName: [{ exists: true }] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'sns.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([':sns:us-east-1:', ':OnAir-test-cdn-alerts'])] },
    });
  });

  test('the webhook URL lives in Secrets Manager; only the health function, which sends every notice, may read it', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^OnAir health'),
      Environment: {
        Variables: Match.objectLike({
          ONAIR_WEBHOOK_SECRET_ARN: { Ref: Match.stringLikeRegexp('WebhookUrl') },
        }),
      },
    });
    const idleStop = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^OnAir idle auto-stop') },
      }),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    expect(idleStop).toHaveLength(1);
    expect(Object.keys(idleStop[0]?.Properties.Environment.Variables ?? {})).not.toContain(
      'ONAIR_WEBHOOK_SECRET_ARN',
    );
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^OperationsControlIdleStopRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties
          .PolicyDocument.Statement,
    );
    const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    // Auto-stop notices go through the health function: idle-stop records the stop on the status record.
    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions.filter((a) => /^(secretsmanager|sns|kms):/.test(a))).toEqual([]);
    template.hasOutput('WebhookSecretArn', { Value: { Ref: Match.stringLikeRegexp('WebhookUrl') } });
    expect(Object.keys(synthOnAir().template.findOutputs('WebhookSecretArn'))).toEqual([]);
  });
});

describe('events, status table, dashboard', () => {
  test("two rules take MediaLive's state changes and alerts without naming channels (the function acts on registered ones)", () => {
    // A pattern naming a hundred channel ARNs would exceed EventBridge's pattern size.
    for (const detailType of ['MediaLive Channel State Change', 'MediaLive Channel Alert']) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['aws.medialive'], 'detail-type': [detailType] },
      });
    }
  });

  test('status table: on-demand, point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'channelId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('auto-restart may restart only channels tagged for it (the opted-in ones) of this deployment', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['medialive:DescribeChannel', 'medialive:RestartChannelPipelines'],
            Condition: {
              StringEquals: {
                'aws:ResourceTag/onair:deployment': 'OnAir-test',
                'aws:ResourceTag/onair:auto-restart': 'true',
              },
            },
            Effect: 'Allow',
            Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':channel:*'])] }),
          },
        ]),
      },
    });
    studioT.hasResourceProperties('AWS::MediaLive::Channel', {
      Tags: Match.objectLike({ 'onair:auto-restart': 'true' }),
    });
    const [mainChannel] = Object.values(mainT.findResources('AWS::MediaLive::Channel'));
    expect(mainChannel?.Properties.Tags['onair:auto-restart']).toBeUndefined();
  });

  test('dashboard shows input bitrate/frame rate, alerts, MediaPackage and CloudFront metrics', () => {
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const needle of [
      'NetworkIn',
      'InputVideoFrameRate',
      'ActiveAlerts',
      'IngressBytes',
      'EgressRequestCount',
      'StatusCodeRange',
      'EgressResponseTime',
      'BytesDownloaded',
      '5xxErrorRate',
      '4xxErrorRate',
      'us-east-1',
    ])
      expect(body).toContain(needle);
  });
});

describe('channel control', () => {
  test('operator routes are IAM-authorized', () => {
    expectIamAuthorized(template, [
      'GET /channels',
      'GET /channels/{id}/status',
      'POST /channels/{id}/start',
      'POST /channels/{id}/stop',
    ]);
  });

  test('no function reserves concurrency (deploys fail on accounts at the unreserved minimum)', () => {
    const functions = [template, edgeTemplate].flatMap((t) =>
      Object.values(t.findResources('AWS::Lambda::Function')),
    );
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) expect(fn.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  test('idle auto-stop runs every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
    });
  });

  test("safe delete: one custom resource in each channel's stack, depending on its channel; auto-start only where configured", () => {
    template.resourceCountIs('Custom::OnAirChannelLifecycle', 0);
    const crsOf = (t: Template) => t.findResources('Custom::OnAirChannelLifecycle');
    const main = crsOf(mainT);
    const studio = crsOf(studioT);
    expect(Object.values(main).map((r) => r.Properties.Kind)).toEqual(['SafeDelete']);
    expect(
      Object.values(studio)
        .map((r) => r.Properties.Kind)
        .sort(),
    ).toEqual(['AutoStart', 'SafeDelete']);
    for (const [, r] of [...Object.entries(main), ...Object.entries(studio)])
      if (r.Properties.Kind === 'SafeDelete')
        expect(r.DependsOn).toEqual([expect.stringMatching(/^ChannelTranscode/)]);
    // Each names the parent's lifecycle provider (a parameter of the channel's stack).
    expect(JSON.stringify(Object.values(main)[0]?.Properties.ServiceToken)).toMatch(/LifecycleProvider/);
    // Auto-start waits for safe delete: a failed create rolls back through safe delete, which
    // stops the started channel before CloudFormation deletes it.
    const studioAutoStart = Object.values(studio).find((r) => r.Properties.Kind === 'AutoStart');
    expect(studioAutoStart?.DependsOn).toEqual(
      expect.arrayContaining(['SafeDelete', expect.stringMatching(/^ChannelTranscode/)]),
    );
    // Provider framework with a completion check and a total timeout of at least 20 minutes.
    const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const definition = JSON.stringify(sm?.Properties.DefinitionString);
    const maxAttempts = Number(/MaxAttempts\\":(\d+)/.exec(definition)?.[1]);
    const interval = Number(/IntervalSeconds\\":(\d+)/.exec(definition)?.[1]);
    expect(maxAttempts * interval).toBeGreaterThanOrEqual(20 * 60);
  });

  test("safe delete may describe and stop any channel tagged with this deployment's stack name", () => {
    // A channel removed from the config is deleted after the policy stopped naming it (see
    // test/stacks/update-cleanup.test.ts), hence the tag-conditioned grant.
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^OperationsControlLifecycleRole') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({
      Action: ['medialive:DescribeChannel', 'medialive:StopChannel'],
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':medialive:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':channel:*',
          ],
        ],
      },
      Condition: { StringEquals: { 'aws:ResourceTag/onair:deployment': platform.stackName } },
    });
    // Start stays limited to the auto-started channels: those tagged onair:auto-start=true.
    expect(statements.filter((st) => JSON.stringify(st.Action).includes('StartChannel'))).toEqual([
      expect.objectContaining({
        Action: 'medialive:StartChannel',
        Condition: {
          StringEquals: {
            'aws:ResourceTag/onair:deployment': platform.stackName,
            'aws:ResourceTag/onair:auto-start': 'true',
          },
        },
      }),
    ]);
    studioT.hasResourceProperties('AWS::MediaLive::Channel', {
      Tags: Match.objectLike({ 'onair:auto-start': 'true' }),
    });
  });

  test('stack dependency: the edge stack deploys after the platform stack', () => {
    expect(edge.dependencies.map((s) => s.stackName)).toContain(platform.stackName);
  });
});

test('8 channels (config/examples/eight-channels.json) stay within CloudFormation per-stack limits', () => {
  const { app } = synthOnAir(loadConfig('config/examples/eight-channels.json'));
  for (const stack of app.synth().stacks) {
    const t = stack.template as { Resources: object; Outputs?: object };
    const resources = Object.keys(t.Resources).length;
    const outputs = Object.keys(t.Outputs ?? {}).length;
    const bytes = Buffer.byteLength(JSON.stringify(t));
    expect({
      stack: stack.stackName,
      resourcesOk: resources <= 500,
      outputsOk: outputs <= 200,
      sizeOk: bytes <= 1_000_000,
    }).toEqual({
      stack: stack.stackName,
      resourcesOk: true,
      outputsOk: true,
      sizeOk: true,
    });
  }
});
