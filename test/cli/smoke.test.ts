import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import { ListOriginEndpointsCommand, MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { mockClient } from 'aws-sdk-client-mock';
import { smokeCost } from '../../cli/commands/smoke/report';
import { stepLimitMs } from '../../cli/commands/smoke/runner';
import type { Deployment } from '../../cli/deployment';
import {
  alarmMetrics,
  channelAlarms,
  type MetricKey,
  medialiveChannelIdOf,
  metricLabel,
  metricsWithoutData,
  originEndpoints,
  recentlyListed,
  wronglyDimensioned,
} from '../../cli/smoke';
import { PRICES } from '../../lib/media/estimate';

describe("the metrics step finds the MediaLive channel in the channel's alarms", () => {
  test('from a single-metric alarm or a metric-math alarm, AWS/MediaLive only', () => {
    const single = { Namespace: 'AWS/MediaLive', Dimensions: [{ Name: 'ChannelId', Value: '1234567' }] };
    const math = {
      Metrics: [
        { Id: 'e', Expression: 'FILL(m, 0)' },
        {
          Id: 'm',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/MediaLive',
              MetricName: 'NetworkIn',
              Dimensions: [
                { Name: 'ChannelId', Value: '7654321' },
                { Name: 'Pipeline', Value: '0' },
              ],
            },
          },
        },
      ],
    };
    const mediapackage = { Namespace: 'AWS/MediaPackage', Dimensions: [{ Name: 'Channel', Value: 'x' }] };
    expect(medialiveChannelIdOf([mediapackage, single])).toBe('1234567');
    expect(medialiveChannelIdOf([mediapackage, math as never])).toBe('7654321');
    expect(medialiveChannelIdOf([mediapackage])).toBeUndefined();
  });
});

describe('ONAIR_SMOKE_STEP_SECONDS caps a step wait, never lengthens it', () => {
  afterEach(() => {
    delete process.env.ONAIR_SMOKE_STEP_SECONDS;
  });
  test.each([
    [undefined, 90_000, 90_000],
    ['6', 90_000, 6_000],
    ['600', 90_000, 90_000],
    ['0', 90_000, 90_000],
    ['soon', 90_000, 90_000],
  ])('%s with a default of %d ms: %d ms', (env, def, want) => {
    if (env !== undefined) process.env.ONAIR_SMOKE_STEP_SECONDS = env;
    expect(stepLimitMs(def)).toBe(want);
  });
});

describe('the metrics step asks CloudWatch for the data the alarms read', () => {
  const cw = mockClient(CloudWatchClient);
  const aws = {
    region: 'eu-west-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
  };
  const key = (metricName: string, extra: Record<string, string> = {}): MetricKey => ({
    namespace: 'AWS/MediaLive',
    metricName,
    dimensions: { ChannelId: '1234567', Pipeline: '0', ...extra },
  });
  beforeEach(() => cw.reset());

  test('GetMetricData with the exact dimensions over this run only; a series without values is missing', async () => {
    const since = new Date('2026-12-05T16:00:00Z');
    const now = new Date('2026-12-05T16:05:00Z');
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'm0', Values: [0, 0], Timestamps: [now, now] },
        { Id: 'm1', Values: [], Timestamps: [] },
      ],
    });
    const wanted = [key('ActiveAlerts'), key('Output4xxErrors', { OutputGroupName: 'archive' })];
    expect(await metricsWithoutData(aws, wanted, since, now)).toEqual([wanted[1]]);
    expect(cw).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: since,
      EndTime: now,
      MetricDataQueries: [
        expect.objectContaining({ Id: 'm0' }),
        {
          Id: 'm1',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/MediaLive',
              MetricName: 'Output4xxErrors',
              Dimensions: [
                { Name: 'ChannelId', Value: '1234567' },
                { Name: 'Pipeline', Value: '0' },
                { Name: 'OutputGroupName', Value: 'archive' },
              ],
            },
            Period: 60,
            Stat: 'SampleCount',
          },
        },
      ],
    });
  });

  test('ListMetrics only for series active in the past three hours (PT3H), the channel only', async () => {
    cw.on(ListMetricsCommand).resolves({
      Metrics: [
        {
          Namespace: 'AWS/MediaLive',
          MetricName: 'NetworkIn',
          Dimensions: [
            { Name: 'ChannelId', Value: '1234567' },
            { Name: 'Pipeline', Value: '0' },
          ],
        },
      ],
    });
    expect(await recentlyListed(aws, '1234567')).toEqual([key('NetworkIn')]);
    expect(cw).toHaveReceivedCommandWith(ListMetricsCommand, {
      Namespace: 'AWS/MediaLive',
      Dimensions: [{ Name: 'ChannelId', Value: '1234567' }],
      RecentlyActive: 'PT3H',
    });
  });

  test('a wrong dimension is told apart from data that has not arrived yet', () => {
    const expected = [
      key('Output4xxErrors', { OutputGroupName: 'mediapackage' }),
      key('Output4xxErrors', { OutputGroupName: 'archiv' }),
      key('DroppedFrames'),
    ];
    const listed = [
      key('Output4xxErrors', { OutputGroupName: 'mediapackage' }),
      key('Output4xxErrors', { OutputGroupName: 'archive' }),
    ];
    // The wrong group name: CloudWatch has the series under a name no alarm reads.
    expect(wronglyDimensioned([expected[1]], expected, listed)).toEqual([
      { metric: expected[1], published: [listed[1]] },
    ]);
    expect(metricLabel(expected[1])).toBe('Output4xxErrors (Pipeline 0, archiv)');
    // Not listed at all, or listed only as another alarm's series: not there yet.
    expect(wronglyDimensioned([expected[2]], expected, listed)).toEqual([]);
    expect(wronglyDimensioned([expected[1]], expected, [listed[0]])).toEqual([]);
  });

  test("the alarms' metrics: single-metric and metric-math, one entry per series", () => {
    const single = {
      Namespace: 'AWS/MediaLive',
      MetricName: 'DroppedFrames',
      Dimensions: [
        { Name: 'ChannelId', Value: '1234567' },
        { Name: 'Pipeline', Value: '0' },
      ],
    };
    const math = {
      Metrics: [
        { Id: 'e', Expression: 'FILL(a, 0) + FILL(b, 0)' },
        { Id: 'a', MetricStat: { Metric: single } },
        {
          Id: 'b',
          MetricStat: {
            Metric: {
              ...single,
              MetricName: 'Output5xxErrors',
              Dimensions: [...single.Dimensions, { Name: 'OutputGroupName', Value: 'archive' }],
            },
          },
        },
      ],
    };
    expect(alarmMetrics([single, math as never, { Namespace: 'AWS/MediaPackage', MetricName: 'X' }])).toEqual(
      [key('DroppedFrames'), key('Output5xxErrors', { OutputGroupName: 'archive' })],
    );
  });
});

