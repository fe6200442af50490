import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { clipRange } from '../../cli/commands/clip';
import { latencyModel } from '../../cli/latency';
import type { EncoderSettings } from '../../cli/media/encoder';
import { parseMediaPlaylist, parseMpd, parseMultivariant } from '../../cli/media/manifests';
import { pushArgs, rtmpTarget, srtTarget } from '../../cli/media/push';
import { COLUMNS, decodeStrip, READ_BYTES, rowBits } from '../../cli/media/timecode';
import { alarmMetrics, expectedAlarms } from '../../cli/smoke';
import { ARCHIVE_OUTPUT_GROUP, MEDIAPACKAGE_OUTPUT_GROUP } from '../../lib/constructs/channel/transcode';
import { alarmCount } from '../../lib/constructs/operations/alarms';
import { expectedLatencySeconds, LatencyMode, worstLatencySeconds } from '../../lib/media/latency';
import { synthOnAir, testConfig } from '../helpers';

/** What READ_FILTER yields for a clean strip: 4x4 samples per column, row 0 on top. */
function stripPixels(epochMs: number): Uint8Array {
  const bits = rowBits(epochMs);
  const width = COLUMNS * 4;
  const px = new Uint8Array(READ_BYTES);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < width; x++) {
      const b = bits[Math.floor(x / 4)];
      px[y * width + x] = (y < 4 ? b : 1 - b) ? 235 : 16;
    }
  return px;
}

describe('the picture clock', () => {
  test('round-trips to the centisecond', () => {
    const t = Date.parse('2026-12-01T18:00:00.123Z');
    expect(decodeStrip(stripPixels(t))).toBe(t - 3);
  });
  test('a misread column (rows not complementary) or broken sync is no reading', () => {
    const px = stripPixels(Date.now());
    const bad = Uint8Array.from(px);
    for (let y = 4; y < 8; y++) for (let x = 40; x < 44; x++) bad[y * 192 + x] = bad[x];
    expect(decodeStrip(bad)).toBeUndefined();
    expect(decodeStrip(new Uint8Array(READ_BYTES).fill(128))).toBeUndefined();
  });
});

describe('manifests', () => {
  const base = 'https://d.example/out/v1/abc/index.m3u8?Policy=p';
  test('HLS: variants, audio renditions, segments with program date-time resolved against the manifest', () => {
    const mv = parseMultivariant(
      '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=3200000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"\nindex_1.m3u8\n',
      base,
    );
    expect(mv).toEqual([
      { uri: 'https://d.example/out/v1/abc/audio.m3u8', kind: 'audio', name: 'audio en' },
      expect.objectContaining({
        uri: 'https://d.example/out/v1/abc/index_1.m3u8',
        bandwidth: 3200000,
        resolution: '1280x720',
        kind: 'video',
      }),
    ]);
    const pl = parseMediaPlaylist(
      '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:41\n#EXT-X-PROGRAM-DATE-TIME:2026-12-01T18:00:00.000Z\n#EXTINF:4.000,\nseg_41.ts\n#EXTINF:4.000,\nseg_42.ts\n',
      base,
    );
    expect(pl.segments.map((s) => [s.sequence, s.uri.split('/').pop(), s.startMs])).toEqual([
      [41, 'seg_41.ts', Date.parse('2026-12-01T18:00:00Z')],
      [42, 'seg_42.ts', Date.parse('2026-12-01T18:00:04Z')],
    ]);
  });
  test('DASH: SegmentTemplate over a SegmentTimeline, wall clock from availabilityStartTime', () => {
    const mpd = parseMpd(
      `<?xml version="1.0"?><MPD type="dynamic" availabilityStartTime="2026-12-01T18:00:00Z" publishTime="2026-12-01T18:00:20Z"><Period start="PT0S">
<AdaptationSet contentType="video" mimeType="video/mp4"><SegmentTemplate timescale="90000" media="chunk-$RepresentationID$-$Number%05d$.m4s" initialization="init-$RepresentationID$.m4s" startNumber="5"><SegmentTimeline><S t="360000" d="180000" r="1"/></SegmentTimeline></SegmentTemplate>
<Representation id="0" bandwidth="600000" width="640" height="360"/></AdaptationSet></Period></MPD>`,
      'https://d.example/out/v1/abc/index.mpd',
    );
    const [rep] = mpd.representations;
    expect(rep).toMatchObject({
      id: '0',
      kind: 'video',
      width: 640,
      init: 'https://d.example/out/v1/abc/init-0.m4s',
    });
    expect(rep.segments.map((s) => [s.uri.split('/').pop(), s.startMs])).toEqual([
      ['chunk-0-00005.m4s', Date.parse('2026-12-01T18:00:04Z')],
      ['chunk-0-00006.m4s', Date.parse('2026-12-01T18:00:06Z')],
    ]);
  });
});

