import type { Channel } from '@aws-sdk/client-medialive';
import { currentThumbnail } from '../../../lambda/channel-control/thumbnail';
import { buildEncoderSettings } from '../../../lib/media/encoder-settings';
import { resolveLadder } from '../../../lib/media/ladders';
import { LatencyMode } from '../../../lib/media/latency';

/** DescribeChannel's view of a channel as the CDK app creates it (encoder settings from lib/media, destinations as Archive writes them). */
function describedChannel(frameCaptureIntervalSeconds?: number): Channel {
  return {
    Id: '1234567',
    State: 'RUNNING',
    EncoderSettings: buildEncoderSettings({
      renditions: resolveLadder('720p'),
      latency: LatencyMode.STANDARD,
      framerate: 30,
      archiveRolloverSeconds: 300,
      frameCaptureIntervalSeconds,
    }),
    Destinations: [
      { Id: 'mediapackage', MediaPackageSettings: [{ ChannelId: 'OnAir-test-main' }] },
      { Id: 'archive', Settings: [{ Url: 's3ssl://onair-test-archive/main/$dt$/a/main' }] },
      ...(frameCaptureIntervalSeconds
        ? [{ Id: 'thumbnails', Settings: [{ Url: 's3ssl://onair-test-archive/thumbnails/main/a/main' }] }]
        : []),
    ],
  } as Channel;
}

test('the frame of one interval ago, named as MediaLive numbers a start’s captures', () => {
  const since = '2026-12-01T19:00:00Z';
  expect(currentThumbnail(describedChannel(10), since, new Date('2026-12-01T19:10:05Z'))).toEqual({
    bucket: 'onair-test-archive',
    key: 'thumbnails/main/a/main_thumb.00059.jpg',
    capturedEverySeconds: 10,
  });
});

test('none without frame capture, without a live time, or before two intervals have passed', () => {
  const since = '2026-12-01T19:00:00Z';
  expect(currentThumbnail(describedChannel(), since, new Date('2026-12-01T19:10:00Z'))).toBeUndefined();
  expect(currentThumbnail(describedChannel(10), undefined, new Date('2026-12-01T19:10:00Z'))).toBeUndefined();
  expect(currentThumbnail(describedChannel(10), since, new Date('2026-12-01T19:00:15Z'))).toBeUndefined();
});
