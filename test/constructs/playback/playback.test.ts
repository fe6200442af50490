import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../../lib/config/load';
import { ControlApi, OPERATOR_THROTTLE, SESSION_THROTTLE } from '../../../lib/constructs/core/control-api';
import { Playback, ViewerAuth } from '../../../lib/constructs/playback/playback';
import { PlaybackOriginSecret } from '../../../lib/constructs/playback/playback-origin';
import { PlaybackSigningKeys } from '../../../lib/constructs/playback/signing-keys';
import { synthOnAir, testApp, testConfig } from '../../helpers';
import { channel, JWT } from './channels';

describe('signed playback in the platform template', () => {
  const { template } = synthOnAir(
    testConfig({
      channels: [channel('main', 'public'), channel('members', 'jwt'), channel('partner', 'iam')],
      playback: { signingKeyVersion: 3, sessionTtlMinutes: 60, jwt: JWT },
    }),
  );
  const dist = () =>
    Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig;
  /** The session function: the one function with the session TTL in its environment. */
  const sessionFunction = () =>
    Object.entries(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { ONAIR_SESSION_TTL_SECONDS: '3600' } } },
      }),
    )[0] ?? [];
  /** The session function's role may read (describe, get the value of) these secrets, named by logical-id prefix. */
  const expectSessionFunctionReads = (...secretPrefixes: string[]) =>
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^PlaybackSessionFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: Match.arrayWith(
              secretPrefixes.map((prefix) => ({ Ref: Match.stringLikeRegexp(`^${prefix}`) })),
            ),
          }),
        ]),
      },
    });

  test('the one live behavior /out/v1/* requires the key group, whatever the viewer auth', () => {
    const behaviors = dist().CacheBehaviors as { PathPattern: string; TrustedKeyGroups?: unknown }[];
    const live = behaviors.filter((x) => x.PathPattern.startsWith('/out/'));
    expect(live.map((b) => b.PathPattern)).toEqual(['/out/v1/*']);
    expect(live[0]?.TrustedKeyGroups).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^SigningKeysKeyGroup/), 'Id'] },
    ]);
  });

  test('the key group trusts the current and the previous key version, nothing else', () => {
    template.resourceCountIs('AWS::CloudFront::KeyGroup', 1);
    template.resourceCountIs('Custom::OnAirSigningKey', 2);
    template.hasResourceProperties('AWS::CloudFront::KeyGroup', {
      KeyGroupConfig: {
        Name: 'OnAir-test-playback',
        Comment: 'OnAir playback: current and previous signing key (guard 4500s)',
        Items: [
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^SigningKeysKeyv3'), 'PublicKeyId'] },
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^SigningKeysKeyv2'), 'PublicKeyId'] },
        ],
      },
    });
    template.hasResourceProperties('Custom::OnAirSigningKey', {
      Version: '3',
      Role: 'current',
      // session TTL + 5 minutes margin + 10 minutes signing grace
      GuardSeconds: String(75 * 60),
      KeyGroupName: 'OnAir-test-playback',
      SecretArn: { Ref: Match.stringLikeRegexp('^SigningKeysKeyv3Secret') },
      PreviousPublicKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SigningKeysKeyv2'), 'PublicKeyId'] },
    });
    template.hasResourceProperties('Custom::OnAirSigningKey', {
      Version: '2',
      Role: 'previous',
      SecretArn: { Ref: Match.stringLikeRegexp('^SigningKeysKeyv2Secret') },
    });
  });

  test('the default behavior needs no key and answers 404 from a function', () => {
    const d = dist().DefaultCacheBehavior;
    expect(d.TrustedKeyGroups).toBeUndefined();
    expect(d.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^DeliveryNotFound/), 'FunctionARN'] },
      },
    ]);
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: Match.stringLikeRegexp('statusCode: 404'),
      FunctionConfig: Match.objectLike({ Comment: Match.stringLikeRegexp('^OnAir: 404') }),
    });
  });

  test('/api/playback/* reaches the control API uncached, with every viewer header but Host, without the key group', () => {
    const b = (dist().CacheBehaviors as Record<string, unknown>[]).find(
      (x) => x.PathPattern === '/api/playback/*',
    );
    expect(b).toMatchObject({
      AllowedMethods: expect.arrayContaining(['POST', 'OPTIONS']),
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      ViewerProtocolPolicy: 'https-only',
      TargetOriginId: 'control-api',
    });
    expect(b?.TrustedKeyGroups).toBeUndefined();
    const origin = (dist().Origins as { Id: string; DomainName: unknown; CustomOriginConfig: object }[]).find(
      (o) => o.Id === 'control-api',
    );
    expect(origin?.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(JSON.stringify(origin?.DomainName)).toContain('ControlApi');
  });

  test('CloudFront proves its requests to the playback API with a generated secret header, never a literal', () => {
    const origin = (dist().Origins as { Id: string; OriginCustomHeaders?: unknown }[]).find(
      (o) => o.Id === 'control-api',
    );
    expect(origin?.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'X-OnAir-Origin-Verify',
        HeaderValue: {
          'Fn::Join': [
            '',
            [
              '{{resolve:secretsmanager:',
              { Ref: expect.stringMatching(/^PlaybackOriginSecret/) },
              ':SecretString:originVerify::}}',
            ],
          ],
        },
      },
    ]);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'originVerify', PasswordLength: 48 }),
    });
    const [, fn] = sessionFunction();
    expect(fn?.Properties.Environment.Variables.ONAIR_ORIGIN_SECRET_ARN).toEqual({
      Ref: expect.stringMatching(/^PlaybackOriginSecret/),
    });
    expectSessionFunctionReads('PlaybackOriginSecret');
  });

  test('routes: one per jwt or iam channel with its authorizer, and {channelId} for public channels', () => {
    // a public channel has no route of its own
    expect(
      template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: 'POST /playback/main/session' },
      }),
    ).toEqual({});
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /playback/members/session',
      AuthorizationType: 'JWT',
      AuthorizerId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /playback/partner/session',
      AuthorizationType: 'AWS_IAM',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /playback/{channelId}/session',
      AuthorizationType: 'NONE',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: JWT.issuer, Audience: JWT.audience },
    });
  });

  test('session routes have their own throttle; operator routes keep the stage default', () => {
    const stages = template.findResources('AWS::ApiGatewayV2::Stage');
    const [stage] = Object.values(stages);
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: OPERATOR_THROTTLE.rateLimit,
      ThrottlingBurstLimit: OPERATOR_THROTTLE.burstLimit,
    });
    const limits = { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 };
    expect(SESSION_THROTTLE).toEqual({ rateLimit: 500, burstLimit: 1000 });
    expect(stage?.Properties.RouteSettings).toEqual({
      'POST /playback/members/session': limits,
      'POST /playback/partner/session': limits,
      'POST /playback/{channelId}/session': limits,
    });
    // route settings name existing routes only: the stage waits for them
    const routes = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: Match.stringLikeRegexp('^POST /playback/') },
    });
    expect(Object.keys(routes)).toHaveLength(3);
    // the guarded routes share one integration and one API-scoped invoke permission
    const integrations = new Set(
      Object.values(routes).map((r) =>
        JSON.stringify((r as { Properties: { Target: unknown } }).Properties.Target),
      ),
    );
    expect(integrations.size).toBe(2);
    expect(stage?.DependsOn).toEqual(expect.arrayContaining(Object.keys(routes)));
  });

  test('the session function signs with the current key, reads only its secrets and waits for the key group', () => {
    const [logicalId, fn] = sessionFunction();
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      ONAIR_PLAYBACK_DOMAIN: { 'Fn::GetAtt': [expect.stringMatching(/^Delivery/), 'DomainName'] },
      ONAIR_SIGNING_KEY_SECRET_ARN: { Ref: expect.stringMatching(/^SigningKeysKeyv3Secret/) },
      ONAIR_SIGNING_KEY_ID: { 'Fn::GetAtt': [expect.stringMatching(/^SigningKeysKeyv3/), 'PublicKeyId'] },
      ONAIR_PREVIOUS_SIGNING_KEY_SECRET_ARN: { Ref: expect.stringMatching(/^SigningKeysKeyv2Secret/) },
      ONAIR_PREVIOUS_SIGNING_KEY_ID: {
        'Fn::GetAtt': [expect.stringMatching(/^SigningKeysKeyv2/), 'PublicKeyId'],
      },
      ONAIR_BIND_SOURCE_IP: 'false',
      // each channel's auth mode comes from the registry table, not the environment
      ONAIR_REGISTRY_TABLE: { Ref: expect.stringMatching(/^ChannelRegistryTable/) },
    });
    expect(fn?.Properties.Environment.Variables.ONAIR_PLAYBACK_AUTH).toBeUndefined();
    expect(fn?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SigningKeysKeyGroup/)]));
    expect(logicalId).toMatch(/^PlaybackSessionFunction/);
    expectSessionFunctionReads('SigningKeysKeyv2Secret', 'SigningKeysKeyv3Secret');
  });

  test('the session function reads the recordings index: GetItem on the table and Query on its channel index, nothing more', () => {
    const [, fn] = sessionFunction();
    const table = { Ref: expect.stringMatching(/^RecordingsTable/) };
    expect(fn?.Properties.Environment.Variables.ONAIR_RECORDINGS_TABLE).toEqual(table);
    const statements = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^PlaybackSessionFunctionRole') }] },
      }),
    ).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    const onRecordings = statements.filter((st) => JSON.stringify(st.Resource).includes('RecordingsTable'));
    expect(onRecordings).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^RecordingsTable/), 'Arn'] },
      }),
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^RecordingsTable/), 'Arn'] }, '/index/byChannel'],
          ],
        },
      }),
    ]);
  });

  test('without a recorded channel the session function has no recordings table', () => {
    const input = { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] };
    const { template: unrecorded } = synthOnAir(
      testConfig({ channels: [{ id: 'main', input, archive: false }] }),
    );
    const [fn] = Object.values(
      unrecorded.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { ONAIR_SESSION_TTL_SECONDS: Match.anyValue() } } },
      }),
    );
    expect(fn?.Properties.Environment.Variables.ONAIR_RECORDINGS_TABLE).toBeUndefined();
    unrecorded.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  test('the key handler may write only the version secrets', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SigningKeysHandlerRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'secretsmanager:PutSecretValue',
            Resource: [
              { Ref: Match.stringLikeRegexp('^SigningKeysKeyv2Secret') },
              { Ref: Match.stringLikeRegexp('^SigningKeysKeyv3Secret') },
            ],
          }),
        ]),
      },
    });
  });

  test('no private key material anywhere in the template', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(/PRIVATE KEY|MII[A-Za-z0-9+/]{40}/);
  });
});

