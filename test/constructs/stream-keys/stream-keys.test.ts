import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { PENDING_ROTATION_TAG } from '../../../lambda/shared/contract';
import { ControlApi } from '../../../lib/constructs/core/control-api';
import { StreamKeys } from '../../../lib/constructs/stream-keys/stream-keys';
import { expectIamAuthorized, synthOnAir, testApp, testConfig } from '../../helpers';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

const PENDING_TAG_ONLY = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['onair:rotation-pending'] } };

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

/**
 * The statements after the function's own log grant, in a stable order: the order in which
 * the channels' grants are added (and minimizePolicies merges them) carries no meaning.
 */
function grantsOf(template: Template, roleLogicalPrefix: string): Statement[] {
  return inStableOrder(policyOf(template, roleLogicalPrefix).filter((s) => !isLogGrant(s)));
}

function isLogGrant(s: Statement): boolean {
  return JSON.stringify(s.Action).includes('logs:');
}

function inStableOrder(statements: Statement[]): Statement[] {
  return [...statements].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function logicalIdOf(template: Template, type: string, prefix: string): string {
  const id = Object.keys(template.findResources(type)).find((k) => k.startsWith(prefix));
  if (!id) throw new Error(`no ${type} ${prefix}`);
  return id;
}

function arnsOf(template: Template) {
  return {
    input: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::MediaLive::Input', 'ChannelmainIngest'), 'Arn'] },
    securityGroup: {
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::MediaLive::InputSecurityGroup', 'ChannelmainIngest'), 'Arn'],
    },
    channel: {
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::MediaLive::Channel', 'ChannelmainTranscode'), 'Arn'],
    },
    secret: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelmainIngestStreamKey') },
  };
}

/**
 * What a function that rotates the key now may do (the rotate and the state-change function):
 * describe and update this input, describe this channel, move this secret's versions, and write
 * no tag but the pending-rotation one.
 */
function rotationGrants(arns: ReturnType<typeof arnsOf>): Statement[] {
  return [
    { Action: 'medialive:DescribeInput', Effect: 'Allow', Resource: arns.input },
    { Action: 'medialive:UpdateInput', Effect: 'Allow', Resource: [arns.input, arns.securityGroup] },
    { Action: 'medialive:DescribeChannel', Effect: 'Allow', Resource: arns.channel },
    {
      Action: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:ListSecretVersionIds',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      Effect: 'Allow',
      Resource: arns.secret,
    },
    {
      Action: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      Condition: PENDING_TAG_ONLY,
      Effect: 'Allow',
      Resource: arns.secret,
    },
  ];
}

describe('default config (no scheduled rotation)', () => {
  const { template } = synthOnAir();
  const arns = arnsOf(template);

  test('operator routes use IAM authorization', () => {
    expectIamAuthorized(template, ['GET /channels/{id}/ingest', 'POST /channels/{id}/stream-key']);
  });

  test('every stream-key function reads the registry from ONAIR_CHANNELS', () => {
    const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      id.startsWith('StreamKeys'),
    );
    expect(fns).toHaveLength(3);
    const registries = fns.map(([, fn]) => fn.Properties.Environment.Variables.ONAIR_CHANNELS);
    expect(JSON.stringify(registries[0])).toContain('"app\\":\\"main\\"');
    for (const r of registries) expect(r).toEqual(registries[0]);
  });

  test('the rotate function times out before the HTTP API (25 s < 30 s)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^OnAir: rotate a channel stream key now'),
      Timeout: 25,
    });
  });

  test('the IAM tag condition names the tag the functions write, whose name never changes (secrets carry it)', () => {
    expect(PENDING_TAG_ONLY['ForAllValues:StringEquals']['aws:TagKeys']).toEqual([PENDING_ROTATION_TAG]);
  });

  test('the ingest function may only describe this input/channel and read this secret', () => {
    expect(grantsOf(template, 'StreamKeysIngestFnRoleDefaultPolicy')).toEqual(
      inStableOrder([
        { Action: 'medialive:DescribeInput', Effect: 'Allow', Resource: arns.input },
        { Action: 'medialive:DescribeChannel', Effect: 'Allow', Resource: arns.channel },
        {
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Effect: 'Allow',
          Resource: arns.secret,
        },
      ]),
    );
  });

  test('the rotate function names only this input, channel and secret', () => {
    expect(grantsOf(template, 'StreamKeysRotateFnRoleDefaultPolicy')).toEqual(
      inStableOrder(rotationGrants(arns)),
    );
  });

  test('the state-change function names only this input, channel, secret and its dead-letter queue', () => {
    const dlq = {
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'StreamKeysStateChangeDlq'), 'Arn'],
    };
    expect(grantsOf(template, 'StreamKeysStateChangeFnRoleDefaultPolicy')).toEqual(
      inStableOrder([
        ...rotationGrants(arns),
        {
          Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          Effect: 'Allow',
          Resource: dlq,
        },
      ]),
    );
  });

  test('no stream-key policy has a wildcard resource (string or list)', () => {
    const all = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('StreamKeys'),
    );
    expect(all.length).toBe(3);
    for (const [, policy] of all) {
      for (const st of policy.Properties.PolicyDocument.Statement as Statement[]) {
        const resources = Array.isArray(st.Resource) ? st.Resource : [st.Resource];
        for (const r of resources)
          expect(typeof r === 'string' ? r : JSON.stringify(r)).not.toMatch(/^\*$|"\*"/);
      }
    }
  });

  test('no function outside StreamKeys can read or change a stream-key secret', () => {
    const secretRef = JSON.stringify(arns.secret);
    const others = Object.entries(template.findResources('AWS::IAM::Policy')).filter(
      ([id]) => !id.startsWith('StreamKeys'),
    );
    expect(others.length).toBeGreaterThan(0);
    // Nor through an AWS managed policy.
    const managed = JSON.stringify(
      Object.values(template.findResources('AWS::IAM::Role')).map(
        (r) => r.Properties.ManagedPolicyArns ?? [],
      ),
    );
    expect(managed).not.toMatch(/SecretsManager|AdministratorAccess|PowerUserAccess/);
    for (const [id, policy] of others) {
      for (const st of policy.Properties.PolicyDocument.Statement as Statement[]) {
        const actions = (Array.isArray(st.Action) ? st.Action : [st.Action]).join(' ');
        // Actions that read or change a secret value or its stages (ListSecrets/Describe are metadata).
        if (!/secretsmanager:(\*|\w*GetSecretValue|PutSecretValue|UpdateSecret|RotateSecret)/.test(actions))
          continue;
        const resources = JSON.stringify(st.Resource);
        expect({ id, resources }).toEqual({ id, resources: expect.not.stringContaining(secretRef) });
        expect({ id, resources }).toEqual({ id, resources: expect.not.stringMatching(/"\*"|secret:\*/) });
      }
    }
  });

  test('failed state-change events land in an encrypted, TLS-only dead-letter queue', () => {
    const dlqId = logicalIdOf(template, 'AWS::SQS::Queue', 'StreamKeysStateChangeDlq');
    const dlq = { 'Fn::GetAtt': [dlqId, 'Arn'] };
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
          }),
        ]),
      },
    });
    // EventBridge could not invoke the function …
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: dlq } })],
    });
    // … or the function failed on its first attempt and both retries.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(template, 'AWS::Lambda::Function', 'StreamKeysStateChangeFn') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 7200,
      DestinationConfig: { OnFailure: { Destination: dlq } },
    });
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

  test('the four functions run one bundle (one asset), each its own export', () => {
    const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      id.startsWith('StreamKeys'),
    );
    const handlerOf = (prefix: string) => fns.find(([id]) => id.startsWith(prefix))?.[1].Properties.Handler;
    expect({
      ingest: handlerOf('StreamKeysIngestFn'),
      rotate: handlerOf('StreamKeysRotateFn'),
      stateChange: handlerOf('StreamKeysStateChangeFn'),
      rotation: handlerOf('StreamKeysRotationFn'),
    }).toEqual({
      ingest: 'index.ingest',
      rotate: 'index.rotate',
      stateChange: 'index.stateChange',
      rotation: 'index.rotation',
    });
    expect(new Set(fns.map(([, fn]) => JSON.stringify(fn.Properties.Code))).size).toBe(1);
    expect(fns.map(([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual([
      'stream-keys.ingest',
      'stream-keys.rotate',
      'stream-keys.rotation',
      'stream-keys.stateChange',
    ]);
  });

  test('each secret gets a schedule on the rotation function, never rotating on deploy', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 2);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelsideIngestStreamKey') },
      RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamKeysRotationFn'), 'Arn'] },
      RotationRules: { AutomaticallyAfterDays: 7 },
      RotateImmediatelyOnUpdate: false,
    });
  });

  test('Secrets Manager may invoke the rotation function for these secrets only (one permission each)', () => {
    const perms = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) => p.Properties.Principal === 'secretsmanager.amazonaws.com',
    );
    expect(perms.map((p) => p.Properties.SourceArn)).toEqual([
      { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelmainIngestStreamKey') },
      { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'ChannelsideIngestStreamKey') },
    ]);
    for (const p of perms)
      expect(p.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        SourceAccount: { Ref: 'AWS::AccountId' },
        FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^StreamKeysRotationFn/), 'Arn'] },
      });
  });

  test('each schedule waits for its secret’s invoke permission', () => {
    const schedules = template.findResources('AWS::SecretsManager::RotationSchedule');
    for (const s of Object.values(schedules))
      expect(s.DependsOn).toEqual(
        expect.arrayContaining([expect.stringMatching(/^StreamKeysRotationInvoke/)]),
      );
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
    const tagStatement = statements.find((s) => JSON.stringify(s.Action).includes('UntagResource'));
    expect(tagStatement).toMatchObject({
      Action: 'secretsmanager:UntagResource',
      Condition: PENDING_TAG_ONLY,
    });
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
