import {
  cloudWatchClient,
  dynamoDbDocumentClient,
  mediaLiveClient,
  secretsManagerClient,
  snsClient,
} from '../shared/clients';
import { Env, IDLE_STOP_ENV, readEnv } from '../shared/contract';
import { countMetric, logger, OnAirMetric, withLambdaContext } from '../shared/powertools';
import { loadRegistry } from '../shared/registry';
import * as z from '../shared/zod';
import { type ChannelOutcome, checkIdleChannels, type IdleStopDeps } from './idle-stop';

const medialive = mediaLiveClient({ maxAttempts: 4 });
const cloudwatch = cloudWatchClient({ maxAttempts: 4 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });
const sns = snsClient({ maxAttempts: 4 });
const secrets = secretsManagerClient({ maxAttempts: 4 });

const idleMinutes = z.record(z.string(), z.int().check(z.minimum(0)));

let deps: IdleStopDeps | undefined;
function dependencies(): IdleStopDeps {
  if (deps) return deps;
  const env = readEnv(IDLE_STOP_ENV);
  deps = {
    medialive,
    cloudwatch,
    ddb,
    notifier: {
      sns,
      topicArn: env[Env.TOPIC_ARN],
      secrets,
      webhookSecretArn: env[Env.WEBHOOK_SECRET_ARN],
      log: logger,
    },
    registry: loadRegistry(),
    idleMinutes: idleMinutes.parse(JSON.parse(env[Env.IDLE_MINUTES])),
    statusTable: env[Env.STATUS_TABLE],
    stage: env[Env.STAGE],
    log: logger,
  };
  return deps;
}

/** Runs every 5 minutes (EventBridge schedule); the event carries nothing this function needs. */
export const handler = withLambdaContext(async (): Promise<{ channels: ChannelOutcome[] }> => {
  const channels = await checkIdleChannels(dependencies());
  for (const c of channels) if (c.stopped) countMetric(OnAirMetric.CHANNELS_AUTO_STOPPED, c.channelId);
  return { channels };
});

export { cloudwatch, ddb, medialive, secrets, sns };