describe('signing key versions', () => {
  test('version 1 has no previous key: the key group trusts one key', () => {
    const { template } = synthOnAir(testConfig());
    template.resourceCountIs('Custom::OnAirSigningKey', 1);
    template.hasResourceProperties('AWS::CloudFront::KeyGroup', {
      KeyGroupConfig: {
        Items: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SigningKeysKeyv1'), 'PublicKeyId'] }],
      },
    });
    const cr = Object.values(template.findResources('Custom::OnAirSigningKey'))[0];
    expect(cr?.Properties.PreviousPublicKeyId).toBeUndefined();
    const fn = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { ONAIR_SIGNING_KEY_ID: Match.anyValue() } } },
      }),
    )[0];
    expect(Object.keys(fn?.Properties.Environment.Variables)).not.toContain('ONAIR_PREVIOUS_SIGNING_KEY_ID');
  });

  test('fails for a version below 1', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => new PlaybackSigningKeys(stack, 'K', { version: 0, sessionTtl: Duration.hours(2) })).toThrow(
      'signing key version must be a whole number of at least 1, got 0',
    );
  });
});

describe('playback construct validation', () => {
  const make = (props: Partial<ConstructorParameters<typeof Playback>[2]>) => {
    const stack = new Stack(testApp(), 'S');
    const signingKeys = new PlaybackSigningKeys(stack, 'K', { version: 1, sessionTtl: Duration.hours(2) });
    const { platform } = synthOnAir();
    return () =>
      new Playback(stack, 'P', {
        channels: [{ channelId: 'main', auth: ViewerAuth.PUBLIC }],
        registry: platform.registry,
        controlApi: new ControlApi(stack, 'Api'),
        signingKeys,
        originSecret: new PlaybackOriginSecret(stack, 'Origin').secret,
        domainName: 'd111111abcdef8.cloudfront.net',
        sessionTtl: Duration.hours(2),
        ...props,
      });
  };
  test('fails for a jwt channel without issuer and audience', () => {
    expect(make({ channels: [{ channelId: 'vip', auth: ViewerAuth.JWT }] })).toThrow(
      'channels vip use jwt viewer auth but no jwt issuer and audience are set',
    );
  });
  test('fails for a session ttl outside 1 minute to 24 hours', () => {
    expect(make({ sessionTtl: Duration.hours(25) })).toThrow(
      'session ttl must be 1 minute to 24 hours, got 90000 seconds',
    );
  });
});

describe('config: playback', () => {
  const base = { stage: 'test' };
  test('fails for a jwt channel without playback.jwt', () => {
    expect(() => parseConfig({ ...base, channels: [channel('vip', 'jwt')] })).toThrow(
      'channels[0].playback.auth: received "jwt"; channels with auth "jwt" need playback.jwt (issuer and audience); add it or choose "public" or "iam"',
    );
  });
  test('defaults: public channels, 2 h sessions, key version 1, no IP binding', () => {
    const cfg = parseConfig({ ...base, channels: [channel('main', 'public')] });
    expect(cfg.playback).toEqual({ sessionTtlMinutes: 120, bindSourceIp: false, signingKeyVersion: 1 });
    expect(cfg.channels[0]?.playback.auth).toBe('public');
  });
});
