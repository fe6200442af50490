import { Match } from 'aws-cdk-lib/assertions';
import { synthOnAir, testConfig } from '../../helpers';

/** The template of main's nested stack, where its MediaLive channel lives. */
const channel = (config = testConfig()) => synthOnAir(config).channelTemplate('main');

const withChannel = (over: Record<string, unknown>) =>
  testConfig({
    channels: [{ id: 'main', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] }, ...over }],
  });

test('the channel attaches its input, matches the input class to the ladder and logs warnings', () => {
  const template = channel();
  template.hasResourceProperties('AWS::MediaLive::Channel', {
    ChannelClass: 'SINGLE_PIPELINE',
    LogLevel: 'WARNING',
    InputSpecification: { Codec: 'AVC', Resolution: 'HD', MaximumBitrate: 'MAX_10_MBPS' },
    InputAttachments: [
      {
        InputId: { Ref: Match.stringLikeRegexp('ChannelIngest') },
        InputAttachmentName: 'main-rtmp',
        InputSettings: { AudioSelectors: [{ Name: 'default' }] },
      },
    ],
    RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ChannelTranscodeRole'), 'Arn'] },
  });
});

test("the channel carries the deployment tag (the root stack's name, not its nested stack's), which the grants match", () => {
  const { channelTemplate, platform } = synthOnAir();
  channelTemplate('main').hasResourceProperties('AWS::MediaLive::Channel', {
    Name: `${platform.stackName}-main`,
    Tags: { 'onair:deployment': platform.stackName, 'onair:auto-stop': 'true' },
  });
});

test('capability tags only for what the config opts in to', () => {
  const tagsOf = (over: Record<string, unknown>) => {
    const [ch] = Object.values(channel(withChannel(over)).findResources('AWS::MediaLive::Channel'));
    return ch?.Properties.Tags;
  };
  expect(tagsOf({ autoStopIdleMinutes: 0 })).toEqual({ 'onair:deployment': 'OnAir-test' });
  expect(tagsOf({ autoStart: true, autoRestart: true, autoStopIdleMinutes: 10 })).toEqual({
    'onair:deployment': 'OnAir-test',
    'onair:auto-start': 'true',
    'onair:auto-stop': 'true',
    'onair:auto-restart': 'true',
  });
});

test('destinations: MediaPackage by channel id, archive per session under the channel prefix', () => {
  const template = channel();
  template.hasResourceProperties('AWS::MediaLive::Channel', {
    Destinations: [
      {
        Id: 'mediapackage',
        MediaPackageSettings: [{ ChannelId: { Ref: Match.stringLikeRegexp('ChannelPackaging') } }],
      },
      {
        Id: 'archive',
        Settings: [
          {
            Url: {
              'Fn::Join': [
                '',
                ['s3ssl://', { Ref: Match.stringLikeRegexp('Archive.*Ref$') }, '/main/$dt$/a/main'],
              ],
            },
          },
        ],
      },
      {
        Id: 'thumbnails',
        Settings: [
          {
            Url: {
              'Fn::Join': [
                '',
                ['s3ssl://', { Ref: Match.stringLikeRegexp('Archive.*Ref$') }, '/thumbnails/main/a/main'],
              ],
            },
          },
        ],
      },
    ],
  });
});

test('a STANDARD channel records each pipeline under its own prefix', () => {
  const template = channel(withChannel({ channelClass: 'STANDARD' }));
  const [ch] = Object.values(template.findResources('AWS::MediaLive::Channel'));
  const archive = ch?.Properties.Destinations.find((d: { Id: string }) => d.Id === 'archive');
  expect(
    archive.Settings.map((s: { Url: { 'Fn::Join': [string, string[]] } }) => s.Url['Fn::Join'][1][2]),
  ).toEqual(['/main/$dt$/a/main', '/main/$dt$/b/main']);
});

test('encoder settings carry the ladder into the template', () => {
  const template = channel(withChannel({ ladder: '1080p', latency: 'low' }));
  const [ch] = Object.values(template.findResources('AWS::MediaLive::Channel'));
  const es = ch?.Properties.EncoderSettings;
  expect(es.VideoDescriptions.map((v: { Height: number }) => v.Height)).toEqual([
    1080, 720, 540, 432, 360, 288, 360,
  ]);
  expect(es.VideoDescriptions[0].CodecSettings.H264Settings).toMatchObject({
    GopSize: 1,
    RateControlMode: 'QVBR',
  });
  expect(es.OutputGroups.map((g: { Name: string }) => g.Name)).toEqual([
    'mediapackage',
    'archive',
    'thumbnails',
  ]);
});

test('no archive: no archive group, destination or bucket permissions', () => {
  const template = channel(withChannel({ archive: false }));
  const [ch] = Object.values(template.findResources('AWS::MediaLive::Channel'));
  expect(ch?.Properties.Destinations.map((d: { Id: string }) => d.Id)).toEqual(['mediapackage']);
  expect(ch?.Properties.EncoderSettings.OutputGroups).toHaveLength(1);
  // No role of the channel's stack may write to S3 (the player's deployment role and
  // MediaPackage's harvest role live in the parent stack).
  const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
  expect(policies.length).toBeGreaterThan(0);
  expect(JSON.stringify(policies)).not.toContain('s3:PutObject');
});

