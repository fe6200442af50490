import './env';
import {
  type ChannelState,
  DescribeChannelCommand,
  MediaLiveClient,
  RestartChannelPipelinesCommand,
} from '@aws-sdk/client-medialive';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { isRestartableAlert, RESTART_INTERVAL_MS } from '../../../lambda/health/health';
import { handler } from '../../../lambda/health/index';
import { resetWebhookCache } from '../../../lambda/shared/notify';
import { awsError, channelArn, REGISTRY } from '../fixtures';
import { DOCUMENTED_STATE_CHANGE } from '../medialive-events';
import { registeredChannels, serveRegistry } from '../registry-fixtures';
import { alarmNotification, alert, stateChange } from './events';

const ml = mockClient(MediaLiveClient);
const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const fetchMock = jest.fn();
const TOPIC = 'arn:aws:sns:us-west-2:111122223333:alerts';
const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';

beforeEach(() => {
  for (const m of [ml, ddb, sns, secrets]) m.reset();
  // studio opted in to automatic pipeline restarts (config autoRestart).
  serveRegistry(ddb, registeredChannels(REGISTRY, { studio: { autoRestart: true } }));
  ddb.on(UpdateCommand).resolves({});
  ml.on(DescribeChannelCommand).resolves({ State: 'RUNNING' });
  sns.on(PublishCommand).resolves({ MessageId: 'x' });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: HOOK });
  resetWebhookCache();
  fetchMock.mockReset().mockResolvedValue({ ok: true, status: 200 });
  global.fetch = fetchMock as unknown as typeof fetch;
});

function updates() {
  return ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
}

