import { dynamoDbDocumentClient, mediaLiveClient, secretsManagerClient, snsClient } from '../shared/clients';
import { Env, HEALTH_ENV, readEnv } from '../shared/contract';
import { logger, withLambdaContext } from '../shared/powertools';
import { environmentRegistry, type RegistryReader } from '../shared/registry';
import { parseAlarmMessage, parseHealthEvent } from './events';
import { type HealthDeps, onAlarm, onAlert, onStateChange } from './health';

const medialive = mediaLiveClient({ maxAttempts: 4 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });
const sns = snsClient({ maxAttempts: 4 });
const secrets = secretsManagerClient({ maxAttempts: 3 });

let registry: RegistryReader | undefined;
async function dependencies(): Promise<HealthDeps> {
  const env = readEnv(HEALTH_ENV);
  registry ??= environmentRegistry(ddb);
  const channels = await registry.all();
  return {
    ddb,
    medialive,
    notifier: {
      sns,
      topicArn: env[Env.TOPIC_ARN],
      secrets,
      webhookSecretArn: env[Env.WEBHOOK_SECRET_ARN],
      log: logger,
    },
    registry: channels,
    statusTable: env[Env.STATUS_TABLE],
    stage: env[Env.STAGE],
    // Opted in per channel (config autoRestart), carried by its registry entry.
    autoRestart: new Set(
      Object.values(channels)
        .filter((c) => c.autoRestart)
        .map((c) => c.channelId),
    ),
    log: logger,
  };
}

/** EventBridge (MediaLive state changes and alerts) and SNS (CloudWatch alarms) in, status record and notifications out. */
export const handler = withLambdaContext(async (event: unknown): Promise<void> => {
  const parsed = parseHealthEvent(event);
  if (!parsed.ok) {
    // Not retryable: a malformed event would fail the same way again.
    logger.error('unrecognised event', { problem: parsed.problem });
    return;
  }
  const e = parsed.value;
  const d = await dependencies();
  if ('Records' in e) {
    for (const record of e.Records) {
      let json: unknown;
      try {
        json = JSON.parse(record.Sns.Message);
      } catch {
        logger.warn('SNS message is not an alarm notification');
        continue;
      }
      const alarm = parseAlarmMessage(json);
      if (alarm.ok) await onAlarm(d, alarm.value);
      else logger.warn('SNS message is not an alarm notification', { problem: alarm.problem });
    }
    return;
  }
  if (e['detail-type'] === 'MediaLive Channel State Change') await onStateChange(d, e);
  else await onAlert(d, e);
});

export { ddb, medialive, secrets, sns };