describe("the run's cost reads the channel's input specification from its status", () => {
  const view = {
    channelId: 'main',
    channelClass: 'SINGLE_PIPELINE',
    ladder: [{ name: '720p', width: 1280, height: 720, maxBitrateKbps: 3000, framerate: 30, gopSeconds: 2 }],
  };
  const spec = (resolution: string, maximumBitrate: string) => ({
    ...view,
    encoding: { input: { codec: 'AVC', resolution, maximumBitrate } },
  });
  const inputRate = (r: 'HD' | 'UHD', b: 'MAX_10_MBPS' | 'MAX_50_MBPS') =>
    PRICES.medialive.input.SINGLE_PIPELINE[r][b];

  test('a UHD ≤50 Mbit/s input is billed at its rate, not at HD ≤10 Mbit/s', () => {
    const hd = smokeCost(spec('HD', 'MAX_10_MBPS'), { minutes: 12, wasRunning: false });
    const uhd = smokeCost(spec('UHD', 'MAX_50_MBPS'), { minutes: 12, wasRunning: false });
    expect(uhd.medialiveUsd - hd.medialiveUsd).toBeCloseTo(
      ((inputRate('UHD', 'MAX_50_MBPS') - inputRate('HD', 'MAX_10_MBPS')) * 12) / 60,
      6,
    );
    expect(uhd.billedMinutes).toBe(12);
  });

  test('the 10-minute minimum applies to a run that started the channel, not to one that found it running', () => {
    const s = spec('HD', 'MAX_10_MBPS');
    expect(smokeCost(s, { minutes: 3, wasRunning: false }).billedMinutes).toBe(10);
    expect(smokeCost(s, { minutes: 3, wasRunning: true }).billedMinutes).toBe(3);
  });

  test('an SRT channel is priced as an SRT input', () => {
    expect(() =>
      smokeCost(spec('HD', 'MAX_10_MBPS'), { inputType: 'SRT_LISTENER', minutes: 5, wasRunning: false }),
    ).not.toThrow();
  });
});

describe("smoke finds the channel's own AWS resources", () => {
  const aws = {
    region: 'us-east-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
  };

  test('one alarm per ARN: in us-east-1 both listings can return the same CDN alarm', async () => {
    const cw = mockClient(CloudWatchClient);
    const alarm = {
      AlarmName: 'OnAir-dev-Edge-Cdn5xx-ABC',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:OnAir-dev-Edge-Cdn5xx-ABC',
      AlarmDescription: '[onair:cdn] 5xx',
    };
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [alarm] });
    const { cdn } = await channelAlarms(aws, 'dev', 'main');
    expect(cdn).toEqual([alarm]);
    cw.restore();
  });

  test("origin endpoints: ListOriginEndpoints for the channel's MediaPackage channel only", async () => {
    const mp = mockClient(MediaPackageClient);
    mp.on(ListOriginEndpointsCommand).resolves({
      OriginEndpoints: [
        { Id: 'a', ChannelId: 'OnAir-dev-main', Url: 'https://x/out/v1/a/index.m3u8' },
        { Id: 'b', ChannelId: 'OnAir-prod-main', Description: 'OnAir main hls' },
      ],
    });
    const d = { stackName: 'OnAir-dev' } as Deployment;
    expect((await originEndpoints(aws, d, 'main')).map((e) => e.Id)).toEqual(['a']);
    expect(mp).toHaveReceivedCommandWith(ListOriginEndpointsCommand, { ChannelId: 'OnAir-dev-main' });
    mp.restore();
  });
});
