import 'aws-sdk-client-mock-jest';
import {
  CreateHarvestJobCommand,
  DescribeHarvestJobCommand,
  MediaPackageClient,
  Status,
} from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambda/recordings/handler';
import { recordingPartSeconds } from '../../../lambda/shared/contract';
import { awsError, captureLogs, channelArn, lambdaContext, REGISTRY } from '../fixtures';
import { stateChangeFromExample } from '../medialive-events';
import { harvestNotification } from './harvest-events';
import { RecordingsWorld } from './world';

const TABLE = 'OnAir-test-RecordingsTable';
const STATUS_TABLE = 'OnAir-test-StatusTable';
const BUCKET = 'onair-test-archive';
const ROLE = 'arn:aws:iam::111122223333:role/OnAir-test-RecordingsHarvestRole';
const PART = recordingPartSeconds(24 * 3600);
const world = new RecordingsWorld(TABLE);
const mp = mockClient(MediaPackageClient);

const main = channelArn(REGISTRY.main.ml);
const studio = channelArn(REGISTRY.studio.ml);
const running = (arn: string, time: string, pipelinesRunning = 1) =>
  stateChangeFromExample({ channelArn: arn, state: 'RUNNING', time, pipelinesRunning });
const stopped = (arn: string, time: string, pipelinesRunning = 0) =>
  stateChangeFromExample({ channelArn: arn, state: 'STOPPED', time, pipelinesRunning });
/** The sweep's schedule event as EventBridge delivers a scheduled rule's event. */
const sweepEvent = (time: string) => ({
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time,
  region: 'us-west-2',
  resources: ['arn:aws:events:us-west-2:111122223333:rule/OnAir-test-RecordingsSweepRule'],
  detail: {},
});

async function send(event: unknown, now: string) {
  jest.setSystemTime(new Date(now));
  return captureLogs(() => (handler as (e: unknown, c: unknown) => Promise<void>)(event, lambdaContext()));
}

beforeEach(() => {
  world.reset();
  mp.reset();
  mp.on(CreateHarvestJobCommand).callsFake((i) => ({ ...i, Status: 'IN_PROGRESS' }));
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout'] });
  process.env.ONAIR_ARCHIVE_BUCKET = BUCKET;
  process.env.ONAIR_HARVEST_ROLE_ARN = ROLE;
  process.env.ONAIR_STARTOVER_SECONDS = '86400';
  process.env.ONAIR_RECORDINGS_TABLE = TABLE;
  process.env.ONAIR_RECORDING_PART_SECONDS = String(PART);
  process.env.ONAIR_PUBLISH_BY_DEFAULT = 'false';
  process.env.ONAIR_STATUS_TABLE = STATUS_TABLE;
  delete process.env.ONAIR_RECORDING_EXPIRE_DAYS;
});
afterEach(() => jest.useRealTimers());

