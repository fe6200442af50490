import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeChannelCommand, MediaLiveClient, StopChannelCommand } from '@aws-sdk/client-medialive';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { decideIdle, type InputSample, NETWORK_IN_THRESHOLD_MBPS } from '../../../lambda/idle-stop/decide';
import { checkIdleChannels, type IdleStopDeps } from '../../../lambda/idle-stop/idle-stop';
import { awsError, quietLogger, REGISTRY } from '../fixtures';

const NOW = Date.parse('2024-03-08T12:00:00Z');
const MIN = 60_000;

/** `minutes` per-minute samples ending now, for each pipeline. */
function samples(minutes: number, value: Partial<InputSample> = {}, pipelines = 1): InputSample[] {
  const out: InputSample[] = [];
  for (let p = 0; p < pipelines; p++)
    for (let m = 1; m <= minutes; m++)
      out.push({ timestamp: NOW - m * MIN, pipeline: p, networkInMbps: 0, frameRate: 0, ...value });
  return out;
}

describe('idle decision table', () => {
  const base = { state: 'RUNNING', idleMinutes: 30, now: NOW, liveSince: '2024-03-08T10:00:00Z' };
  test.each<[string, Parameters<typeof decideIdle>[0], string, boolean]>([
    ['auto-stop disabled (0)', { ...base, idleMinutes: 0, samples: samples(30) }, 'disabled', false],
    ['IDLE channel', { ...base, state: 'IDLE', samples: [] }, 'not-running', false],
    ['STARTING channel', { ...base, state: 'STARTING', samples: [] }, 'not-running', false],
    ['RECOVERING channel', { ...base, state: 'RECOVERING', samples: samples(30) }, 'not-running', false],
    [
      'started 10 minutes ago, no input yet',
      { ...base, liveSince: new Date(NOW - 10 * MIN).toISOString(), samples: samples(10) },
      'too-young',
      false,
    ],
    [
      'no datapoints at all right after a start (liveSince unknown)',
      { ...base, liveSince: undefined, samples: [] },
      'insufficient-data',
      false,
    ],
    [
      'only the last 8 minutes have data (liveSince unknown)',
      { ...base, liveSince: undefined, samples: samples(8) },
      'insufficient-data',
      false,
    ],
    [
      'half the window missing (metrics gap)',
      { ...base, samples: samples(30).filter((_, i) => i % 2 === 0) },
      'insufficient-data',
      false,
    ],
    [
      'input in one minute of the window (NetworkIn)',
      { ...base, samples: [...samples(30), { timestamp: NOW - 29 * MIN, pipeline: 0, networkInMbps: 2.5 }] },
      'receiving-input',
      false,
    ],
    [
      'input only as frame rate',
      { ...base, samples: [...samples(30), { timestamp: NOW - 3 * MIN, pipeline: 0, frameRate: 30 }] },
      'receiving-input',
      false,
    ],
    [
      'input on pipeline 1 only (STANDARD)',
      { ...base, samples: [...samples(30, {}, 2), { timestamp: NOW - MIN, pipeline: 1, networkInMbps: 4 }] },
      'receiving-input',
      false,
    ],
    [
      'steady input',
      { ...base, samples: samples(30, { networkInMbps: 3, frameRate: 30 }) },
      'receiving-input',
      false,
    ],
    [
      'NetworkIn at the noise threshold counts as no input',
      { ...base, samples: samples(30, { networkInMbps: NETWORK_IN_THRESHOLD_MBPS }) },
      'idle',
      true,
    ],
    ['no input for the whole window', { ...base, samples: samples(30) }, 'idle', true],
    ['no input on either pipeline (STANDARD)', { ...base, samples: samples(30, {}, 2) }, 'idle', true],
    [
      'no input, metrics missing for a few minutes only',
      { ...base, samples: samples(30).filter((_, i) => i % 10 !== 5) },
      'idle',
      true,
    ],
    [
      'no input, liveSince unknown but data covers the window',
      { ...base, liveSince: undefined, samples: samples(30) },
      'idle',
      true,
    ],
    [
      'input older than the window does not count',
      { ...base, samples: [...samples(30), { timestamp: NOW - 45 * MIN, pipeline: 0, networkInMbps: 5 }] },
      'idle',
      true,
    ],
  ])('%s → %s', (_name, inputs, reason, stop) => {
    expect(decideIdle(inputs)).toEqual({ stop, reason });
  });
});

