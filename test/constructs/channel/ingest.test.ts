import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IngestProtocol, SrtEncryption } from '../../../lambda/shared/contract';
import { Ingest, PipelineCount, type SrtListenerOptions } from '../../../lib/constructs/channel/ingest';
import { InputSecurityGroups } from '../../../lib/constructs/channel/input-security-groups';
import { testApp } from '../../helpers';

function ingest(pipelines = PipelineCount.SINGLE) {
  const stack = new Stack(testApp(), 'S');
  const construct = new Ingest(stack, 'Ingest', {
    channelId: 'main',
    deploymentName: 'OnAir-test',
    securityGroupId: '1234567',
    pipelines,
  });
  return { stack, construct, template: Template.fromStack(stack) };
}

test('the stream key is generated in Secrets Manager: 32 URL-safe characters, tagged with the deployment', () => {
  const { template } = ingest();
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false },
    Tags: [{ Key: 'onair:deployment', Value: 'OnAir-test' }],
  });
});

test('the input takes the key by dynamic reference, never as a literal; named and tagged by the deployment', () => {
  const { template } = ingest();
  template.hasResourceProperties('AWS::MediaLive::Input', {
    Name: 'OnAir-test-main',
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
    InputSecurityGroups: ['1234567'],
    Tags: { 'onair:deployment': 'OnAir-test' },
  });
  template.resourceCountIs('AWS::MediaLive::Input', 1);
  template.resourceCountIs('AWS::MediaLive::InputSecurityGroup', 0);
});

test('a STANDARD channel gets two RTMP endpoints', () => {
  const { template } = ingest(PipelineCount.STANDARD);
  const inputs = template.findResources('AWS::MediaLive::Input');
  const [input] = Object.values(inputs);
  expect(input?.Properties.Destinations).toHaveLength(2);
});

test('the cfn-lint false positive on MediaLive input security groups is silenced on the input only', () => {
  const { template } = ingest();
  template.hasResource('AWS::MediaLive::Input', {
    Metadata: { 'cfn-lint': { config: { ignore_checks: ['E1041'] } } },
  });
});

describe('input security groups', () => {
  const groups = () => {
    const stack = new Stack(testApp(), 'S');
    const sgs = new InputSecurityGroups(stack, 'Groups', { deploymentName: 'OnAir-test' });
    return { stack, sgs };
  };

  test('channels with the same CIDRs (any order, duplicates) share one group; other lists get their own', () => {
    const { stack, sgs } = groups();
    const a = sgs.forCidrs('a', ['203.0.113.0/24', '198.51.100.7/32']);
    const b = sgs.forCidrs('b', ['198.51.100.7/32', '203.0.113.0/24', '203.0.113.0/24']);
    const c = sgs.forCidrs('c', ['192.0.2.0/24']);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::MediaLive::InputSecurityGroup', 2);
    template.hasResourceProperties('AWS::MediaLive::InputSecurityGroup', {
      WhitelistRules: [{ Cidr: '198.51.100.7/32' }, { Cidr: '203.0.113.0/24' }],
      Tags: { 'onair:deployment': 'OnAir-test' },
    });
  });

  test("a group's construct id depends on its CIDRs only (another channel never replaces it)", () => {
    const one = groups();
    one.sgs.forCidrs('x', ['192.0.2.0/24']);
    const two = groups();
    two.sgs.forCidrs('y', ['203.0.113.0/24']);
    two.sgs.forCidrs('z', ['192.0.2.0/24']);
    const id = (g: ReturnType<typeof groups>) => g.sgs.forCidrs('again', ['192.0.2.0/24']).node.id;
    expect(id(two)).toBe(id(one));
  });

  test('ingest open to the internet synthesizes with a warning naming the channel', () => {
    const { stack, sgs } = groups();
    sgs.forCidrs('main', ['0.0.0.0/0']);
    Annotations.fromStack(stack).hasWarning(
      '/S/Groups',
      Match.stringLikeRegexp('channel "main": ingest accepts pushes from any address'),
    );
  });

  test('restricted ingest has no warning', () => {
    const { stack, sgs } = groups();
    sgs.forCidrs('main', ['203.0.113.0/24']);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('any address'))).toHaveLength(
      0,
    );
  });

  test('fails on more than 10 CIDRs', () => {
    const cidrs = Array.from({ length: 11 }, (_, i) => `198.51.100.${i}/32`);
    expect(() => groups().sgs.forCidrs('main', cidrs)).toThrow(
      "allowedCidrs must list 1 to 10 CIDRs (MediaLive's limit per input security group), got 11",
    );
  });

  test('fails on no CIDRs', () => {
    expect(() => groups().sgs.forCidrs('main', [])).toThrow(/got 0/);
  });
});

