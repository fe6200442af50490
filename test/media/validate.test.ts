import type { EncoderSettings } from '@aws-sdk/client-medialive';
import { buildEncoderSettings } from '../../lib/media/encoder-settings';
import { resolveLadder } from '../../lib/media/ladders';
import { LatencyMode } from '../../lib/media/latency';
import { checkEncoderSettings, type EncoderCheckContext } from '../../lib/media/validate';

const ctx: EncoderCheckContext = {
  segmentSeconds: { packaging: 4, archive: 300 },
  inputResolution: 'HD',
  destinationIds: ['mediapackage', 'archive'],
};
const sound = () =>
  buildEncoderSettings({
    renditions: resolveLadder('720p'),
    latency: LatencyMode.STANDARD,
    framerate: 30,
    archiveRolloverSeconds: 300,
  });

test('generated settings for every preset and latency mode pass', () => {
  for (const preset of ['1080p', '720p', '540p'] as const) {
    for (const latency of [LatencyMode.STANDARD, LatencyMode.LOW]) {
      const s = buildEncoderSettings({
        renditions: resolveLadder(preset),
        latency,
        framerate: 30,
        archiveRolloverSeconds: 300,
      });
      expect(
        checkEncoderSettings(s, {
          ...ctx,
          segmentSeconds: { packaging: latency === LatencyMode.LOW ? 1 : 4 },
        }),
      ).toEqual([]);
    }
  }
});

describe('each check fails with its message', () => {
  test('an output referencing a missing video description', () => {
    const s: EncoderSettings = sound();
    const out = s.OutputGroups?.[0]?.Outputs?.[0];
    if (out) out.VideoDescriptionName = 'video_4k';
    expect(checkEncoderSettings(s, ctx)).toContain(
      'output "mp_720p" references video description "video_4k", which does not exist',
    );
  });

  test('an output referencing a missing audio description', () => {
    const s = sound();
    const out = s.OutputGroups?.[0]?.Outputs?.[1];
    if (out) out.AudioDescriptionNames = ['audio_dolby'];
    expect(checkEncoderSettings(s, ctx)).toContain(
      'output "mp_540p" references audio description "audio_dolby", which does not exist',
    );
  });

  test('duplicate names', () => {
    const s = sound();
    const v = s.VideoDescriptions?.[1];
    if (v) v.Name = 'video_720p';
    const problems = checkEncoderSettings(s, ctx);
    expect(problems).toContain('video description name "video_720p" is not unique');
    const s2 = sound();
    const o = s2.OutputGroups?.[0]?.Outputs?.[1];
    if (o) o.OutputName = 'mp_720p';
    expect(checkEncoderSettings(s2, ctx)).toContain('output name "mp_720p" is not unique');
    const s3 = sound();
    const audio = s3.AudioDescriptions?.[0];
    if (audio) s3.AudioDescriptions?.push({ ...audio });
    expect(checkEncoderSettings(s3, ctx)).toContain(`audio description name "${audio?.Name}" is not unique`);
    const s4 = sound();
    const group = s4.OutputGroups?.[0];
    if (group) s4.OutputGroups?.push({ ...group, Outputs: [] });
    expect(checkEncoderSettings(s4, ctx)).toContain(`output group name "${group?.Name}" is not unique`);
  });

  test('a GOP that does not divide the segment length', () => {
    const s = sound();
    expect(checkEncoderSettings(s, { ...ctx, segmentSeconds: { packaging: 3 } })).toContain(
      'video description "video_720p": GOP 2 s does not divide the packaging segment length 3 s',
    );
  });

  test('bitrates that do not rise with resolution', () => {
    const s = buildEncoderSettings({
      renditions: resolveLadder([
        { name: 'hi', width: 1280, height: 720, maxBitrateKbps: 1000 },
        { name: 'lo', width: 640, height: 360, maxBitrateKbps: 1500 },
      ]),
      latency: LatencyMode.STANDARD,
      framerate: 30,
    });
    expect(checkEncoderSettings(s, ctx)).toContain(
      'bitrates must rise with resolution: "video_hi" (720 lines, 1000000 bit/s) is not above "video_lo" (360 lines, 1500000 bit/s)',
    );
  });

  test('a rung above the input resolution class', () => {
    expect(checkEncoderSettings(sound(), { ...ctx, inputResolution: 'SD' })).toContain(
      'video description "video_720p": 720 lines exceed the SD input class (at most 576); raise input.resolution or drop the rung',
    );
  });

  test('an output group sending to a destination the channel lacks', () => {
    expect(checkEncoderSettings(sound(), { ...ctx, destinationIds: ['mediapackage'] })).toContain(
      'output group "archive" sends to destination "archive", which the channel does not define',
    );
  });

  test('a video description no output uses', () => {
    const s = sound();
    s.VideoDescriptions?.push({ ...s.VideoDescriptions[0], Name: 'video_spare' });
    expect(checkEncoderSettings(s, ctx)).toContain(
      'video description "video_spare" is not used by any output',
    );
  });
});
