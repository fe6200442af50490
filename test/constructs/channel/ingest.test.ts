import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SrtEncryption } from '../../../lambda/shared/contract';
import { Ingest, PipelineCount, type SrtListenerOptions } from '../../../lib/constructs/channel/ingest';
import { testApp } from '../../helpers';

function ingest(allowedCidrs: string[], pipelines = PipelineCount.SINGLE) {
  const stack = new Stack(testApp(), 'S');
  const construct = new Ingest(stack, 'Ingest', { channelId: 'main', allowedCidrs, pipelines });
  return { stack, construct, template: Template.fromStack(stack) };
}

test('the stream key is generated in Secrets Manager: 32 URL-safe characters', () => {
  const { template } = ingest(['203.0.113.0/24']);
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false },
  });
});

test('the input takes the key by dynamic reference, never as a literal', () => {
  const { template } = ingest(['203.0.113.0/24']);
  template.hasResourceProperties('AWS::MediaLive::Input', {
    Type: 'RTMP_PUSH',
    Destinations: [
      {
        StreamName: {
          'Fn::Join': [
            '',
            [
              'main/{{resolve:secretsmanager:',
              { Ref: Match.stringLikeRegexp('StreamKey') },
              ':SecretString:::}}',
            ],
          ],
        },
      },
    ],
    InputSecurityGroups: [{ Ref: Match.stringLikeRegexp('SecurityGroup') }],
  });
  template.resourceCountIs('AWS::MediaLive::Input', 1);
});

test('a STANDARD channel gets two RTMP endpoints', () => {
  const { template } = ingest(['203.0.113.0/24'], PipelineCount.STANDARD);
  const inputs = template.findResources('AWS::MediaLive::Input');
  const [input] = Object.values(inputs);
  expect(input?.Properties.Destinations).toHaveLength(2);
});

test('the input security group lists exactly the configured CIDRs', () => {
  const { template } = ingest(['203.0.113.0/24', '198.51.100.7/32']);
  template.hasResourceProperties('AWS::MediaLive::InputSecurityGroup', {
    WhitelistRules: [{ Cidr: '203.0.113.0/24' }, { Cidr: '198.51.100.7/32' }],
  });
});

test('ingest open to the internet synthesizes with a warning', () => {
  const { stack } = ingest(['0.0.0.0/0']);
  Annotations.fromStack(stack).hasWarning(
    '/S/Ingest',
    Match.stringLikeRegexp('accepts pushes from any address'),
  );
});

test('restricted ingest has no warning', () => {
  const { stack } = ingest(['203.0.113.0/24']);
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('any address'))).toHaveLength(
    0,
  );
});

test('fails on more than 10 CIDRs', () => {
  const cidrs = Array.from({ length: 11 }, (_, i) => `198.51.100.${i}/32`);
  expect(() => ingest(cidrs)).toThrow(
    "allowedCidrs must list 1 to 10 CIDRs (MediaLive's limit per input security group), got 11",
  );
});

test('fails on no CIDRs', () => {
  expect(() => ingest([])).toThrow(/got 0/);
});

test('the cfn-lint false positive on MediaLive input security groups is silenced on the input only', () => {
  const { template } = ingest(['203.0.113.0/24']);
  template.hasResource('AWS::MediaLive::Input', {
    Metadata: { 'cfn-lint': { config: { ignore_checks: ['E1041'] } } },
  });
});

