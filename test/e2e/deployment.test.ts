import { Deployment } from './deployment';

// The shapes aws-cdk-lib synthesizes for the packaging, CDN authorization and signing key
// (lib/constructs/channel/packaging.ts, channel/cdn-authorization.ts, playback/signing-keys.ts), reduced to one endpoint each.
const template = {
  Resources: {
    Cdn: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        GenerateSecretString: {
          SecretStringTemplate: '{}',
          GenerateStringKey: 'MediaPackageCDNIdentifier',
          PasswordLength: 32,
          ExcludePunctuation: true,
        },
      },
    },
    KeySecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Key: { Type: 'Custom::OnAirSigningKey', Properties: { SecretArn: { Ref: 'KeySecret' } } },
    Hls: {
      Type: 'AWS::MediaPackage::OriginEndpoint',
      Properties: {
        Id: 'OnAir-dev-main-hls',
        ManifestName: 'index',
        HlsPackage: {},
        Authorization: { CdnIdentifierSecret: { Ref: 'Cdn' } },
      },
    },
    Cmaf: {
      Type: 'AWS::MediaPackage::OriginEndpoint',
      Properties: {
        Id: 'OnAir-dev-main-cmaf',
        CmafPackage: { HlsManifests: [{ Id: 'hls', ManifestName: 'index' }] },
      },
    },
    Dash: {
      Type: 'AWS::MediaPackage::OriginEndpoint',
      Properties: { Id: 'OnAir-dev-main-dash', ManifestName: 'index', DashPackage: {} },
    },
    RouteTable: { Type: 'AWS::CloudFront::KeyValueStore', Properties: { Name: 'routes' } },
    Registry: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    RegistrationFn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'channel-registration',
            ONAIR_ROUTE_TABLE_ARN: { 'Fn::GetAtt': ['RouteTable', 'Arn'] },
            ONAIR_REGISTRY_TABLE: { Ref: 'Registry' },
          },
        },
      },
    },
    Registration: {
      Type: 'Custom::OnAirChannelRegistration',
      Properties: {
        ServiceToken: { 'Fn::GetAtt': ['RegistrationFn', 'Arn'] },
        ChannelId: 'main',
        Entry: {
          ml: '1234567',
          in: '7654321',
          key: { Ref: 'KeySecret' },
          mp: 'OnAir-dev-main',
          app: 'main',
          p: '1',
          auth: 'public',
          idleMinutes: '30',
          autoRestart: 'false',
        },
        Endpoints: {
          hls: { Id: { Ref: 'Hls' }, Url: { 'Fn::GetAtt': ['Hls', 'Url'] } },
          dash: { Id: { Ref: 'Dash' }, Url: { 'Fn::GetAtt': ['Dash', 'Url'] } },
          cmaf: { Id: { Ref: 'Cmaf' } },
        },
      },
    },
    CmafUrl: {
      Type: 'Custom::AWS',
      Properties: {
        Create: {
          'Fn::Join': [
            '',
            [
              '{"service":"MediaPackage","action":"describeOriginEndpoint","parameters":{"Id":"',
              { Ref: 'Cmaf' },
              '"}}',
            ],
          ],
        },
      },
    },
  },
};
const pathPrefix = (url: unknown) => ({
  'Fn::Join': [
    '',
    [
      '/out/v1/',
      {
        'Fn::Select': [0, { 'Fn::Split': ['/', { 'Fn::Select': [1, { 'Fn::Split': ['/out/v1/', url] }] }] }],
      },
    ],
  ],
});

