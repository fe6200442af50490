import { redactedFailure } from '../../shared/errors';
import { countMetric, logger, OnAirMetric, withLambdaContext } from '../../shared/powertools';
import { RotationRefused } from '../errors';
import { credentialOf } from '../kinds';
import { RotationStep, runStep } from '../protocol';
import { clients, registry } from './runtime';

/** What Secrets Manager sends a rotation function. */
export interface RotationEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  /** The version being rotated to: 32 to 64 characters. */
  readonly ClientRequestToken: string;
}

const STEPS: readonly unknown[] = Object.values(RotationStep);

/** The rotation request in `event`, or the first field that does not fit. */
export function parseRotationEvent(
  event: unknown,
): { readonly ok: true; readonly value: RotationEvent } | { readonly ok: false; readonly problem: string } {
  const fail = (problem: string) => ({ ok: false as const, problem });
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return fail('the event is not an object');
  const { Step, SecretId, ClientRequestToken } = event as Record<string, unknown>;
  if (!STEPS.includes(Step))
    return fail(`Step: expected one of ${STEPS.join(', ')}, got ${JSON.stringify(Step)}`);
  if (typeof SecretId !== 'string' || SecretId === '')
    return fail(`SecretId: expected a non-empty string, got ${JSON.stringify(SecretId)}`);
  if (
    typeof ClientRequestToken !== 'string' ||
    ClientRequestToken.length < 32 ||
    ClientRequestToken.length > 64
  )
    return fail('ClientRequestToken: expected a string of 32 to 64 characters');
  return { ok: true, value: { Step: Step as RotationStep, SecretId, ClientRequestToken } };
}

/**
 * Secrets Manager rotation function for ingest credentials, stream keys and SRT passphrases alike
 * (createSecret, setSecret, testSecret, finishSecret). The channel is found from the secret ARN in the registry. A refused step
 * throws: Secrets Manager marks the attempt failed and retries.
 */
export const rotation = withLambdaContext(async (event: unknown): Promise<void> => {
  const parsed = parseRotationEvent(event);
  if (!parsed.ok) {
    logger.error('not a Secrets Manager rotation request', { problem: parsed.problem });
    throw new RotationRefused('not a Secrets Manager rotation request');
  }
  const { Step, SecretId, ClientRequestToken } = parsed.value;
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
