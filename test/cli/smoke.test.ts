import { stepLimitMs } from '../../cli/commands/smoke';
import { medialiveChannelIdOf } from '../../cli/smoke';

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