test('the channel role can only describe its MediaPackage channel, write its own recordings and its logs', () => {
  const template = channel();
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({ Principal: { Service: 'medialive.amazonaws.com' } })],
    },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('ChannelTranscodeRole') }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Action: 'mediapackage:DescribeChannel',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('ChannelPackaging'), 'Arn'] },
        }),
        Match.objectLike({
          Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
          Resource: {
            'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('Archive.*Arn$') }, '/main/*']],
          },
        }),
      ]),
    },
  });
});

test('fails when a rung exceeds the configured input class, naming the channel', () => {
  expect(() =>
    synthOnAir(
      withChannel({
        ladder: '720p',
        input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'], resolution: 'SD' },
      }),
    ),
  ).toThrow(
    'channel "main": invalid encoder settings:\n  - video description "video_720p": 720 lines exceed the SD input class (at most 576); raise input.resolution or drop the rung',
  );
});

test('fails when custom bitrates fall as resolution rises', () => {
  expect(() =>
    synthOnAir(
      withChannel({
        ladder: [
          { name: '720p', width: 1280, height: 720, maxBitrateKbps: 900 },
          { name: '360p', width: 640, height: 360, maxBitrateKbps: 1000 },
        ],
      }),
    ),
  ).toThrow(/bitrates must rise with resolution: "video_720p"/);
});

test('the channel role has what MediaLive needs for logs and the S3 destination', () => {
  const template = channel();
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('ChannelTranscodeRole') }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Action: 'logs:DescribeLogGroups' }),
        Match.objectLike({
          Action: ['s3:GetBucketLocation', 's3:ListBucket'],
          Resource: { Ref: Match.stringLikeRegexp('Archive.*Arn$') },
        }),
      ]),
    },
  });
});

test('an SRT channel attaches its SRT input and its role may read the passphrase', () => {
  const { channelTemplate } = synthOnAir(
    testConfig({
      channels: [{ id: 'field', input: { type: 'SRT_LISTENER', allowedCidrs: ['198.51.100.0/24'] } }],
    }),
  );
  // The channel's resources are in its nested stack.
  const template = channelTemplate('field');
  template.hasResourceProperties('AWS::MediaLive::Channel', {
    InputAttachments: [
      { InputId: { Ref: Match.stringLikeRegexp('ChannelIngest') }, InputAttachmentName: 'field-srt' },
    ],
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('ChannelTranscodeRole') }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        {
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: { Ref: Match.stringLikeRegexp('ChannelIngestPassphrase') },
        },
      ]),
    },
  });
});

test('frame capture: a JPEG every thumbnails.intervalSeconds to thumbnails/<channel>/<pipeline>/, 640 wide; off with thumbnails.enabled false', () => {
  const [ch] = Object.values(
    channel(testConfig({ thumbnails: { intervalSeconds: 30 } })).findResources('AWS::MediaLive::Channel'),
  );
  const es = ch?.Properties.EncoderSettings;
  expect(es.VideoDescriptions.at(-1)).toMatchObject({
    Name: 'video_thumbnail',
    Width: 640,
    Height: 360,
    CodecSettings: { FrameCaptureSettings: { CaptureInterval: 30, CaptureIntervalUnits: 'SECONDS' } },
  });
  expect(es.OutputGroups.at(-1)).toEqual({
    Name: 'thumbnails',
    OutputGroupSettings: { FrameCaptureGroupSettings: { Destination: { DestinationRefId: 'thumbnails' } } },
    Outputs: [
      {
        OutputName: 'thumbnail',
        VideoDescriptionName: 'video_thumbnail',
        OutputSettings: { FrameCaptureOutputSettings: { NameModifier: '_thumb' } },
      },
    ],
  });
  const thumbnails = ch?.Properties.Destinations.find((d: { Id: string }) => d.Id === 'thumbnails');
  expect(JSON.stringify(thumbnails)).toContain('/thumbnails/main/a/main');
  const [plain] = Object.values(
    channel(testConfig({ thumbnails: { enabled: false } })).findResources('AWS::MediaLive::Channel'),
  );
  expect(plain?.Properties.Destinations.map((d: { Id: string }) => d.Id)).toEqual([
    'mediapackage',
    'archive',
  ]);
});

test('archive.raw false: frame captures, but no Archive output group, destination or archive grant', () => {
  const template = channel(testConfig({ archive: { raw: false } }));
  const [ch] = Object.values(template.findResources('AWS::MediaLive::Channel'));
  expect(ch?.Properties.Destinations.map((d: { Id: string }) => d.Id)).toEqual([
    'mediapackage',
    'thumbnails',
  ]);
  expect(ch?.Properties.EncoderSettings.OutputGroups.map((g: { Name: string }) => g.Name)).toEqual([
    'mediapackage',
    'thumbnails',
  ]);
  const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
  expect(policies).not.toContain('"/main/*"');
  expect(policies).toContain('"/thumbnails/main/*"');
});
