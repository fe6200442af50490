import { cloudWatchClient, dynamoDbDocumentClient, mediaLiveClient } from '../shared/clients';
import { Env, IDLE_STOP_ENV, readEnv } from '../shared/contract';
import { countMetric, logger, OnAirMetric, withLambdaContext } from '../shared/powertools';
import { environmentRegistry, type RegistryReader } from '../shared/registry';
import { type ChannelOutcome, checkIdleChannels, type IdleStopDeps } from './idle-stop';

const medialive = mediaLiveClient({ maxAttempts: 4 });
const cloudwatch = cloudWatchClient({ maxAttempts: 4 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });

let registry: RegistryReader | undefined;
async function dependencies(): Promise<IdleStopDeps> {
  const env = readEnv(IDLE_STOP_ENV);
  registry ??= environmentRegistry(ddb);
  const channels = await registry.all();
  return {
    medialive,
    cloudwatch,
    ddb,
    registry: channels,
    // Each channel's idle window comes with its registry entry (config autoStopIdleMinutes).
    idleMinutes: Object.fromEntries(Object.values(channels).map((c) => [c.channelId, c.idleMinutes])),
    statusTable: env[Env.STATUS_TABLE],
    log: logger,
  };
}

/** Runs every 5 minutes (EventBridge schedule); the event carries nothing this function needs. */
export const handler = withLambdaContext(async (): Promise<{ channels: ChannelOutcome[] }> => {
  const channels = await checkIdleChannels(await dependencies());
  for (const c of channels) if (c.stopped) countMetric(OnAirMetric.CHANNELS_AUTO_STOPPED, c.channelId);
  return { channels };
});

export { cloudwatch, ddb, medialive };