describe('grants the ingest offers', () => {
  const statementsOf = (grant: (construct: Ingest, role: iam.Role) => void) => {
    const stack = new Stack(testApp(), 'S');
    const construct = new Ingest(stack, 'Ingest', {
      channelId: 'main',
      allowedCidrs: ['203.0.113.0/24'],
      pipelines: PipelineCount.SINGLE,
    });
    const role = new iam.Role(stack, 'Grantee', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    grant(construct, role);
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
      Condition?: unknown;
    }[];
    // Per action: the resources it is allowed on, and under which condition.
    const allowed: Record<string, { resources: string[]; condition?: unknown }> = {};
    for (const s of statements)
      for (const a of [s.Action].flat())
        allowed[a] = {
          resources: [s.Resource].flat().map((r) => JSON.stringify(r)),
          ...(s.Condition ? { condition: s.Condition } : {}),
        };
    return allowed;
  };
  const ref = (prefix: string, attr?: string) => (json: string) =>
    attr
      ? json.startsWith(`{"Fn::GetAtt":["${prefix}`) && json.endsWith(`","${attr}"]}`)
      : json.startsWith(`{"Ref":"${prefix}`);
  const isInput = ref('Ingest', 'Arn');
  const isKey = ref('IngestStreamKey');
  const pendingOnly = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['onair:rotation-pending'] } };

  test('grantReadIngest: describe the input and read the key, nothing else', () => {
    const allowed = statementsOf((i, r) => i.grantReadIngest(r));
    expect(Object.keys(allowed).sort()).toEqual([
      'medialive:DescribeInput',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(allowed['medialive:DescribeInput']?.resources.every(isInput)).toBe(true);
    expect(allowed['secretsmanager:GetSecretValue']?.resources.every(isKey)).toBe(true);
  });

  test('grantRotateKey: update the input and its security group, write the key, tag only the pending tag', () => {
    const allowed = statementsOf((i, r) => i.grantRotateKey(r, 'onair:rotation-pending'));
    expect(Object.keys(allowed).sort()).toEqual([
      'medialive:DescribeInput',
      'medialive:UpdateInput',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:ListSecretVersionIds',
      'secretsmanager:PutSecretValue',
      'secretsmanager:TagResource',
      'secretsmanager:UntagResource',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
    expect(allowed['medialive:UpdateInput']?.resources).toHaveLength(2);
    expect(allowed['medialive:UpdateInput']?.resources.some(ref('IngestSecurityGroup', 'Arn'))).toBe(true);
    expect(allowed['secretsmanager:PutSecretValue']).toEqual({ resources: [expect.any(String)] });
    for (const a of ['secretsmanager:TagResource', 'secretsmanager:UntagResource'])
      expect(allowed[a]?.condition).toEqual(pendingOnly);
  });

  test('grantScheduledRotation: no version listing, and the pending tag may only be removed', () => {
    const allowed = statementsOf((i, r) => i.grantScheduledRotation(r, 'onair:rotation-pending'));
    expect(allowed['secretsmanager:ListSecretVersionIds']).toBeUndefined();
    expect(allowed['secretsmanager:TagResource']).toBeUndefined();
    expect(allowed['secretsmanager:UntagResource']?.condition).toEqual(pendingOnly);
    expect(allowed['secretsmanager:PutSecretValue']?.resources.every(isKey)).toBe(true);
  });
});

describe('SRT listener ingest', () => {
  const SRT: SrtListenerOptions = { minimumLatencyMs: 1000, encryption: SrtEncryption.AES256 };
  function srtIngest(srt: SrtListenerOptions = SRT, allowedCidrs = ['203.0.113.0/24']) {
    const stack = new Stack(testApp(), 'S');
    const construct = new Ingest(stack, 'Ingest', {
      channelId: 'studio',
      allowedCidrs,
      pipelines: PipelineCount.STANDARD,
      srt,
    });
    return {
      stack,
      construct,
      get template() {
        return Template.fromStack(stack);
      },
    };
  }

  test('the passphrase is generated in Secrets Manager as a bare string of 44 letters and digits', () => {
    const { template, construct } = srtIngest();
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('SRT passphrase for channel studio'),
      GenerateSecretString: {
        PasswordLength: 44,
        ExcludePunctuation: true,
        IncludeSpace: false,
        // No SecretStringTemplate: MediaLive reads the passphrase as plaintext, not JSON.
        SecretStringTemplate: Match.absent(),
        GenerateStringKey: Match.absent(),
      },
    });
    expect(construct.credential.node.id).toBe('Passphrase');
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  test('the input is an SRT listener that names the secret (never its value), with latency, encryption and stream id', () => {
    const { template } = srtIngest({ ...SRT, encryption: SrtEncryption.AES128, streamId: 'studio-main' });
    template.hasResourceProperties('AWS::MediaLive::Input', {
      Type: 'SRT_LISTENER',
      InputSecurityGroups: [{ Ref: Match.stringLikeRegexp('IngestSecurityGroup') }],
      SrtSettings: {
        SrtListenerSettings: {
          Decryption: {
            Algorithm: 'AES128',
            PassphraseSecretArn: { Ref: Match.stringLikeRegexp('IngestPassphrase') },
          },
          MinimumLatency: 1000,
          StreamId: 'studio-main',
        },
      },
      Destinations: Match.absent(),
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('resolve:secretsmanager');
  });

  test('no stream id unless configured', () => {
    const { template } = srtIngest();
    template.hasResourceProperties('AWS::MediaLive::Input', {
      SrtSettings: {
        SrtListenerSettings: Match.objectEquals({
          Decryption: Match.anyValue(),
          MinimumLatency: 1000,
        }),
      },
    });
  });

  test('open to the internet: a warning that only the passphrase protects it', () => {
    const { stack } = srtIngest(SRT, ['0.0.0.0/0']);
    Annotations.fromStack(stack).hasWarning(
      '/S/Ingest',
      Match.stringLikeRegexp('only the SRT passphrase protects it'),
    );
  });

  test('grantMediaLiveRead: the channel role may GetSecretValue on the passphrase, nothing else', () => {
    const { stack, construct } = srtIngest();
    const role = new iam.Role(stack, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('medialive.amazonaws.com'),
    });
    construct.grantMediaLiveRead(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: { Ref: Match.stringLikeRegexp('IngestPassphrase') },
          },
        ],
      },
    });
  });

  test('grantMediaLiveRead on an RTMP input grants nothing (the key is in the input)', () => {
    const stack = new Stack(testApp(), 'S');
    const construct = new Ingest(stack, 'Ingest', {
      channelId: 'main',
      allowedCidrs: ['203.0.113.0/24'],
      pipelines: PipelineCount.SINGLE,
    });
    const role = new iam.Role(stack, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('medialive.amazonaws.com'),
    });
    construct.grantMediaLiveRead(role);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });
});