describe('a session from MediaLive state changes', () => {
  test('RUNNING opens a private recording; the stop harvests the session from the HLS endpoint into recordings/<channel>/<id>/p01/', async () => {
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    expect(world.recordings()).toEqual([
      expect.objectContaining({
        recordingId: 'main-20261201t190000z',
        channelId: 'main',
        sessionStart: '2026-12-01T19:00:00Z',
        status: 'RECORDING',
        published: false,
        parts: {},
      }),
    ]);
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 0);

    await send(stopped(main, '2026-12-01T20:30:00Z'), '2026-12-01T20:30:04Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 1);
    expect(mp).toHaveReceivedCommandWith(CreateHarvestJobCommand, {
      Id: 'main-20261201t190000z-p01',
      OriginEndpointId: 'OnAir-test-main-hls',
      StartTime: '2026-12-01T19:00:00.000Z',
      EndTime: '2026-12-01T20:30:00.000Z',
      S3Destination: {
        BucketName: BUCKET,
        ManifestKey: 'recordings/main/main-20261201t190000z/p01/index.m3u8',
        RoleArn: ROLE,
      },
    });
    expect(world.items.get('main-20261201t190000z')).toMatchObject({
      status: 'PROCESSING',
      sessionEnd: '2026-12-01T20:30:00Z',
      partCount: 1,
      parts: { p01: { jobId: 'main-20261201t190000z-p01', attempt: 1, status: 'IN_PROGRESS' } },
    });
    // the session is closed: a second stop event changes nothing
    expect(world.items.get('live#main')).toEqual({
      recordingId: 'live#main',
      lastEnd: '2026-12-01T20:30:00Z',
    });
    await send(stopped(main, '2026-12-01T20:30:00Z'), '2026-12-01T20:30:09Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 1);
  });

  test('an expiring archive (ONAIR_RECORDING_EXPIRE_DAYS): the recording carries expiresAt, its session start plus those days in epoch seconds (the table TTL); without it, none', async () => {
    process.env.ONAIR_RECORDING_EXPIRE_DAYS = '30';
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    expect(world.items.get('main-20261201t190000z')).toMatchObject({
      sessionStart: '2026-12-01T19:00:00Z',
      expiresAt: Date.parse('2026-12-31T19:00:00Z') / 1000,
    });
    delete process.env.ONAIR_RECORDING_EXPIRE_DAYS;
    await send(running(studio, '2026-12-02T19:00:00Z'), '2026-12-02T19:00:05Z');
    const studioRec = world.recordings().find((r) => r.channelId === 'studio');
    expect(studioRec).toBeDefined();
    expect(studioRec).not.toHaveProperty('expiresAt');
  });

  test('the same event twice, and both pipelines of a STANDARD channel reporting RUNNING, make one recording', async () => {
    const event = running(main, '2026-12-01T19:00:00Z');
    await send(event, '2026-12-01T19:00:05Z');
    await send(event, '2026-12-01T19:00:06Z');
    await send(running(studio, '2026-12-01T19:00:00Z', 1), '2026-12-01T19:00:05Z');
    await send(running(studio, '2026-12-01T19:00:03Z', 2), '2026-12-01T19:00:07Z');
    expect(world.recordings().map((r) => r.recordingId)).toEqual([
      'main-20261201t190000z',
      'studio-20261201t190000z',
    ]);
    // the first pipeline's stop leaves the other running: the session goes on
    await send(stopped(studio, '2026-12-01T21:00:00Z', 1), '2026-12-01T21:00:01Z');
    expect(world.items.get('studio-20261201t190000z')).toMatchObject({ status: 'RECORDING' });
    await send(stopped(studio, '2026-12-01T21:00:02Z', 0), '2026-12-01T21:00:03Z');
    expect(world.items.get('studio-20261201t190000z')).toMatchObject({
      status: 'PROCESSING',
      sessionEnd: '2026-12-01T21:00:02Z',
    });
  });

  test('a RUNNING delivered after the stop that followed it opens nothing', async () => {
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    await send(stopped(main, '2026-12-01T20:00:00Z'), '2026-12-01T20:00:05Z');
    const { logs } = await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T20:00:10Z');
    expect(logs).toContain('late RUNNING ignored');
    expect(world.recordings()).toHaveLength(1);
    // the next real start is a new session
    await send(running(main, '2026-12-01T21:00:00Z'), '2026-12-01T21:00:05Z');
    expect(world.recordings().map((r) => r.recordingId)).toContain('main-20261201t210000z');
  });

  test('a 30-hour session is harvested whole: the sweep takes part 1 while live, the stop the rest', async () => {
    await send(running(main, '2026-12-01T00:00:00Z'), '2026-12-01T00:00:05Z');
    await send(sweepEvent('2026-12-01T23:30:00Z'), '2026-12-01T23:30:00Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 0);
    await send(sweepEvent('2026-12-01T23:45:00Z'), '2026-12-01T23:45:00Z');
    expect(mp).toHaveReceivedCommandWith(CreateHarvestJobCommand, {
      Id: 'main-20261201t000000z-p01',
      StartTime: '2026-12-01T00:00:00.000Z',
      EndTime: '2026-12-01T23:38:00.000Z',
    });
    await send(sweepEvent('2026-12-02T00:00:00Z'), '2026-12-02T00:00:00Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 1);

    await send(stopped(main, '2026-12-02T06:00:00Z'), '2026-12-02T06:00:03Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 2);
    expect(mp).toHaveReceivedCommandWith(CreateHarvestJobCommand, {
      Id: 'main-20261201t000000z-p02',
      StartTime: '2026-12-01T23:38:00.000Z',
      EndTime: '2026-12-02T06:00:00.000Z',
      S3Destination: expect.objectContaining({
        ManifestKey: 'recordings/main/main-20261201t000000z/p02/index.m3u8',
      }),
    });
    expect(world.items.get('main-20261201t000000z')).toMatchObject({ partCount: 2, status: 'PROCESSING' });
  });
});

describe('the sweep reconciles sessions with the status records (state events this function lost)', () => {
  test('a lost stop: the channel has been IDLE since after the session began, so the session ends then', async () => {
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    world.status.set('main', { channelId: 'main', state: 'IDLE', stateAt: '2026-12-01T20:00:00Z' });
    const { logs } = await send(sweepEvent('2026-12-01T20:15:00Z'), '2026-12-01T20:15:00Z');
    expect(logs).toContain('sweep: the stop of an open session was not seen');
    expect(world.items.get('main-20261201t190000z')).toMatchObject({
      status: 'PROCESSING',
      sessionEnd: '2026-12-01T20:00:00Z',
      parts: { p01: { end: '2026-12-01T20:00:00.000Z' } },
    });
  });

  test('a lost start: the channel is RUNNING with no open session, so the session opens at its live time', async () => {
    world.status.set('main', {
      channelId: 'main',
      state: 'RUNNING',
      liveSince: '2026-12-01T19:00:00Z',
      stateAt: '2026-12-01T19:00:00Z',
    });
    await send(sweepEvent('2026-12-01T19:15:00Z'), '2026-12-01T19:15:00Z');
    expect(world.items.get('main-20261201t190000z')).toMatchObject({ status: 'RECORDING' });
  });

  test('a lost stop and start: the old session ends at the new start and the new one opens', async () => {
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    world.status.set('main', {
      channelId: 'main',
      state: 'RUNNING',
      liveSince: '2026-12-01T21:00:00Z',
      stateAt: '2026-12-01T21:00:00Z',
    });
    await send(sweepEvent('2026-12-01T21:15:00Z'), '2026-12-01T21:15:00Z');
    expect(world.items.get('main-20261201t190000z')).toMatchObject({ sessionEnd: '2026-12-01T21:00:00Z' });
    expect(world.items.get('main-20261201t210000z')).toMatchObject({ status: 'RECORDING' });
  });
});

describe('failures', () => {
  test('MediaPackage failing after the SDK retries fails the invocation (Lambda retries it); the retry finishes the work once', async () => {
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    mp.on(CreateHarvestJobCommand)
      .rejectsOnce(awsError('InternalServerErrorException', 500, 'server'))
      .callsFake((i) => ({ ...i, Status: 'IN_PROGRESS' }));
    mp.on(DescribeHarvestJobCommand).rejects(awsError('NotFoundException', 404));
    await expect(send(stopped(main, '2026-12-01T20:00:00Z'), '2026-12-01T20:00:05Z')).rejects.toThrow(
      'InternalServerErrorException',
    );
    expect(world.items.get('live#main')).toMatchObject({ openId: 'main-20261201t190000z' });
    await send(stopped(main, '2026-12-01T20:00:00Z'), '2026-12-01T20:00:35Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 2);
    expect(world.items.get('main-20261201t190000z')).toMatchObject({
      sessionEnd: '2026-12-01T20:00:00Z',
      parts: { p01: { jobId: 'main-20261201t190000z-p01' } },
    });
  });

  test('a retry after the job was created but not recorded finds the job instead of failing on its id', async () => {
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    mp.on(CreateHarvestJobCommand).rejects(awsError('UnprocessableEntityException', 422));
    const job = {
      Id: 'main-20261201t190000z-p01',
      Status: Status.IN_PROGRESS,
      S3Destination: {
        BucketName: BUCKET,
        ManifestKey: 'recordings/main/main-20261201t190000z/p01/index.m3u8',
        RoleArn: ROLE,
      },
    };
    // another deployment's job of the same id (same channel name, same second) is not ours
    mp.on(DescribeHarvestJobCommand).resolvesOnce({
      ...job,
      S3Destination: { ...job.S3Destination, BucketName: 'other' },
    });
    await expect(send(stopped(main, '2026-12-01T20:00:00Z'), '2026-12-01T20:00:05Z')).rejects.toThrow(
      'UnprocessableEntityException',
    );
    mp.on(DescribeHarvestJobCommand, { Id: 'main-20261201t190000z-p01' }).resolves(job);
    await send(stopped(main, '2026-12-01T20:00:00Z'), '2026-12-01T20:00:35Z');
    expect(world.items.get('main-20261201t190000z')).toMatchObject({
      parts: { p01: { jobId: 'main-20261201t190000z-p01', status: 'IN_PROGRESS' } },
    });
  });

  test('a FAILED part is harvested again with a new job, at most 3 attempts; then the recording is FAILED with why', async () => {
    await send(running(main, '2026-12-01T19:00:00Z'), '2026-12-01T19:00:05Z');
    await send(stopped(main, '2026-12-01T20:00:00Z'), '2026-12-01T20:00:05Z');
    const failed = (jobId: string) =>
      harvestNotification({
        jobId,
        status: 'FAILED',
        manifestKey: 'recordings/main/main-20261201t190000z/p01/index.m3u8',
        message: 'Harvest window is outside the startover window',
      });
    await send(failed('main-20261201t190000z-p01'), '2026-12-01T20:05:00Z');
    expect(mp).toHaveReceivedCommandWith(CreateHarvestJobCommand, {
      Id: 'main-20261201t190000z-p01-r2',
      StartTime: '2026-12-01T19:00:00.000Z',
      EndTime: '2026-12-01T20:00:00.000Z',
    });
    // the superseded job's notification again: no third job
    await send(failed('main-20261201t190000z-p01'), '2026-12-01T20:05:30Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 2);
    await send(failed('main-20261201t190000z-p01-r2'), '2026-12-01T20:10:00Z');
    expect(mp).toHaveReceivedCommandWith(CreateHarvestJobCommand, { Id: 'main-20261201t190000z-p01-r3' });
    const { logs } = await send(failed('main-20261201t190000z-p01-r3'), '2026-12-01T20:15:00Z');
    expect(mp).toHaveReceivedCommandTimes(CreateHarvestJobCommand, 3);
    expect(logs).toContain('recording failed');
    expect(world.items.get('main-20261201t190000z')).toMatchObject({
      status: 'FAILED',
      failure:
        'part p01 (2026-12-01T19:00:00.000Z to 2026-12-01T20:00:00.000Z) could not be harvested after 3 attempt(s): Harvest window is outside the startover window',
    });
  });

  test('notifications of other harvest jobs (clips) and malformed events change nothing', async () => {
    await send(
      harvestNotification({
        jobId: 'main-20261201t190000z-3fa2c1',
        status: 'FAILED',
        manifestKey: 'clips/main/x/index.m3u8',
      }),
      '2026-12-01T20:00:00Z',
    );
    const { logs } = await send({ 'detail-type': 'Something else' }, '2026-12-01T20:00:00Z');
    expect(logs).toContain('unrecognised event');
    expect(world.ddb.calls()).toHaveLength(0);
    expect(mp.calls()).toHaveLength(0);
  });
});
