import {
  H264FramerateControl,
  H264GopSizeUnits,
  H264RateControlMode,
  InputMaximumBitrate,
  InputResolution,
} from '@aws-sdk/client-medialive';
import {
  ARCHIVE_DESTINATION_ID,
  AUDIO_DESCRIPTION_NAME,
  buildEncoderSettings,
  buildInputSpecification,
  MEDIAPACKAGE_DESTINATION_ID,
} from '../../lib/media/encoder-settings';
import { LADDER_PRESETS, ladderLabel, resolveLadder } from '../../lib/media/ladders';
import { LatencyMode } from '../../lib/media/latency';

describe('ladders', () => {
  test.each([
    ['1080p', 6, 1080, 288, 5000, 400],
    ['720p', 4, 720, 288, 3000, 400],
    ['540p', 3, 540, 288, 1800, 400],
  ] as const)(
    '%s has %i rungs from %ip down to %ip, %i → %i kbit/s',
    (preset, rungs, top, bottom, topKbps, bottomKbps) => {
      const ladder = LADDER_PRESETS[preset];
      expect(ladder).toHaveLength(rungs);
      expect(ladder[0]).toMatchObject({ height: top, maxBitrateKbps: topKbps });
      expect(ladder[ladder.length - 1]).toMatchObject({ height: bottom, maxBitrateKbps: bottomKbps });
      for (const r of ladder) expect(r.width / r.height).toBeCloseTo(16 / 9, 1);
    },
  );

  test('custom renditions are sorted highest first and get a default quality', () => {
    const ladder = resolveLadder([
      { name: 'low', width: 640, height: 360, maxBitrateKbps: 800 },
      { name: 'high', width: 1920, height: 1080, maxBitrateKbps: 6000, qvbrQuality: 9 },
    ]);
    expect(ladder.map((r) => r.name)).toEqual(['high', 'low']);
    expect(ladder[0]?.qvbrQuality).toBe(9);
    expect(ladder[1]?.qvbrQuality).toBe(6);
    expect(ladderLabel([{ name: 'x', width: 640, height: 360, maxBitrateKbps: 800 }])).toBe(
      'custom (1 rung)',
    );
    expect(ladderLabel('1080p')).toBe('1080p (6 rungs)');
  });
});

