import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeChannelCommand, MediaLiveClient, StopChannelCommand } from '@aws-sdk/client-medialive';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  decideIdle,
  type IdleInputs,
  type IdleStatus,
  type InputSample,
  isNoInputAlert,
} from '../../../lambda/idle-stop/decide';
import { checkIdleChannels, type IdleStopDeps } from '../../../lambda/idle-stop/idle-stop';
import { handler } from '../../../lambda/idle-stop/index';
import { INPUT_PRESENT_MBPS } from '../../../lambda/shared/contract';
import type { OpenAlert } from '../../../lambda/shared/status';
import { awsError, REGISTRY } from '../fixtures';
import { REGISTRY_TABLE, registeredChannels, serveRegistry } from '../registry-fixtures';

const NOW = Date.parse('2024-03-08T12:00:00Z');
const MIN = 60_000;

/**
 * `minutes` per-minute samples for each pipeline, the newest `lag` minutes old (CloudWatch
 * publishes MediaLive metrics 1–3 minutes late).
 */
function samples(minutes: number, value: Partial<InputSample> = {}, pipelines = 1, lag = 1): InputSample[] {
  const out: InputSample[] = [];
  for (let p = 0; p < pipelines; p++)
    for (let m = lag; m <= minutes; m++)
      out.push({ timestamp: NOW - m * MIN, pipeline: p, networkInMbps: 0, frameRate: 0, ...value });
  return out;
}

const ago = (minutes: number) => new Date(NOW - minutes * MIN).toISOString();
const PROBE = 'Initial Probe Taking Longer Than Expected';

/** A status record whose pipelines have had a no-input alert open since `minutes` ago. */
function alerted(minutes: number, pipelines = 1, extra: Partial<IdleStatus> = {}): IdleStatus {
  const openAlerts: Record<string, OpenAlert> = {};
  for (let p = 0; p < pipelines; p++)
    openAlerts[`probe-${p}`] = { type: PROBE, pipeline: String(p), message: '', since: ago(minutes) };
  return { liveSince: ago(120), openAlerts, ...extra };
}

