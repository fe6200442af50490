import { channelArn, REGION } from '../fixtures';
import { stateChangeFromExample } from '../medialive-events';

/**
 * A "MediaLive Channel State Change" event for a channel: the MediaLive User Guide's example
 * (test/lambda/medialive-events.ts) with the channel, state, running pipelines and message set.
 */
export function stateChange(mlId: string, state: string, pipelines = 0, message?: string) {
  return stateChangeFromExample({
    channelArn: channelArn(mlId),
    state,
    pipelinesRunning: pipelines,
    message,
  });
}

/** A "MediaLive Channel Alert" event in the shape of the MediaLive user guide's example. */
export function alert(
  mlId: string,
  alertType: string,
  state: 'SET' | 'CLEARED',
  pipeline = '0',
  alarmId = 'a7ad616bd3898',
) {
  return {
    version: '0',
    id: '154769fb-9f7c-32a1-6822-26f0000e5a58',
    'detail-type': 'MediaLive Channel Alert',
    source: 'aws.medialive',
    account: '111122223333',
    time: '2024-03-08T18:14:25Z',
    region: REGION,
    resources: [channelArn(mlId)],
    detail: {
      alarm_state: state,
      alarm_id: alarmId,
      alert_type: alertType,
      pipeline,
      channel_arn: channelArn(mlId),
      message: `${alertType} on pipeline ${pipeline}`,
    },
  };
}

/** A CloudWatch alarm state change as SNS delivers it to Lambda. */
export function alarmNotification(
  name: string,
  description: string,
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA',
) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-west-2:111122223333:alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          TopicArn: 'arn:aws:sns:us-west-2:111122223333:alerts',
          Subject: `ALARM: "${name}"`,
          Message: JSON.stringify({
            AlarmName: name,
            AlarmDescription: description,
            AWSAccountId: '111122223333',
            NewStateValue: state,
            NewStateReason:
              'Threshold Crossed: 3 datapoints were greater than or equal to the threshold (1.0).',
            StateChangeTime: '2024-03-08T18:20:00.000+0000',
            Region: 'US West (Oregon)',
            OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
            Trigger: { MetricName: 'InputLossSeconds', Namespace: 'AWS/MediaLive', Statistic: 'SUM' },
          }),
          Timestamp: '2024-03-08T18:20:00.000Z',
        },
      },
    ],
  };
}
