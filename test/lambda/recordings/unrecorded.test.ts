import 'aws-sdk-client-mock-jest';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambda/recordings/handler';
import { recordingPartSeconds } from '../../../lambda/shared/contract';
import { captureLogs, channelArn, lambdaContext, REGISTRY } from '../fixtures';
import { stateChangeFromExample } from '../medialive-events';
import { registeredChannels, serveRegistry } from '../registry-fixtures';
import { RecordingsWorld } from './world';

/** Its own file: the function caches the registry per container, and this one differs. */
const TABLE = 'OnAir-test-RecordingsTable';
const world = new RecordingsWorld(TABLE);
const mp = mockClient(MediaPackageClient);

beforeEach(() => {
  world.reset();
  serveRegistry(world.ddb, registeredChannels(REGISTRY, { studio: { record: false } }));
  mp.reset();
  process.env.ONAIR_ARCHIVE_BUCKET = 'onair-test-archive';
  process.env.ONAIR_HARVEST_ROLE_ARN = 'arn:aws:iam::111122223333:role/OnAir-test-RecordingsHarvestRole';
  process.env.ONAIR_STARTOVER_SECONDS = '86400';
  process.env.ONAIR_RECORDINGS_TABLE = TABLE;
  process.env.ONAIR_RECORDING_PART_SECONDS = String(recordingPartSeconds(86_400));
  process.env.ONAIR_PUBLISH_BY_DEFAULT = 'false';
  process.env.ONAIR_STATUS_TABLE = world.statusTable;
});

test('a channel registered as not recorded (config archive false) gets no recording, live or swept', async () => {
  const run = (e: unknown) =>
    captureLogs(() => (handler as (e: unknown, c: unknown) => Promise<void>)(e, lambdaContext()));
  await run(
    stateChangeFromExample({
      channelArn: channelArn(REGISTRY.studio.ml),
      state: 'RUNNING',
      time: '2026-12-01T19:00:00Z',
      pipelinesRunning: 1,
    }),
  );
  world.status.set('studio', { channelId: 'studio', state: 'RUNNING', liveSince: '2026-12-01T19:00:00Z' });
  await run({
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    time: '2026-12-01T19:15:00Z',
    detail: {},
  });
  expect(world.recordings()).toEqual([]);
  expect(world.items.has('live#studio')).toBe(false);
  expect(mp.calls()).toHaveLength(0);
  // the recorded channel still is
  await run(
    stateChangeFromExample({
      channelArn: channelArn(REGISTRY.main.ml),
      state: 'RUNNING',
      time: '2026-12-01T19:00:00Z',
      pipelinesRunning: 1,
    }),
  );
  expect(world.recordings().map((r) => r.recordingId)).toEqual(['main-20261201t190000z']);
});