describe('what smoke expects agrees with the stack', () => {
  test('alarm counts per class', () => {
    expect(expectedAlarms(1)).toBe(alarmCount(1));
    expect(expectedAlarms(2)).toBe(alarmCount(2));
  });
  test('the metrics step reads every MediaLive metric of the alarms, with their dimensions, the archive output group included', () => {
    // The channel's alarms live in its nested stack; an archived channel has two output groups.
    const template = synthOnAir(
      testConfig({
        channels: [
          { id: 'main', archive: true, input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } },
        ],
      }),
    )
      .channelTemplate('main')
      .toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const alarms = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties as MetricAlarm);
    const names = new Set<string>();
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.Namespace === 'AWS/MediaLive' && typeof o.MetricName === 'string') names.add(o.MetricName);
        Object.values(o).forEach(collect);
      }
    };
    alarms.forEach(collect);
    expect(names).toContain('Output4xxErrors');
    const read = alarmMetrics(alarms);
    expect(new Set(read.map((m) => m.metricName))).toEqual(names);
    // MediaLive's dimension sets: ChannelId + Pipeline; output errors also per OutputGroupName.
    for (const m of read)
      expect(Object.keys(m.dimensions).sort()).toEqual(
        /^Output[45]xxErrors$/.test(m.metricName)
          ? ['ChannelId', 'OutputGroupName', 'Pipeline']
          : ['ChannelId', 'Pipeline'],
      );
    expect(
      [
        ...new Set(
          read.filter((m) => m.metricName === 'Output5xxErrors').map((m) => m.dimensions.OutputGroupName),
        ),
      ].sort(),
    ).toEqual([ARCHIVE_OUTPUT_GROUP, MEDIAPACKAGE_OUTPUT_GROUP].sort());
  });
  test("the latency model is the synth summary's", () => {
    const m = latencyModel(2, 4);
    expect(m.mode).toBe(LatencyMode.STANDARD);
    expect(m.summary).toEqual({
      expected: expectedLatencySeconds(LatencyMode.STANDARD),
      worst: worstLatencySeconds(LatencyMode.STANDARD),
    });
    expect(m.served).toMatchObject({ expected: 15, worst: 21 });
    expect(latencyModel(1, 1).served).toMatchObject({
      expected: expectedLatencySeconds(LatencyMode.LOW),
      worst: worstLatencySeconds(LatencyMode.LOW),
    });
  });
});

test('clip ranges', () => {
  const now = new Date('2026-12-01T18:10:00Z');
  expect(clipRange({ last: '5m' }, now)).toEqual({
    start: '2026-12-01T18:05:00.000Z',
    end: '2026-12-01T18:10:00.000Z',
  });
  expect(clipRange({ from: '2026-12-01T18:00:00Z', to: '2026-12-01T18:01:00+00:00' }, now)).toEqual({
    start: '2026-12-01T18:00:00.000Z',
    end: '2026-12-01T18:01:00.000Z',
  });
  expect(() => clipRange({ last: 'a while' }, now)).toThrow(/--last: expected a duration such as 60s/);
});

describe('push targets', () => {
  const settings = {
    width: 1280,
    height: 720,
    framerate: 30,
    keyframeSeconds: 2,
    profile: 'high',
    videoKbps: 4500,
    maxKbps: 10000,
    audio: { kbps: 160, sampleRate: 48000 },
    assumed: [],
  } as unknown as EncoderSettings;
  const srtUrl = (host: string) =>
    `srt://${host}:5000?mode=caller&passphrase=Secret0123456789&pbkeylen=32&latency=1000000`;

  test('RTMP: FLV to <server>/<key>', () => {
    const t = rtmpTarget('rtmp://198.51.100.7:1935/main/', 'KEY');
    expect(t).toEqual({
      url: 'rtmp://198.51.100.7:1935/main/KEY',
      format: 'flv',
      address: 'rtmp://198.51.100.7:1935/main',
      secret: 'KEY',
    });
    const args = pushArgs({
      settings,
      targets: [t],
      seconds: 5,
      startEpochSeconds: 0,
      label: 'x',
      font: null,
    });
    expect(args.slice(-3)).toEqual(['-f', 'flv', 'rtmp://198.51.100.7:1935/main/KEY']);
  });

  test("SRT: MPEG-TS to the ingest route's srt:// URL, as is (passphrase, pbkeylen, latency)", () => {
    const t = srtTarget(srtUrl('198.51.100.10'), 'Secret0123456789');
    expect(t).toMatchObject({
      format: 'mpegts',
      address: 'srt://198.51.100.10:5000',
      secret: 'Secret0123456789',
    });
    const args = pushArgs({
      settings,
      targets: [t],
      seconds: 5,
      startEpochSeconds: 0,
      label: 'x',
      font: null,
    });
    expect(args.slice(-3)).toEqual(['-f', 'mpegts', srtUrl('198.51.100.10')]);
  });

  test('SRT to both endpoints of a STANDARD channel: one tee, MPEG-TS to each', () => {
    const targets = ['198.51.100.10', '198.51.100.20'].map((h) => srtTarget(srtUrl(h), 'Secret0123456789'));
    const args = pushArgs({ settings, targets, seconds: 5, startEpochSeconds: 0, label: 'x', font: null });
    expect(args.slice(-3)).toEqual([
      '-f',
      'tee',
      targets.map((t) => `[f=mpegts:onfail=ignore]${t.url}`).join('|'),
    ]);
  });
});
