import {
  cloudWatchClient,
  dynamoDbDocumentClient,
  mediaLiveClient,
  secretsManagerClient,
  snsClient,
} from '../shared/clients';
import { TOPIC_ARN_ENV, WEBHOOK_SECRET_ENV } from '../shared/notify';
import { countMetric, logger, OnAirMetric } from '../shared/powertools';
import { loadRegistry } from '../shared/registry';
import { STATUS_TABLE_ENV } from '../shared/status';
import * as z from '../shared/zod';
import { type ChannelOutcome, checkIdleChannels, type IdleStopDeps } from './idle-stop';

export const IDLE_MINUTES_ENV = 'ONAIR_IDLE_MINUTES';
export const STAGE_ENV = 'ONAIR_STAGE';

const medialive = mediaLiveClient({ maxAttempts: 4 });
const cloudwatch = cloudWatchClient({ maxAttempts: 4 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });
const sns = snsClient({ maxAttempts: 4 });
const secrets = secretsManagerClient({ maxAttempts: 4 });

const idleMinutes = z.record(z.string(), z.int().check(z.minimum(0)));

let deps: IdleStopDeps | undefined;
function dependencies(): IdleStopDeps {
  deps = deps ?? {
    medialive,
    cloudwatch,
    ddb,
    notifier: {
      sns,
      topicArn: process.env[TOPIC_ARN_ENV] ?? '',
      secrets,
      webhookSecretArn: process.env[WEBHOOK_SECRET_ENV],
      log: logger,
    },
    registry: loadRegistry(),
    idleMinutes: idleMinutes.parse(JSON.parse(process.env[IDLE_MINUTES_ENV] ?? '{}')),
    statusTable: process.env[STATUS_TABLE_ENV] ?? '',
    stage: process.env[STAGE_ENV] ?? '',
    log: logger,
  };
  return deps;
}

/** Runs every 5 minutes (EventBridge schedule); the event carries nothing this function needs. */
export async function handler(): Promise<{ channels: ChannelOutcome[] }> {
  const channels = await checkIdleChannels(dependencies());
  for (const c of channels) if (c.stopped) countMetric(OnAirMetric.CHANNELS_AUTO_STOPPED, c.channelId);
  return { channels };
}

export { cloudwatch, ddb, medialive, secrets, sns };