describe('idle decision table', () => {
  const base = { state: 'RUNNING', idleMinutes: 30, now: NOW, pipelines: 1, status: alerted(40) };
  const standard = { ...base, pipelines: 2, status: alerted(40, 2) };
  test.each<[string, IdleInputs, string, boolean]>([
    ['auto-stop disabled (0)', { ...base, idleMinutes: 0, samples: samples(30) }, 'disabled', false],
    ['IDLE channel', { ...base, state: 'IDLE', samples: [] }, 'not-running', false],
    ['STARTING channel', { ...base, state: 'STARTING', samples: [] }, 'not-running', false],
    ['RECOVERING channel', { ...base, state: 'RECOVERING', samples: samples(30) }, 'not-running', false],
    [
      'started 10 minutes ago, no input yet',
      { ...base, status: alerted(9, 1, { liveSince: ago(10) }), samples: samples(10) },
      'too-young',
      false,
    ],
    [
      'no datapoints at all right after a start (liveSince unknown)',
      { ...base, status: undefined, samples: [] },
      'insufficient-data',
      false,
    ],
    [
      'only the last 8 minutes have data (liveSince unknown)',
      { ...base, status: { openAlerts: alerted(40).openAlerts }, samples: samples(8) },
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
      'newest datapoint 4 minutes old (CloudWatch behind)',
      { ...base, samples: samples(30, {}, 1, 4) },
      'insufficient-data',
      false,
    ],
    [
      'pipeline 1 newest datapoint 4 minutes old (STANDARD)',
      { ...standard, samples: [...samples(30), ...samples(30, {}, 2, 4).filter((s) => s.pipeline === 1)] },
      'insufficient-data',
      false,
    ],
    [
      'input in the unpublished last 2 min (alert cleared then; metrics end 3 minutes ago)',
      {
        ...base,
        status: { liveSince: ago(120), openAlerts: {}, inputClearedAt: ago(2) },
        samples: samples(30, {}, 1, 3),
      },
      'input-alert-cleared',
      false,
    ],
    [
      'alert cleared 1 min ago while another input alert stays open (record without inputClearedAt)',
      {
        ...base,
        status: alerted(40, 1, {
          lastAlert: { type: PROBE, pipeline: '0', message: '', state: 'CLEARED', at: ago(1) },
        }),
        samples: samples(30),
      },
      'input-alert-cleared',
      false,
    ],
    [
      'input alert cleared 40 minutes ago, no-input alert open again for 35',
      { ...base, status: alerted(35, 1, { inputClearedAt: ago(40) }), samples: samples(30) },
      'idle',
      true,
    ],
    [
      'no status record, metrics complete (no event-driven proof)',
      { ...base, status: undefined, samples: samples(30) },
      'no-input-alert',
      false,
    ],
    [
      'status record without open alerts, metrics complete',
      { ...base, status: { liveSince: ago(120), openAlerts: {} }, samples: samples(30) },
      'no-input-alert',
      false,
    ],
    [
      'no-input alert open for 20 minutes only',
      { ...base, status: alerted(20), samples: samples(30) },
      'no-input-alert',
      false,
    ],
    [
      'no-input alert on pipeline 0 only (STANDARD)',
      { ...standard, status: alerted(40, 1), samples: samples(30, {}, 2) },
      'no-input-alert',
      false,
    ],
    [
      'only an audio alert open (video may be arriving)',
      {
        ...base,
        status: {
          liveSince: ago(120),
          openAlerts: { a: { type: 'Audio Not Detected', pipeline: '0', message: '', since: ago(40) } },
        },
        samples: samples(30),
      },
      'no-input-alert',
      false,
    ],
    [
      'only the CloudWatch input-loss alarm open (no pipeline, not a MediaLive alert)',
      {
        ...base,
        status: {
          liveSince: ago(120),
          openAlerts: {
            'alarm:OnAir-InputLoss0': {
              type: 'input loss (seconds per minute) on pipeline 0',
              message: '',
              since: ago(40),
            },
          },
        },
        samples: samples(30),
      },
      'no-input-alert',
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
      {
        ...standard,
        samples: [...samples(30, {}, 2), { timestamp: NOW - MIN, pipeline: 1, networkInMbps: 4 }],
      },
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
      { ...base, samples: samples(30, { networkInMbps: INPUT_PRESENT_MBPS }) },
      'idle',
      true,
    ],
    ['no input for the whole window', { ...base, samples: samples(30) }, 'idle', true],
    ['newest datapoint exactly 3 minutes old', { ...base, samples: samples(30, {}, 1, 3) }, 'idle', true],
    ['no input on either pipeline (STANDARD)', { ...standard, samples: samples(30, {}, 2) }, 'idle', true],
    [
      'no input, metrics missing for a few minutes only',
      { ...base, samples: samples(30).filter((_, i) => i % 10 !== 5) },
      'idle',
      true,
    ],
    [
      'no input, liveSince unknown but data and alert cover the window',
      { ...base, status: { openAlerts: alerted(40).openAlerts }, samples: samples(30) },
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

  test.each([
    [PROBE, true],
    ['RTMP Stream Not Found', true],
    ['Video Not Detected', true],
    ['Audio Not Detected', false],
    ['Failed to Create Output File or Socket', false],
  ])('"%s" proves no input: %s', (type, proves) => {
    expect(isNoInputAlert(type)).toBe(proves);
  });
});

describe('checkIdleChannels', () => {
  const ml = mockClient(MediaLiveClient);
  const cw = mockClient(CloudWatchClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

  function deps(idleMinutes: Record<string, number> = { main: 30, studio: 0 }): IdleStopDeps {
    return {
      medialive: new MediaLiveClient({}),
      cloudwatch: new CloudWatchClient({}),
      ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      registry: REGISTRY,
      idleMinutes,
      statusTable: 'status-table',
      log,
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
    for (const m of [ml, cw, ddb]) m.reset();
    jest.clearAllMocks();
    ddb.on(GetCommand).resolves({ Item: { channelId: 'main', ...alerted(40) } });
    ddb.on(UpdateCommand).resolves({});
  });

  test('stops an idle RUNNING channel, with the exact requests, and records the stop for the health function to announce', async () => {
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
    // The status record is read last (strongly consistent), right before the decision.
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'status-table',
      Key: { channelId: 'main' },
      ConsistentRead: true,
    });
    expect(ml).toHaveReceivedCommandWith(StopChannelCommand, { ChannelId: '1234567' });
    // The notice itself goes out with the health function's notice of the IDLE that follows.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'status-table',
      Key: { channelId: 'main' },
      UpdateExpression: 'SET autoStop = :a',
      ExpressionAttributeValues: { ':a': { at: new Date(NOW).toISOString(), idleMinutes: 30 } },
    });
    const stop = ml.commandCalls(StopChannelCommand)[0];
    const record = ddb.commandCalls(UpdateCommand)[0];
    expect(stop && record && stop.calledBefore(record)).toBe(true);
  });

  test('the stop cannot be recorded: the channel is stopped anyway and the failure logged', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    ml.on(StopChannelCommand).resolves({ State: 'STOPPING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 0));
    ddb.on(UpdateCommand).rejects(awsError('ProvisionedThroughputExceededException', 400));
    const out = await checkIdleChannels(deps(), NOW);
    expect(out[0]).toMatchObject({ stopped: true, decision: { reason: 'idle' } });
    expect(log.error).toHaveBeenCalledWith(
      'could not record the auto-stop; the IDLE notice will not say why the channel stopped',
      { channelId: 'main', errorName: 'ProvisionedThroughputExceededException' },
    );
  });

  test('metrics say idle but the status record shows input returned a minute ago: not stopped', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 0));
    ddb.on(GetCommand).resolves({
      Item: { channelId: 'main', liveSince: ago(120), openAlerts: {}, inputClearedAt: ago(1) },
    });
    const out = await checkIdleChannels(deps(), NOW);
    expect(out[0]).toMatchObject({ stopped: false, decision: { reason: 'input-alert-cleared' } });
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test('no status record (health function never saw the channel): not stopped', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 0));
    ddb.on(GetCommand).resolves({});
    const out = await checkIdleChannels(deps(), NOW);
    expect(out[0]).toMatchObject({ stopped: false, decision: { reason: 'no-input-alert' } });
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test('DynamoDB throttling while reading the status record: logged, nothing stopped', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 0));
    ddb.on(GetCommand).rejects(awsError('ProvisionedThroughputExceededException', 400));
    const out = await checkIdleChannels(deps(), NOW);
    expect(out[0]).toMatchObject({ stopped: false, decision: { reason: 'error' } });
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test('never stops a channel receiving input', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves(metricData(30, 4.2));
    const out = await checkIdleChannels(deps(), NOW);
    expect(out[0]).toMatchObject({ stopped: false, decision: { reason: 'receiving-input' } });
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  test('queries both pipelines of a STANDARD channel', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await checkIdleChannels(deps({ studio: 15 }), NOW);
    const ids = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.map((q) => q.Id);
    expect(ids).toEqual(['n0', 'f0', 'n1', 'f1']);
    expect(ml).not.toHaveReceivedCommand(StopChannelCommand);
  });

  test('an IDLE channel needs no metrics and no status record', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    await checkIdleChannels(deps(), NOW);
    expect(cw).not.toHaveReceivedAnyCommand();
    expect(ddb).not.toHaveReceivedAnyCommand();
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
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  test('no channel with auto-stop: no AWS call at all', async () => {
    expect(await checkIdleChannels(deps({ main: 0, studio: 0 }), NOW)).toEqual([]);
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(ml).not.toHaveReceivedAnyCommand();
  });
});

describe('the handler', () => {
  const ml = mockClient(MediaLiveClient);
  const ddb = mockClient(DynamoDBDocumentClient);

  test("takes each channel's idle window from its registry entry (config autoStopIdleMinutes)", async () => {
    ml.reset();
    ddb.reset();
    process.env.ONAIR_STATUS_TABLE = 'status-table';
    serveRegistry(
      ddb,
      registeredChannels(REGISTRY, { main: { idleMinutes: 30 }, studio: { idleMinutes: 0 } }),
    );
    ml.on(DescribeChannelCommand).resolves({ State: 'IDLE' });
    const { channels } = await handler({});
    // studio's window is 0 (auto-stop off): it is not looked at
    expect(channels).toEqual([
      { channelId: 'main', decision: { stop: false, reason: 'not-running' }, stopped: false },
    ]);
    expect(ml).toHaveReceivedCommandTimes(DescribeChannelCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(ScanCommand, { TableName: REGISTRY_TABLE });
  });
});
