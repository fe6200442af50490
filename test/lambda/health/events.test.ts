import { parseAlarmMessage, parseHealthEvent } from '../../../lambda/health/events';
import { DOCUMENTED_STATE_CHANGE } from '../medialive-events';
import { alarmNotification, alert, stateChange } from './events';

describe('parseHealthEvent: the events the health function reads, checked field by field', () => {
  test.each([
    ['the documented state-change example', DOCUMENTED_STATE_CHANGE],
    ['a state change built from it', stateChange('1234567', 'STOPPED', 0)],
    ['an alert', alert('1234567', 'RTMP Stream Not Found', 'SET')],
    [
      'an alert with a numeric pipeline',
      {
        ...alert('1234567', 'X', 'CLEARED'),
        detail: { ...alert('1234567', 'X', 'CLEARED').detail, pipeline: 1 },
      },
    ],
    ['an alarm notification from SNS', alarmNotification('a', '[onair:main] input loss', 'ALARM')],
  ])('accepts %s as it is', (_name, event) => {
    expect(parseHealthEvent(event)).toEqual({ ok: true, value: event });
  });

  const change = stateChange('1234567', 'RUNNING', 1);
  const alerted = alert('1234567', 'RTMP Stream Not Found', 'SET');
  test.each([
    ['not an object', 'x', 'the event is not an object'],
    ['another detail-type', { 'detail-type': 'Something else' }, 'detail-type: unexpected "Something else"'],
    ['another source', { ...change, source: 'aws.ec2' }, 'source: unexpected "aws.ec2"'],
    ['no detail', { ...change, detail: undefined }, 'detail: expected an object'],
    [
      'no state',
      { ...change, detail: { ...change.detail, state: undefined } },
      'detail.state: unexpected undefined',
    ],
    [
      'a fractional pipeline count',
      { ...change, detail: { ...change.detail, pipelines_running_count: 1.5 } },
      'detail.pipelines_running_count: unexpected 1.5',
    ],
    [
      'an unknown alarm state',
      { ...alerted, detail: { ...alerted.detail, alarm_state: 'MAYBE' } },
      'detail.alarm_state: unexpected "MAYBE"',
    ],
    [
      'an empty alarm id',
      { ...alerted, detail: { ...alerted.detail, alarm_id: '' } },
      'detail.alarm_id: unexpected ""',
    ],
    ['no SNS records', { Records: [] }, 'Records: expected SNS records'],
    [
      'a record from elsewhere',
      { Records: [{ EventSource: 'aws:sqs', Sns: { Message: '{}' } }] },
      'Records.0.EventSource: unexpected "aws:sqs"',
    ],
    [
      'a record without a message',
      { Records: [{ EventSource: 'aws:sns', Sns: {} }] },
      'Records.0.Sns.Message: unexpected undefined',
    ],
  ])('refuses %s, naming the field', (_name, event, problem) => {
    expect(parseHealthEvent(event)).toEqual({ ok: false, problem });
  });
});

describe('parseAlarmMessage', () => {
  const message = JSON.parse(
    alarmNotification('a', '[onair:main] input loss', 'OK').Records[0]?.Sns.Message ?? '',
  );

  test('accepts a CloudWatch alarm notification (a null description too)', () => {
    expect(parseAlarmMessage(message)).toEqual({ ok: true, value: message });
    expect(parseAlarmMessage({ ...message, AlarmDescription: null }).ok).toBe(true);
  });

  test.each([
    [{ ...message, NewStateValue: 'MAYBE' }, 'NewStateValue: unexpected "MAYBE"'],
    [{ ...message, AlarmName: undefined }, 'AlarmName: unexpected undefined'],
    ['plain text', 'not an object'],
  ])('refuses %j', (value, problem) => {
    expect(parseAlarmMessage(value)).toEqual({ ok: false, problem });
  });
});
