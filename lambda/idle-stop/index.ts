import { cloudWatchClient, dynamoDbDocumentClient, mediaLiveClient } from '../shared/clients';
import { Env, IDLE_STOP_ENV, readEnv } from '../shared/contract';
import { countMetric, logger, OnAirMetric, withLambdaContext } from '../shared/powertools';
import { loadRegistry } from '../shared/registry';
import { type ChannelOutcome, checkIdleChannels, type IdleStopDeps } from './idle-stop';

const medialive = mediaLiveClient({ maxAttempts: 4 });
const cloudwatch = cloudWatchClient({ maxAttempts: 4 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });

/** Channel id → idle minutes, as lib/constructs/operations/channel-control.ts writes it (a deployment error if not). */
export function parseIdleMinutes(raw: string): Record<string, number> {
  const value: unknown = JSON.parse(raw);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${Env.IDLE_MINUTES} is not a JSON object`);
  for (const [id, minutes] of Object.entries(value))
    if (!Number.isInteger(minutes) || (minutes as number) < 0)
      throw new Error(
        `${Env.IDLE_MINUTES}: ${id} must be a whole number of minutes ≥ 0, got ${JSON.stringify(minutes)}`,
      );
  return value as Record<string, number>;
}

let deps: IdleStopDeps | undefined;
function dependencies(): IdleStopDeps {
  if (deps) return deps;
  const env = readEnv(IDLE_STOP_ENV);
  deps = {
    medialive,
    cloudwatch,
    ddb,
    registry: loadRegistry(),
    idleMinutes: parseIdleMinutes(env[Env.IDLE_MINUTES]),
    statusTable: env[Env.STATUS_TABLE],
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

export { cloudwatch, ddb, medialive };