describe('a template "as deployed" with local stand-ins', () => {
  const d = new Deployment(template, { distributionDomainName: () => '127.0.0.1:8443' });
  const [hls, cmaf] = d.mediaPackageEndpoints().filter((e) => e.format !== 'dash');

  test('endpoint URLs and the CMAF manifest URL resolve to the paths the live origin serves', () => {
    expect(d.resolve({ 'Fn::GetAtt': ['Hls', 'Url'] })).toBe(
      `https://${d.mediaPackageHost}/out/v1/${hls.pathId}/index.m3u8`,
    );
    expect(d.resolve(pathPrefix({ 'Fn::GetAtt': ['Hls', 'Url'] }))).toBe(`/out/v1/${hls.pathId}`);
    expect(d.resolve({ 'Fn::GetAtt': ['Cmaf', 'Url'] })).toBe('');
    expect(d.resolve(pathPrefix({ 'Fn::GetAtt': ['CmafUrl', 'CmafPackage.HlsManifests.0.Url'] }))).toBe(
      `/out/v1/${cmaf.pathId}`,
    );
    expect(hls.pathId).toMatch(/^[0-9a-f]{32}$/);
    expect(cmaf.pathId).not.toBe(hls.pathId);
  });

  test('registrations run the real provider: route table keys → host, the registry item, the paths as attributes', async () => {
    const fresh = new Deployment(template, { distributionDomainName: () => '127.0.0.1:8443' });
    expect(() => fresh.getAtt('Registration', 'HlsPath')).toThrow('call deployRegistrations() first');
    await fresh.deployRegistrations();
    const eps = fresh.mediaPackageEndpoints();
    const byFormat = Object.fromEntries(eps.map((e) => [e.format, e]));
    const [store] = Object.values(fresh.keyValueStores());
    expect(new Map(store)).toEqual(new Map(eps.map((e) => [e.pathId, fresh.mediaPackageHost])));
    expect(fresh.getAtt('Registration', 'HlsPath')).toBe(`/out/v1/${byFormat.hls.pathId}/index.m3u8`);
    expect(fresh.getAtt('Registration', 'CmafPath')).toBe(`/out/v1/${byFormat.cmaf.pathId}/hls/index.m3u8`);
    expect(fresh.ref('Registration')).toBe('onair-channel-main');
    const [item] = fresh.tableItems(fresh.ref('Registry'));
    expect(item).toMatchObject({
      channelId: 'main',
      ml: '1234567',
      p: 1,
      auth: 'public',
      autoRestart: false,
      media: { dash: { path: `/out/v1/${byFormat.dash.pathId}/index.mpd`, host: fresh.mediaPackageHost } },
      owner: expect.stringMatching(/\/Registration$/),
    });
  });

  test('a dynamic reference is the generated secret value MediaPackage checks', () => {
    const header = d.resolve({
      'Fn::Join': [
        '',
        ['{{resolve:secretsmanager:', { Ref: 'Cdn' }, ':SecretString:MediaPackageCDNIdentifier::}}'],
      ],
    });
    expect(header).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(hls.cdnIdentifier).toBe(header);
    expect(cmaf.cdnIdentifier).toBeUndefined();
  });

  test('the signing key custom resource: a public key id, the key pair, the secret the session function reads', () => {
    const id = d.resolve({ 'Fn::GetAtt': ['Key', 'PublicKeyId'] }) as string;
    expect(id).toMatch(/^K[A-Z2-7]{13}$/);
    const stored = JSON.parse(d.secretString(d.ref('KeySecret')) ?? '{}');
    expect(stored.keyPairId).toBe(id);
    expect(stored.privateKey).toContain('BEGIN PRIVATE KEY');
    expect(d.publicKey(id)).toContain('BEGIN PUBLIC KEY');
  });

  test('Fn::Sub and pseudo parameters; an attribute without a stand-in fails naming the resource', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${…} syntax
    expect(d.resolve({ 'Fn::Sub': 'cdk-${AWS::AccountId}-${AWS::Region}-${Hls}' })).toBe(
      'cdk-111122223333-us-west-2-OnAir-dev-main-hls',
    );
    expect(() => d.resolve({ 'Fn::GetAtt': ['Cdn', 'Nope'] })).toThrow(
      'Fn::GetAtt Cdn.Nope (AWS::SecretsManager::Secret) has no local stand-in',
    );
    expect(() => d.resolve({ 'Fn::If': ['C', 1, 2] })).toThrow('Fn::If has no local stand-in');
  });
});
