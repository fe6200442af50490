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

function logicalIdOf(template: Template, type: string, prefix: string | RegExp): string {
  const id = Object.keys(template.findResources(type)).find((k) =>
    typeof prefix === 'string' ? k.startsWith(prefix) : prefix.test(k),
  );
  if (!id) throw new Error(`no ${type} ${prefix}`);
  return id;
}

/** The deployment-wide resource patterns the grants name (tag-scoped, lib/constructs/core/deployment-tags.ts). */
const tagged = (resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${resource.startsWith('origin') ? 'mediapackage' : resource === 'secret' ? 'secretsmanager' : 'medialive'}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}:*`,
    ],
  ],
});
const INPUTS = tagged('input');
const GROUPS = tagged('inputSecurityGroup');
const CHANNELS = tagged('channel');
const SECRETS = tagged('secret');
const DEPLOYMENT = { StringEquals: { 'aws:ResourceTag/onair:deployment': 'OnAir-test' } };
const PENDING_AND_DEPLOYMENT = { ...PENDING_TAG_ONLY, ...DEPLOYMENT };
const keyChange = (listVersions: boolean, tagging: string[]) => [
  { Action: 'medialive:DescribeInput', Condition: DEPLOYMENT, Effect: 'Allow', Resource: INPUTS },
  { Action: 'medialive:UpdateInput', Condition: DEPLOYMENT, Effect: 'Allow', Resource: [INPUTS, GROUPS] },
  { Action: 'medialive:DescribeChannel', Condition: DEPLOYMENT, Effect: 'Allow', Resource: CHANNELS },
  {
    Action: [
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      ...(listVersions ? ['secretsmanager:ListSecretVersionIds'] : []),
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ],
    Condition: DEPLOYMENT,
    Effect: 'Allow',
    Resource: SECRETS,
  },
  {
    Action: tagging.length === 1 ? tagging[0] : tagging,
    Condition: PENDING_AND_DEPLOYMENT,
    Effect: 'Allow',
    Resource: SECRETS,
  },
];

/** The registry read every stream-key function needs (the table is the parent stack's). */
const registryRead = (template: Template) => ({
  Action: [
    'dynamodb:BatchGetItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
    'dynamodb:GetItem',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:Query',
    'dynamodb:Scan',
  ],
  Effect: 'Allow',
  Resource: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::DynamoDB::Table', 'ChannelRegistryTable'), 'Arn'] },
});

describe('default config (no scheduled rotation)', () => {
  const { template } = synthOnAir();

  test('operator routes use IAM authorization', () => {
    expectIamAuthorized(template, ['GET /channels/{id}/ingest', 'POST /channels/{id}/stream-key']);
  });

  test('every stream-key function reads the registry table, the same for any number of channels', () => {
    const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      id.startsWith('StreamKeys'),
    );
    expect(fns).toHaveLength(3);
    for (const [, fn] of fns)
      expect(fn.Properties.Environment.Variables).toMatchObject({
        ONAIR_REGISTRY_TABLE: { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table', 'ChannelRegistryTable') },
      });
    for (const [, fn] of fns) expect(fn.Properties.Environment.Variables.ONAIR_CHANNELS).toBeUndefined();
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

  test("the ingest function may only describe the deployment's inputs and channels and read its stream keys", () => {
    expect(grantsOf(template, 'StreamKeysIngestFnRoleDefaultPolicy')).toEqual(
      inStableOrder([
        registryRead(template),
        { Action: 'medialive:DescribeInput', Condition: DEPLOYMENT, Effect: 'Allow', Resource: INPUTS },
        { Action: 'medialive:DescribeChannel', Condition: DEPLOYMENT, Effect: 'Allow', Resource: CHANNELS },
        {
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Condition: DEPLOYMENT,
          Effect: 'Allow',
          Resource: SECRETS,
        },
      ]),
    );
  });

  test("the rotate function reaches only the deployment's inputs, groups, channels and stream keys, tagging only the pending tag", () => {
    expect(grantsOf(template, 'StreamKeysRotateFnRoleDefaultPolicy')).toEqual(
      inStableOrder([
        registryRead(template),
        ...keyChange(true, ['secretsmanager:TagResource', 'secretsmanager:UntagResource']),
      ]),
    );
  });

  test('the state-change function: the same, and its dead-letter queue', () => {
    const dlq = {
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'StreamKeysStateChangeDlq'), 'Arn'],
    };
    expect(grantsOf(template, 'StreamKeysStateChangeFnRoleDefaultPolicy')).toEqual(
      inStableOrder([
        registryRead(template),
        ...keyChange(true, ['secretsmanager:TagResource', 'secretsmanager:UntagResource']),
        {
          Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          Effect: 'Allow',
          Resource: dlq,
        },
      ]),
    );
  });

  test('every stream-key grant on a wildcard resource is conditioned on the deployment tag', () => {
    const all = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('StreamKeys'),
    );
    expect(all.length).toBe(3);
    for (const [, policy] of all) {
      for (const st of policy.Properties.PolicyDocument.Statement as Statement[]) {
        const resources = JSON.stringify(st.Resource);
        expect(resources).not.toMatch(/^"\*"$/);
        if (resources.includes(':*"')) expect(st.Condition).toMatchObject(DEPLOYMENT);
      }
    }
  });

  test('no function outside StreamKeys can read or change a stream-key secret', () => {
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

  test("the EventBridge rule takes MediaLive's state changes without naming channels (the function acts on registered ones)", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.medialive'],
        'detail-type': ['MediaLive Channel State Change'],
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
  const { template, channelTemplate } = synthOnAir(cfg);

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

  test("each channel's stack schedules its secret on the parent's rotation function, never rotating on deploy", () => {
    for (const id of ['main', 'side']) {
      const t = channelTemplate(id);
      t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
      t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: logicalIdOf(t, 'AWS::SecretsManager::Secret', 'ChannelIngestStreamKey') },
        RotationLambdaARN: { Ref: Match.stringLikeRegexp('StreamKeysRotationFn.*Arn$') },
        RotationRules: { AutomaticallyAfterDays: 7 },
        RotateImmediatelyOnUpdate: false,
      });
    }
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  test('Secrets Manager may invoke the rotation function from this account: one permission for every channel', () => {
    const perms = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) => p.Properties.Principal === 'secretsmanager.amazonaws.com',
    );
    // One per secret (aws:SourceArn) would grow the resource policy past Lambda's 20 KB with a
    // hundred channels; the function refuses secrets the registry does not list.
    expect(perms).toHaveLength(1);
    expect(perms[0]?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^StreamKeysRotationFn/), 'Arn'] },
    });
  });

  test("each schedule is created after the invoke permission and the function's policy", () => {
    const stack = synthOnAir(cfg).platform.channelStacks[0];
    const parentResource = stack?.nestedStackResource;
    const deps = JSON.stringify(
      template.toJSON().Resources[synthOnAir(cfg).platform.getLogicalId(parentResource as never)]
        ?.DependsOn ?? [],
    );
    expect(deps).toMatch(/StreamKeysRotationInvoke/);
    expect(deps).toMatch(/StreamKeysRotationFnRole/);
  });

  test("the rotation function reaches the deployment's stream keys only, and nothing else (no GetRandomPassword on *)", () => {
    expect(grantsOf(template, 'StreamKeysRotationFnRoleDefaultPolicy')).toEqual(
      inStableOrder([registryRead(template), ...keyChange(false, ['secretsmanager:UntagResource'])]),
    );
    expect(JSON.stringify(policyOf(template, 'StreamKeysRotationFnRoleDefaultPolicy'))).not.toContain(
      'GetRandomPassword',
    );
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
        deploymentName: 'Other',
        registry: platform.registry,
        controlApi: new ControlApi(stack, 'Api'),
        rotateEveryDays: 0,
      }),
  ).toThrow('rotateEveryDays must be a whole number of days from 1 to 365, got 0');
});
