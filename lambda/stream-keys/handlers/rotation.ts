import { redactedFailure } from '../../shared/errors';
import { countMetric, logger, OnAirMetric, withLambdaContext } from '../../shared/powertools';
import * as z from '../../shared/zod';
import { RotationRefused } from '../errors';
import { credentialOf } from '../kinds';
import { RotationStep, runStep } from '../protocol';
import { clients, registry } from './runtime';

/** What Secrets Manager sends a rotation function. */
export const rotationEvent = z.object({
  Step: z.enum(RotationStep),
  SecretId: z.string().check(z.minLength(1)),
  ClientRequestToken: z.string().check(z.minLength(32), z.maxLength(64)),
});

/**
 * Secrets Manager rotation function for ingest credentials, stream keys and SRT passphrases alike
 * (createSecret, setSecret, testSecret, finishSecret). The channel is found from the secret ARN in the registry. A refused step
 * throws: Secrets Manager marks the attempt failed and retries.
 */
export const rotation = withLambdaContext(async (event: unknown): Promise<void> => {
  const parsed = rotationEvent.safeParse(event);
  if (!parsed.success) {
    logger.error('not a Secrets Manager rotation request', {
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
    throw new RotationRefused('not a Secrets Manager rotation request');
  }
  const { Step, SecretId, ClientRequestToken } = parsed.data;
  const reg = await registry();
  const channelId = Object.keys(reg).find((id) => {
    const e = reg[id];
    return e !== undefined && credentialOf(id, e).kind.secretArn(e) === SecretId;
  });
  const entry = channelId === undefined ? undefined : reg[channelId];
  if (channelId === undefined || entry === undefined) {
    logger.error('secret is not the stream key of any channel of this deployment', { secretId: SecretId });
    throw new RotationRefused('secret is not a stream key of this deployment');
  }
  logger.info('rotation step', { channelId, step: Step, versionId: ClientRequestToken });
  try {
    await runStep({ clients, logger }, Step, {
      credential: credentialOf(channelId, entry),
      token: ClientRequestToken,
    });
    if (Step === RotationStep.FINISH) countMetric(OnAirMetric.STREAM_KEY_ROTATIONS, channelId);
  } catch (err) {
    throw redactedFailure(err, logger, { channelId, step: Step });
  }
});