describe('checkIdleChannels', () => {
  const ml = mockClient(MediaLiveClient);
  const cw = mockClient(CloudWatchClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  const sns = mockClient(SNSClient);

  function deps(idleMinutes: Record<string, number> = { main: 30, studio: 0 }): IdleStopDeps {
    return {
      medialive: new MediaLiveClient({}),
      cloudwatch: new CloudWatchClient({}),
      ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      notifier: {
        sns: new SNSClient({}),
        topicArn: 'arn:aws:sns:us-west-2:111122223333:alerts',
        log: quietLogger,
      },
      registry: REGISTRY,
      idleMinutes,
      statusTable: 'status-table',
      stage: 'test',
      log: quietLogger,
    };
  }

  function metricData(minutes: number, network: number) {
    const ts = Array.from({ length: minutes }, (_, i) => new Date(NOW - (i + 1) * MIN));
    return {
      MetricDataResults: [
        { Id: 'n0', Timestamps: ts, Values: ts.map(() => network) },
        { Id: 'f0', Timestamps: ts, Values: ts.map(() => 0) },
      ],
    };
  }

  beforeEach(() => {
    for (const m of [ml, cw, ddb, sns]) m.reset();
    ddb.on(BatchGetCommand).resolves({
      Responses: { 'status-table': [{ channelId: 'main', liveSince: '2024-03-08T09:00:00Z' }] },
    });
    sns.on(PublishCommand).resolves({});
  });

  test('stops an idle RUNNING channel, with the exact requests, and notifies', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(StopChannelCommand).resolves({ State: 'STOPPING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 0));
    const out = await checkIdleChannels(deps(), NOW);
    expect(out).toEqual([{ channelId: 'main', decision: { stop: true, reason: 'idle' }, stopped: true }]);
    // studio has auto-stop off: never described.
    expect(ml).toHaveReceivedCommandTimes(DescribeChannelCommand, 1);
    expect(cw).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date(NOW - 30 * MIN),
      EndTime: new Date(NOW),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'n0',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/MediaLive',
              MetricName: 'NetworkIn',
              Dimensions: [
                { Name: 'ChannelId', Value: '1234567' },
                { Name: 'Pipeline', Value: '0' },
              ],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
        {
          Id: 'f0',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/MediaLive',
              MetricName: 'InputVideoFrameRate',
              Dimensions: [
                { Name: 'ChannelId', Value: '1234567' },
                { Name: 'Pipeline', Value: '0' },
              ],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    });
    expect(ml).toHaveReceivedCommandWith(StopChannelCommand, { ChannelId: '1234567' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: 'OnAir test: channel main stopped after 30 idle minutes',
    });
  });

  test('never stops a channel receiving input', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 4.2));
    const out = await checkIdleChannels(deps(), NOW);
    expect(out[0]).toMatchObject({ stopped: false, decision: { reason: 'receiving-input' } });
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('queries both pipelines of a STANDARD channel', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await checkIdleChannels(deps({ studio: 15 }), NOW);
    const ids = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.map((q) => q.Id);
    expect(ids).toEqual(['n0', 'f0', 'n1', 'f1']);
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test('an IDLE channel needs no metrics', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    await checkIdleChannels(deps(), NOW);
    expect(cw).not.toHaveReceivedAnyCommand();
  });

  test('throttling on one channel is logged and the run goes on; nothing is stopped', async () => {
    ml.on(DescribeChannelCommand, { ChannelId: '1234567' }).rejects(
      awsError('TooManyRequestsException', 429),
    );
    ml.on(DescribeChannelCommand, { ChannelId: '2345678' }).resolves({ State: 'IDLE' });
    const out = await checkIdleChannels(deps({ main: 30, studio: 30 }), NOW);
    expect(out.map((o) => [o.channelId, o.decision.reason])).toEqual([
      ['main', 'error'],
      ['studio', 'not-running'],
    ]);
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test('a ConflictException from StopChannel (state changed meanwhile) stops nothing else', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 0));
    ml.on(StopChannelCommand).rejects(awsError('ConflictException', 409));
    const out = await checkIdleChannels(deps(), NOW);
    expect(out[0]).toMatchObject({ stopped: false, decision: { reason: 'error' } });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('no channel with auto-stop: no AWS call at all', async () => {
    expect(await checkIdleChannels(deps({ main: 0, studio: 0 }), NOW)).toEqual([]);
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(ml).not.toHaveReceivedAnyCommand();
  });
});