describe("grants over the deployment's ingest (tag-scoped)", () => {
  const statementsOf = (grant: (stack: Stack, role: iam.Role) => void) => {
    const stack = new Stack(testApp(), 'S');
    const role = new iam.Role(stack, 'Grantee', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    grant(stack, role);
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
      Condition?: Record<string, Record<string, unknown>>;
    }[];
    // Per action: the resources it is allowed on, and under which conditions.
    const allowed: Record<string, { resources: string[]; conditions: Record<string, unknown>[] }> = {};
    for (const s of statements)
      for (const a of [s.Action].flat()) {
        allowed[a] ??= { resources: [], conditions: [] };
        allowed[a].resources.push(...[s.Resource].flat().map((r) => JSON.stringify(r)));
        allowed[a].conditions.push(s.Condition ?? {});
      }
    return allowed;
  };
  const deployment = { StringEquals: { 'aws:ResourceTag/onair:deployment': 'OnAir-test' } };
  const pendingOnly = {
    'ForAllValues:StringEquals': { 'aws:TagKeys': ['onair:rotation-pending'] },
    ...deployment,
  };
  const keyChange = { deploymentName: 'OnAir-test', pendingTagKey: 'onair:rotation-pending' };
  const typeOf = (json: string) => /:(input|inputSecurityGroup|secret):\*"/.exec(json)?.[1];

  test('every statement is conditioned on the deployment tag', () => {
    const allowed = statementsOf((s, r) => Ingest.grantDeploymentRotateKey(s, r, keyChange));
    for (const a of Object.values(allowed)) for (const c of a.conditions) expect(c).toMatchObject(deployment);
  });

  test('grantDeploymentReadIngest: describe inputs and read keys, nothing else', () => {
    const allowed = statementsOf((s, r) => Ingest.grantDeploymentReadIngest(s, r, 'OnAir-test'));
    expect(Object.keys(allowed).sort()).toEqual([
      'medialive:DescribeInput',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(allowed['medialive:DescribeInput']?.resources.map(typeOf)).toEqual(['input']);
    expect(allowed['secretsmanager:GetSecretValue']?.resources.map(typeOf)).toEqual(['secret']);
  });

  test('grantDeploymentRotateKey: update inputs and their security groups, write keys, tag only the pending tag', () => {
    const allowed = statementsOf((s, r) => Ingest.grantDeploymentRotateKey(s, r, keyChange));
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
    expect(allowed['medialive:UpdateInput']?.resources.map(typeOf).sort()).toEqual([
      'input',
      'inputSecurityGroup',
    ]);
    expect(allowed['secretsmanager:PutSecretValue']?.resources.map(typeOf)).toEqual(['secret']);
    for (const a of ['secretsmanager:TagResource', 'secretsmanager:UntagResource'])
      expect(allowed[a]?.conditions).toEqual([pendingOnly]);
  });

  test('grantDeploymentScheduledRotation: no version listing, and the pending tag may only be removed', () => {
    const allowed = statementsOf((s, r) => Ingest.grantDeploymentScheduledRotation(s, r, keyChange));
    expect(allowed['secretsmanager:ListSecretVersionIds']).toBeUndefined();
    expect(allowed['secretsmanager:TagResource']).toBeUndefined();
    expect(allowed['secretsmanager:UntagResource']?.conditions).toEqual([pendingOnly]);
    expect(allowed['secretsmanager:PutSecretValue']?.resources.map(typeOf)).toEqual(['secret']);
  });
});

describe('SRT listener ingest', () => {
  const SRT: SrtListenerOptions = { minimumLatencyMs: 1000, encryption: SrtEncryption.AES256 };
  function srtIngest(srt: SrtListenerOptions = SRT) {
    const stack = new Stack(testApp(), 'S');
    const construct = new Ingest(stack, 'Ingest', {
      channelId: 'studio',
      deploymentName: 'OnAir-test',
      securityGroupId: '1234567',
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
      InputSecurityGroups: ['1234567'],
      Tags: { 'onair:deployment': 'OnAir-test' },
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
    const stack = new Stack(testApp(), 'S');
    new InputSecurityGroups(stack, 'Groups', { deploymentName: 'OnAir-test' }).forCidrs(
      'studio',
      ['0.0.0.0/0'],
      IngestProtocol.SRT_LISTENER,
    );
    Annotations.fromStack(stack).hasWarning(
      '/S/Groups',
      Match.stringLikeRegexp(
        'channel "studio": ingest accepts SRT callers .* only the SRT passphrase protects it',
      ),
    );
  });

  test('the passphrase carries the deployment tag (the stream-key functions reach it by that tag)', () => {
    srtIngest().template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Tags: Match.arrayWith([{ Key: 'onair:deployment', Value: 'OnAir-test' }]),
    });
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
      deploymentName: 'OnAir-test',
      securityGroupId: '1234567',
      pipelines: PipelineCount.SINGLE,
    });
    const role = new iam.Role(stack, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('medialive.amazonaws.com'),
    });
    construct.grantMediaLiveRead(role);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });
});