describe('state changes', () => {
  test('RUNNING sets state, pipelines and liveSince (kept if already set), then notifies', async () => {
    await handler(stateChange('2345678', 'RUNNING', 2));
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'status-table',
      Key: { channelId: 'studio' },
      UpdateExpression:
        'SET #state = :state, pipelinesRunning = :p, lastChange = :t, stateAt = :t, liveSince = if_not_exists(liveSince, :t)',
      ConditionExpression: 'attribute_not_exists(stateAt) OR stateAt <= :t',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':state': 'RUNNING', ':t': '2023-03-08T18:40:59Z', ':p': 2 },
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'OnAir test: channel studio is RUNNING',
    });
    const text = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(text).toContain('with 2 pipeline(s) running');
    expect(fetchMock).toHaveBeenCalledWith(HOOK, expect.objectContaining({ method: 'POST' }));
    const body = JSON.parse(fetchMock.mock.calls[0][1].body);
    expect(body.text).toContain('channel studio is RUNNING');
  });

  // Events report a completed stop as STOPPED; the status record keeps the API's IDLE.
  test.each(['IDLE', 'STOPPED'])(
    '%s is recorded as IDLE, clears liveSince and open alerts',
    async (state) => {
      await handler(stateChange('1234567', state, 0, 'Stop detected on pipeline'));
      expect(updates()[0]).toMatchObject({
        Key: { channelId: 'main' },
        UpdateExpression:
          'SET #state = :state, pipelinesRunning = :p, lastChange = :t, stateAt = :t, openAlerts = :none REMOVE liveSince, autoStop',
        ExpressionAttributeValues: { ':none': {}, ':state': 'IDLE' },
        ReturnValues: 'ALL_OLD',
      });
      expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: 'OnAir test: channel main is IDLE' });
      const text = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
      if (state === 'STOPPED') expect(text).toContain('changed to IDLE (MediaLive reported STOPPED)');
    },
  );

  describe('a stop the idle-stop function recorded', () => {
    // The example event's time is 2023-03-08T18:40:59Z.
    const recorded = (at: string) =>
      ddb.on(UpdateCommand).resolves({
        Attributes: { channelId: 'main', state: 'RUNNING', autoStop: { at, idleMinutes: 30 } },
      });

    test('is announced once, with why, by email and webhook when the channel reaches IDLE', async () => {
      recorded('2023-03-08T18:39:30.000Z');
      await handler(stateChange('1234567', 'STOPPED', 0, 'Stop detected on pipeline'));
      // The same write that records IDLE removes the record (ALL_OLD returns it).
      expect(updates()).toHaveLength(1);
      expect(updates()[0]?.UpdateExpression).toContain('REMOVE liveSince, autoStop');
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      expect(sns).toHaveReceivedCommandWith(PublishCommand, {
        TopicArn: TOPIC,
        Subject: 'OnAir test: channel main stopped after 30 idle minutes',
      });
      const text = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
      expect(text).toContain(
        'Channel main was RUNNING without input for 30 minutes and was stopped to save cost.',
      );
      expect(text).toContain('changed to IDLE (MediaLive reported STOPPED) at 2023-03-08T18:40:59Z');
      expect(text).toContain('Start it again with POST /channels/{id}/start');
      expect(JSON.parse(fetchMock.mock.calls[0][1].body).text).toContain(
        'channel main stopped after 30 idle minutes',
      );
    });

    test('older than 15 minutes is stale: a plain IDLE notice', async () => {
      recorded('2023-03-08T18:20:00.000Z');
      await handler(stateChange('1234567', 'STOPPED'));
      expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: 'OnAir test: channel main is IDLE' });
    });

    test('stays while only one pipeline stopped (STOPPING)', async () => {
      recorded('2023-03-08T18:39:30.000Z');
      await handler(stateChange('2345678', 'STOPPED', 1));
      expect(updates()[0]?.UpdateExpression).not.toContain('autoStop');
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    });
  });

  test('a pipeline STOPPED while the other still runs is recorded as STOPPING, without a notification', async () => {
    await handler(stateChange('2345678', 'STOPPED', 1, 'Stop detected on pipeline'));
    expect(updates()[0]).toMatchObject({
      Key: { channelId: 'studio' },
      ExpressionAttributeValues: { ':state': 'STOPPING', ':p': 1 },
    });
    expect(updates()[0]?.UpdateExpression).toContain('REMOVE liveSince');
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('CREATED (a deploy created the channel) is recorded as IDLE and notifies nobody', async () => {
    await handler(stateChange('1234567', 'CREATED', 0, 'Created channel'));
    expect(updates()[0]).toMatchObject({
      Key: { channelId: 'main' },
      ExpressionAttributeValues: { ':state': 'IDLE', ':p': 0 },
    });
    expect(sns).not.toHaveReceivedAnyCommand();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test('the documented example event (DELETED) is recorded as DELETED and notified', async () => {
    // The user guide's example, verbatim but for the channel ARN (the example's is not ours).
    await handler({
      ...DOCUMENTED_STATE_CHANGE,
      detail: { ...DOCUMENTED_STATE_CHANGE.detail, channel_arn: channelArn('1234567') },
    });
    expect(updates()[0]).toMatchObject({
      ExpressionAttributeValues: { ':state': 'DELETED', ':t': DOCUMENTED_STATE_CHANGE.time },
    });
    const text = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(text).toContain('MediaLive says: Deleted channel');
  });

  test('a state MediaLive is not known to send is not recorded', async () => {
    await handler(stateChange('1234567', 'SOMETHING_NEW'));
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  test('RECOVERING is recorded (liveSince kept) and notified', async () => {
    await handler(stateChange('1234567', 'RECOVERING', 0));
    expect(updates()[0]?.UpdateExpression).toBe(
      'SET #state = :state, pipelinesRunning = :p, lastChange = :t, stateAt = :t',
    );
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: 'OnAir test: channel main is RECOVERING',
    });
  });

  test.each(['STARTING', 'STOPPING', 'UPDATING', 'CREATING', 'DELETING'])(
    '%s is recorded without a notification',
    async (state) => {
      await handler(stateChange('1234567', state));
      expect(updates()[0]).toMatchObject({ ExpressionAttributeValues: { ':state': state } });
      expect(updates()[0]?.UpdateExpression).toContain('REMOVE liveSince');
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    },
  );

  test.each(['DELETED', 'CREATE_FAILED', 'UPDATE_FAILED'])('%s is recorded and notified', async (state) => {
    await handler(stateChange('1234567', state));
    expect(updates()[0]?.UpdateExpression).toContain('REMOVE liveSince');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: `OnAir test: channel main is ${state}`,
    });
  });

  test('a late RUNNING after IDLE (out-of-order delivery) changes nothing and notifies nothing', async () => {
    // A table that applies the write's condition to the stored stateAt.
    let stored: string | undefined;
    ddb.on(UpdateCommand).callsFake((input) => {
      const t = input.ExpressionAttributeValues[':t'] as string;
      expect(input.ConditionExpression).toBe('attribute_not_exists(stateAt) OR stateAt <= :t');
      if (stored !== undefined && stored > t) throw awsError('ConditionalCheckFailedException');
      stored = t;
      return {};
    });
    await handler({ ...stateChange('1234567', 'IDLE'), time: '2024-03-08T19:00:10Z' });
    await handler({ ...stateChange('1234567', 'RUNNING', 1), time: '2024-03-08T18:59:50Z' });
    expect(stored).toBe('2024-03-08T19:00:10Z');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: 'OnAir test: channel main is IDLE' });
    // In order, both apply.
    await handler({ ...stateChange('1234567', 'RUNNING', 1), time: '2024-03-08T19:05:00Z' });
    expect(stored).toBe('2024-03-08T19:05:00Z');
  });

  test('a DynamoDB fault on a state write propagates so EventBridge retries', async () => {
    ddb.on(UpdateCommand).rejects(awsError('InternalServerError', 500, 'server'));
    await expect(handler(stateChange('1234567', 'RUNNING', 1))).rejects.toThrow();
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('a channel of another deployment is ignored', async () => {
    await handler(stateChange('999', 'RUNNING'));
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});

describe('alerts', () => {
  test.each([
    ['Failed to Create Output File or Socket', true],
    ['Output Failure', true],
    ['RTMP Has No Audio/Video', false],
    ['Video Not Detected', false],
    ['Input Loss', false],
    ['Initial Probe Taking Longer Than Expected', false],
    ['SCTE-35 input data could not be processed', false],
    ['Audio Not Detected', false],
  ])('"%s" SET opens the alert and notifies; restart-eligible: %s', async (type, restartable) => {
    expect(isRestartableAlert(type)).toBe(restartable);
    await handler(alert('1234567', type, 'SET', '0', 'id-1'));
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { channelId: 'main' },
      UpdateExpression: 'SET openAlerts.#id = :a, lastAlert = :l, lastChange = :t',
      ConditionExpression: 'attribute_exists(openAlerts)',
      ExpressionAttributeNames: { '#id': 'id-1' },
      ExpressionAttributeValues: {
        ':a': { type, pipeline: '0', message: `${type} on pipeline 0`, since: '2024-03-08T18:14:25Z' },
        ':l': {
          type,
          pipeline: '0',
          message: `${type} on pipeline 0`,
          state: 'SET',
          at: '2024-03-08T18:14:25Z',
        },
        ':t': '2024-03-08T18:14:25Z',
      },
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: `OnAir test: ALERT on main (pipeline 0): ${type}`.slice(0, 100),
    });
    // "main" did not opt in to auto-restart.
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('the first alert on a record creates the openAlerts map, only if still absent', async () => {
    ddb
      .on(UpdateCommand, { ConditionExpression: 'attribute_exists(openAlerts)' })
      .rejects(awsError('ConditionalCheckFailedException'));
    await handler(alert('1234567', 'Video Not Detected', 'SET', '0', 'id-2'));
    expect(updates()).toHaveLength(2);
    expect(updates()[1]).toMatchObject({
      UpdateExpression: 'SET openAlerts = :m, lastAlert = :l, lastChange = :t',
      ConditionExpression: 'attribute_not_exists(openAlerts)',
      ExpressionAttributeValues: {
        ':m': { 'id-2': expect.objectContaining({ type: 'Video Not Detected' }) },
      },
    });
  });

  test('two concurrent first alerts both end up open (no lost update)', async () => {
    // A record without openAlerts; both events read "absent" before either creates the map.
    let map: Record<string, unknown> | undefined;
    let raced = false;
    ddb.on(UpdateCommand).callsFake((input) => {
      const cond = input.ConditionExpression;
      if (cond === 'attribute_exists(openAlerts)') {
        if (map === undefined) {
          // The other event's map creation lands right after this check fails.
          if (!raced) {
            raced = true;
            map = { 'id-other': { type: 'Video Not Detected' } };
          }
          throw awsError('ConditionalCheckFailedException');
        }
        map = { ...map, [input.ExpressionAttributeNames['#id']]: input.ExpressionAttributeValues[':a'] };
        return {};
      }
      if (cond === 'attribute_not_exists(openAlerts)' && map !== undefined)
        throw awsError('ConditionalCheckFailedException');
      // An unconditional `SET openAlerts = :m` would overwrite the other event's map.
      if (input.UpdateExpression.startsWith('SET openAlerts = :m'))
        map = input.ExpressionAttributeValues[':m'];
      return {};
    });
    await handler(alert('1234567', 'RTMP Stream Not Found', 'SET', '0', 'id-mine'));
    expect(Object.keys(map ?? {}).sort()).toEqual(['id-mine', 'id-other']);
    expect(updates().map((u) => u.ConditionExpression)).toEqual([
      'attribute_exists(openAlerts)',
      'attribute_not_exists(openAlerts)',
      'attribute_exists(openAlerts)',
    ]);
  });

  test('a DynamoDB fault while creating the map propagates (EventBridge retries)', async () => {
    ddb
      .on(UpdateCommand, { ConditionExpression: 'attribute_exists(openAlerts)' })
      .rejects(awsError('ConditionalCheckFailedException'));
    ddb
      .on(UpdateCommand, { ConditionExpression: 'attribute_not_exists(openAlerts)' })
      .rejects(awsError('InternalServerError', 500, 'server'));
    await expect(handler(alert('1234567', 'Video Not Detected', 'SET'))).rejects.toThrow();
  });

  test.each([
    ['Failed to Create Output File or Socket', ''],
    // Input is back: stamped for idle auto-stop, which must not trust lagging metrics alone.
    ['RTMP Has No Audio/Video', ', inputClearedAt = :t'],
    ['Initial Probe Taking Longer Than Expected', ', inputClearedAt = :t'],
  ])('"%s" CLEARED removes the alert and notifies', async (type, stamp) => {
    await handler(alert('1234567', type, 'CLEARED', '0', 'id-1'));
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: `REMOVE openAlerts.#id SET lastAlert = :l, lastChange = :t${stamp}`,
      ExpressionAttributeNames: { '#id': 'id-1' },
      ExpressionAttributeValues: expect.objectContaining({ ':t': '2024-03-08T18:14:25Z' }),
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Subject: `OnAir test: cleared on main (pipeline 0): ${type}`,
    });
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('CLEARED without an openAlerts map only records the last alert', async () => {
    ddb
      .on(UpdateCommand, { ConditionExpression: 'attribute_exists(openAlerts)' })
      .rejects(awsError('ConditionalCheckFailedException'));
    await handler(alert('1234567', 'Video Not Detected', 'CLEARED'));
    expect(updates()[1]?.UpdateExpression).toBe('SET lastAlert = :l, lastChange = :t, inputClearedAt = :t');
  });

  test('a DynamoDB failure propagates so EventBridge retries the event', async () => {
    ddb.on(UpdateCommand).rejects(awsError('ProvisionedThroughputExceededException', 400));
    await expect(handler(alert('1234567', 'Video Not Detected', 'SET'))).rejects.toThrow();
  });
});

describe('auto-restart (opt-in, at most once per 15 minutes per channel)', () => {
  const restartClaim = {
    TableName: 'status-table',
    Key: { channelId: 'studio' },
    UpdateExpression: 'SET lastRestartAt = :now',
    ConditionExpression: 'attribute_not_exists(lastRestartAt) OR lastRestartAt <= :cutoff',
  };

  test('claims the slot with a conditional write, then restarts exactly the failed pipeline', async () => {
    const before = Date.now();
    await handler(alert('2345678', 'Failed to Create Output File or Socket', 'SET', '1'));
    const claim = updates().find((u) => u.UpdateExpression === 'SET lastRestartAt = :now');
    expect(claim).toMatchObject(restartClaim);
    const now = claim?.ExpressionAttributeValues?.[':now'] as number;
    expect(now).toBeGreaterThanOrEqual(before);
    expect(claim?.ExpressionAttributeValues?.[':cutoff']).toBe(now - RESTART_INTERVAL_MS);
    expect(ml).toHaveReceivedCommandWith(RestartChannelPipelinesCommand, {
      ChannelId: '2345678',
      PipelineIds: ['PIPELINE_1'],
    });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      'the pipeline was restarted',
    );
  });

  test.each<ChannelState>(['STOPPING', 'IDLE', 'STARTING'])(
    'on a %s channel: neither claims the slot nor restarts',
    async (state) => {
      ml.on(DescribeChannelCommand).resolves({ State: state });
      await handler(alert('2345678', 'Failed to Create Output File or Socket', 'SET', '1'));
      expect(ml).toHaveReceivedCommandWith(DescribeChannelCommand, { ChannelId: '2345678' });
      expect(updates().some((u) => u.UpdateExpression === 'SET lastRestartAt = :now')).toBe(false);
      expect(ml).not.toHaveReceivedCommand(RestartChannelPipelinesCommand);
      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
        'Automatic restart skipped: the channel is not running',
      );
    },
  );

  test('a RECOVERING channel may be restarted', async () => {
    ml.on(DescribeChannelCommand).resolves({ State: 'RECOVERING' });
    await handler(alert('2345678', 'Failed to Create Output File or Socket', 'SET', '0'));
    expect(ml).toHaveReceivedCommandWith(RestartChannelPipelinesCommand, { PipelineIds: ['PIPELINE_0'] });
  });

  test('DescribeChannel throttled: reported as failed, no slot claimed, no restart, no throw', async () => {
    ml.on(DescribeChannelCommand).rejects(awsError('TooManyRequestsException', 429));
    await handler(alert('2345678', 'Failed to Create Output File or Socket', 'SET', '0'));
    expect(updates().some((u) => u.UpdateExpression === 'SET lastRestartAt = :now')).toBe(false);
    expect(ml).not.toHaveReceivedCommand(RestartChannelPipelinesCommand);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('Automatic restart failed');
  });

  test('a restart within 15 minutes is refused by the condition: no RestartChannelPipelines', async () => {
    ddb
      .on(UpdateCommand, { UpdateExpression: 'SET lastRestartAt = :now' })
      .rejects(awsError('ConditionalCheckFailedException'));
    await handler(alert('2345678', 'Failed to Create Output File or Socket', 'SET', '0'));
    expect(ml).not.toHaveReceivedCommand(RestartChannelPipelinesCommand);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      'restarted less than 15 minutes ago',
    );
  });

  test('input alerts never restart, even on an opted-in channel', async () => {
    await handler(alert('2345678', 'RTMP Has No Audio/Video', 'SET', '0'));
    expect(updates().some((u) => u.UpdateExpression === 'SET lastRestartAt = :now')).toBe(false);
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('a CLEARED alert never restarts', async () => {
    await handler(alert('2345678', 'Failed to Create Output File or Socket', 'CLEARED', '0'));
    expect(ml).not.toHaveReceivedAnyCommand();
  });

  test('a failed restart is reported, not thrown (the slot stays used)', async () => {
    ml.on(RestartChannelPipelinesCommand).rejects(awsError('BadRequestException'));
    await handler(alert('2345678', 'Failed to Create Output File or Socket', 'SET', '0'));
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('Automatic restart failed');
  });
});

describe('alarm notifications via SNS', () => {
  test('ALARM opens an alert on the channel named in the description and goes to the webhook only', async () => {
    await handler(
      alarmNotification(
        'OnAir-test-InputLoss0',
        '[onair:main] input loss (seconds per minute) on pipeline 0',
        'ALARM',
      ),
    );
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { channelId: 'main' },
      UpdateExpression: 'SET openAlerts.#id = :a, lastAlert = :l, lastChange = :t',
      ExpressionAttributeNames: { '#id': 'alarm:OnAir-test-InputLoss0' },
    });
    // SNS already emailed the alarm itself.
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(JSON.parse(fetchMock.mock.calls[0][1].body).text).toContain('ALARM input loss');
  });

  test('OK clears the alert', async () => {
    await handler(alarmNotification('OnAir-test-InputLoss0', '[onair:main] input loss', 'OK'));
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'REMOVE openAlerts.#id SET lastAlert = :l, lastChange = :t',
      ExpressionAttributeNames: { '#id': 'alarm:OnAir-test-InputLoss0' },
    });
  });

  test('a CDN alarm touches no channel record', async () => {
    await handler(alarmNotification('OnAir-test-edge-5xx', '[onair:cdn] CloudFront 5xx error rate', 'ALARM'));
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(JSON.parse(fetchMock.mock.calls[0][1].body).text).toContain('(CDN)');
  });

  test('INSUFFICIENT_DATA is ignored', async () => {
    await handler(alarmNotification('x', '[onair:main] input loss', 'INSUFFICIENT_DATA'));
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('webhook', () => {
  test('a placeholder secret (not an https URL) turns the webhook off', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'Xk2pplaceholder' });
    await handler(stateChange('1234567', 'RUNNING', 1));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('a failing webhook never fails the notification', async () => {
    fetchMock.mockRejectedValue(new Error('ECONNRESET'));
    await expect(handler(stateChange('1234567', 'RUNNING', 1))).resolves.toBeUndefined();
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('the secret is read once per container (cached)', async () => {
    await handler(stateChange('1234567', 'RUNNING', 1));
    await handler(stateChange('1234567', 'IDLE', 0));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:hook-AbCdEf',
    });
  });
});

test('a malformed event is logged and dropped (not retried)', async () => {
  await expect(handler({ 'detail-type': 'Something else' })).resolves.toBeUndefined();
  expect(ddb).not.toHaveReceivedAnyCommand();
});