describe('encoder settings', () => {
  const ladder = resolveLadder('720p');

  test('one QVBR video description per rung with closed GOPs of the latency mode', () => {
    const s = buildEncoderSettings({ renditions: ladder, latency: LatencyMode.STANDARD, framerate: 30 });
    expect(s.VideoDescriptions?.map((v) => [v.Name, v.Width, v.Height])).toEqual([
      ['video_720p', 1280, 720],
      ['video_540p', 960, 540],
      ['video_360p', 640, 360],
      ['video_288p', 512, 288],
    ]);
    const h264 = s.VideoDescriptions?.[0]?.CodecSettings?.H264Settings;
    expect(h264).toMatchObject({
      RateControlMode: H264RateControlMode.QVBR,
      MaxBitrate: 3_000_000,
      QvbrQualityLevel: 7,
      GopSize: 2,
      GopSizeUnits: H264GopSizeUnits.SECONDS,
      GopClosedCadence: 1,
      SceneChangeDetect: 'DISABLED',
      FramerateControl: H264FramerateControl.SPECIFIED,
      FramerateNumerator: 30,
      LookAheadRateControl: 'MEDIUM',
    });
    // QVBR takes a ceiling, never a target bitrate.
    expect(h264?.Bitrate).toBeUndefined();
  });

  test('low latency uses 1 s GOPs and a low look-ahead', () => {
    const s = buildEncoderSettings({ renditions: ladder, latency: LatencyMode.LOW, framerate: 30 });
    for (const v of s.VideoDescriptions ?? []) {
      expect(v.CodecSettings?.H264Settings).toMatchObject({ GopSize: 1, LookAheadRateControl: 'LOW' });
    }
  });

  test('the configured frame rate is specified as numerator/denominator (MediaPackage groups require it)', () => {
    const s = buildEncoderSettings({ renditions: ladder, latency: LatencyMode.STANDARD, framerate: 50 });
    expect(s.VideoDescriptions?.[0]?.CodecSettings?.H264Settings).toMatchObject({
      FramerateControl: H264FramerateControl.SPECIFIED,
      FramerateNumerator: 50,
      FramerateDenominator: 1,
    });
  });

  test('the MediaPackage group has one output per rung, all sharing the AAC stereo audio', () => {
    const s = buildEncoderSettings({ renditions: ladder, latency: LatencyMode.STANDARD, framerate: 30 });
    expect(s.OutputGroups).toHaveLength(1);
    const group = s.OutputGroups?.[0];
    expect(group?.OutputGroupSettings?.MediaPackageGroupSettings?.Destination?.DestinationRefId).toBe(
      MEDIAPACKAGE_DESTINATION_ID,
    );
    expect(group?.Outputs?.map((o) => [o.VideoDescriptionName, o.AudioDescriptionNames])).toEqual(
      ladder.map((r) => [`video_${r.name}`, [AUDIO_DESCRIPTION_NAME]]),
    );
    expect(group?.Outputs?.every((o) => o.OutputSettings?.MediaPackageOutputSettings !== undefined)).toBe(
      true,
    );
    expect(s.AudioDescriptions?.[0]?.CodecSettings?.AacSettings).toMatchObject({
      Bitrate: 128000,
      CodingMode: 'CODING_MODE_2_0',
      SampleRate: 48000,
    });
  });

  test('archiving adds an Archive group recording the top rung with the shared audio', () => {
    const s = buildEncoderSettings({
      renditions: ladder,
      latency: LatencyMode.STANDARD,
      framerate: 30,
      archiveRolloverSeconds: 300,
    });
    const archive = s.OutputGroups?.find((g) => g.Name === 'archive');
    expect(archive?.OutputGroupSettings?.ArchiveGroupSettings).toEqual({
      Destination: { DestinationRefId: ARCHIVE_DESTINATION_ID },
      RolloverInterval: 300,
    });
    expect(archive?.Outputs).toEqual([
      expect.objectContaining({
        VideoDescriptionName: 'video_720p',
        AudioDescriptionNames: [AUDIO_DESCRIPTION_NAME],
        OutputSettings: {
          ArchiveOutputSettings: expect.objectContaining({ NameModifier: '_720p', Extension: 'ts' }),
        },
      }),
    ]);
  });

  test('input loss never ends the channel and timecode comes from the system clock', () => {
    const s = buildEncoderSettings({ renditions: ladder, latency: LatencyMode.STANDARD, framerate: 30 });
    expect(s.GlobalConfiguration?.InputEndAction).toBe('NONE');
    expect(s.TimecodeConfig).toEqual({ Source: 'SYSTEMCLOCK' });
  });
});

describe('input specification', () => {
  test.each([
    ['1080p', InputResolution.HD, InputMaximumBitrate.MAX_10_MBPS],
    ['720p', InputResolution.HD, InputMaximumBitrate.MAX_10_MBPS],
    ['540p', InputResolution.HD, InputMaximumBitrate.MAX_10_MBPS],
  ] as const)('%s ladder → %s input, %s', (preset, resolution, bitrate) => {
    expect(buildInputSpecification(resolveLadder(preset))).toEqual({
      Codec: 'AVC',
      Resolution: resolution,
      MaximumBitrate: bitrate,
    });
  });

  test('a 4K rung needs a UHD input and a higher bitrate class', () => {
    const spec = buildInputSpecification(
      resolveLadder([{ name: '2160p', width: 3840, height: 2160, maxBitrateKbps: 16000 }]),
    );
    expect(spec).toMatchObject({ Resolution: 'UHD', MaximumBitrate: 'MAX_50_MBPS' });
  });

  test('overrides win', () => {
    expect(
      buildInputSpecification(resolveLadder('720p'), { maximumBitrate: InputMaximumBitrate.MAX_20_MBPS }),
    ).toMatchObject({
      Resolution: 'HD',
      MaximumBitrate: 'MAX_20_MBPS',
    });
  });
});
