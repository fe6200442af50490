import { dynamoDbDocumentClient, mediaPackageClient } from '../shared/clients';
import { Env, RECORDINGS_ENV, readEnv } from '../shared/contract';
import { logger, withLambdaContext } from '../shared/powertools';
import { environmentRegistry, type RegistryReader } from '../shared/registry';
import { onHarvestFailed, onStateChange, parseRecorderEvent } from './events';
import { type RecorderDeps, sweep } from './recorder';

const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });
const mediapackage = mediaPackageClient({ maxAttempts: 4 });

let registry: RegistryReader | undefined;

async function dependencies(): Promise<RecorderDeps> {
  const env = readEnv(RECORDINGS_ENV);
  registry ??= environmentRegistry(ddb);
  return {
    ddb,
    mediapackage,
    registry: await registry.all(),
    config: {
      bucket: env[Env.ARCHIVE_BUCKET],
      roleArn: env[Env.HARVEST_ROLE_ARN],
      table: env[Env.RECORDINGS_TABLE],
      partSeconds: Number(env[Env.RECORDING_PART_SECONDS]),
      startoverSeconds: Number(env[Env.STARTOVER_SECONDS]),
      publishByDefault: env[Env.PUBLISH_BY_DEFAULT] === 'true',
      ...(env[Env.RECORDING_EXPIRE_DAYS] === undefined
        ? {}
        : { expireAfterDays: Number(env[Env.RECORDING_EXPIRE_DAYS]) }),
      statusTable: env[Env.STATUS_TABLE],
    },
    now: () => new Date(),
    log: logger,
  };
}

/**
 * EventBridge in (MediaLive state changes, failed harvest jobs of recording parts, the sweep
 * schedule), the recordings index and harvest jobs out. A failure throws: Lambda retries the
 * asynchronous invocation, then the event goes to the dead-letter queue, which alarms.
 */
export const handler = withLambdaContext(async (event: unknown): Promise<void> => {
  const parsed = parseRecorderEvent(event);
  if (!parsed.ok) {
    logger.error('unrecognised event', { problem: parsed.problem });
    return;
  }
  const e = parsed.value;
  const d = await dependencies();
  if (e['detail-type'] === 'Scheduled Event') await sweep(d);
  else if (e['detail-type'] === 'MediaLive Channel State Change') await onStateChange(d, e);
  else await onHarvestFailed(d, e);
});

export { ddb, mediapackage };
