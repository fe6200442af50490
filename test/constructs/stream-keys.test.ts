import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ControlApi } from '../../lib/constructs/control-api';
import { StreamKeys } from '../../lib/constructs/stream-keys';
import { synthOnAir, testApp, testConfig } from '../helpers';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function policyOf(template: Template, roleLogicalPrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const entry = Object.entries(policies).find(([id]) => id.startsWith(roleLogicalPrefix));
  if (!entry) throw new Error(`no policy ${roleLogicalPrefix}`);
  // Action order depends on the minimizePolicies flag; compare sets.
  return (
    entry[1] as { Properties: { PolicyDocument: { Statement: Statement[] } } }
  ).Properties.PolicyDocument.Statement.map((s) => ({
    ...s,
    Action: Array.isArray(s.Action) ? [...s.Action].sort() : s.Action,
  }));
}

function logicalIdOf(template: Template, type: string, prefix: string): string {
  const id = Object.keys(template.findResources(type)).find((k) => k.startsWith(prefix));
  if (!id) throw new Error(`no ${type} ${prefix}`);
  return id;
}

function arnsOf(template: Template) {
  return {
    input: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::MediaLive::Input', 'ChannelmainIngest'), 'Arn'] },
    channel: {
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::MediaLive::Channel', 'ChannelmainTranscode'), 'Arn'],
    },
    secret: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelmainIngestStreamKey') },
  };
}

describe('default config (no scheduled rotation)', () => {
  const { template } = synthOnAir();
  const arns = arnsOf(template);

  test('operator routes use IAM authorization', () => {
    for (const routeKey of ['GET /channels/{id}/ingest', 'POST /channels/{id}/stream-key']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'AWS_IAM',
      });
    }
  });

  test('functions read the registry from ONAIR_CHANNELS', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('stream-key rotation'),
      Environment: { Variables: Match.objectLike({ ONAIR_CHANNELS: Match.anyValue() }) },
    });
  });

  test('the ingest function may only describe this input/channel and read this secret', () => {
    expect(policyOf(template, 'StreamKeysIngestFnRoleDefaultPolicy').slice(1)).toEqual([
      { Action: 'medialive:DescribeInput', Effect: 'Allow', Resource: arns.input },
      { Action: 'medialive:DescribeChannel', Effect: 'Allow', Resource: arns.channel },
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Effect: 'Allow',
        Resource: arns.secret,
      },
    ]);
  });

  test('the rotate function names only this input, channel and secret', () => {
    expect(policyOf(template, 'StreamKeysRotateFnRoleDefaultPolicy').slice(1)).toEqual([
      { Action: ['medialive:DescribeInput', 'medialive:UpdateInput'], Effect: 'Allow', Resource: arns.input },
      { Action: 'medialive:DescribeChannel', Effect: 'Allow', Resource: arns.channel },
      {
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:ListSecretVersionIds',
          'secretsmanager:PutSecretValue',
          'secretsmanager:TagResource',
          'secretsmanager:UntagResource',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Effect: 'Allow',
        Resource: arns.secret,
      },
    ]);
  });

  test('the state-change function names only this input, channel and secret', () => {
    expect(policyOf(template, 'StreamKeysStateChangeFnRoleDefaultPolicy').slice(1)).toEqual([
      { Action: 'medialive:UpdateInput', Effect: 'Allow', Resource: arns.input },
      { Action: 'medialive:DescribeChannel', Effect: 'Allow', Resource: arns.channel },
      {
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:ListSecretVersionIds',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UntagResource',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Effect: 'Allow',
        Resource: arns.secret,
      },
    ]);
  });

  test('no stream-key policy has a wildcard resource', () => {
    const all = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('StreamKeys'),
    );
    expect(all.length).toBe(3);
    expect(JSON.stringify(all)).not.toMatch(/"Resource":"\*"/);
  });

  test('the EventBridge rule matches state changes of this deployment channels only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.medialive'],
        'detail-type': ['MediaLive Channel State Change'],
        detail: { channel_arn: [arns.channel] },
      },
      Targets: [
        Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 } }),
      ],
    });
  });

  test('no rotation schedule and no rotation function', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions.filter((id) => id.startsWith('StreamKeys'))).toHaveLength(3);
    expect(functions.some((id) => id.startsWith('StreamKeysRotationFn'))).toBe(false);
  });
});

describe('streamKey.rotateEveryDays', () => {
  const cfg = testConfig({
    streamKey: { rotateEveryDays: 7 },
    channels: [
      { id: 'main', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
      { id: 'side', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
    ],
  });
  const { template } = synthOnAir(cfg);

  test('each secret gets a schedule on the rotation function, never rotating on deploy', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 2);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelsideIngestStreamKey') },
      RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamKeysRotationFn'), 'Arn'] },
      RotationRules: { AutomaticallyAfterDays: 7 },
      RotateImmediatelyOnUpdate: false,
    });
  });

  test('Secrets Manager may invoke the rotation function from this account only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamKeysRotationFn'), 'Arn'] },
    });
  });

  test('the rotation function names both channels resources and nothing else (no GetRandomPassword on *)', () => {
    const statements = policyOf(template, 'StreamKeysRotationFnRoleDefaultPolicy');
    expect(JSON.stringify(statements)).not.toContain('"*"');
    expect(JSON.stringify(statements)).not.toContain('GetRandomPassword');
    const secretStatement = statements.find((s) => JSON.stringify(s.Action).includes('PutSecretValue'));
    expect(secretStatement?.Resource).toEqual([
      { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelmainIngestStreamKey') },
      { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelsideIngestStreamKey') },
    ]);
    expect(JSON.stringify(secretStatement?.Action)).not.toContain('TagResource"');
  });

  test('cdk-nag passes with real schedules (SMG4 is no longer acknowledged)', () => {
    const { app } = synthOnAir(cfg, { nag: true });
    expect(() => app.synth()).not.toThrow();
  });
});

test('fails on rotateEveryDays outside 1-365', () => {
  const { platform } = synthOnAir();
  const stack = new Stack(testApp(), 'Other');
  expect(
    () =>
      new StreamKeys(stack, 'Keys', {
        channels: platform.channels,
        channelRegistry: '{}',
        controlApi: new ControlApi(stack, 'Api'),
        rotateEveryDays: 0,
      }),
  ).toThrow('rotateEveryDays must be a whole number of days from 1 to 365, got 0');
});

test('fails without channels', () => {
  const stack = new Stack(testApp(), 'Other');
  expect(
    () =>
      new StreamKeys(stack, 'Keys', {
        channels: [],
        channelRegistry: '{}',
        controlApi: new ControlApi(stack, 'Api'),
      }),
  ).toThrow('stream keys need at least one channel');
});
