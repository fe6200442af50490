/**
 * The pending-rotation marker: an operator's rotation request made while the channel was live is
 * recorded as a tag on the secret ({@link PENDING_ROTATION_TAG}, value: ISO time of the request)
 * and applied when the channel is next idle. A tag, not a secret version: the SecretString must
 * stay the bare value (CloudFormation resolves it into the input), a tag creates no version and
 * needs no secret-value access to read, and no value is generated until the channel is idle (a
 * staged AWSPENDING version would make Secrets Manager treat a rotation as in progress for as long
 * as the channel stays live).
 */
import {
  DescribeSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../shared/contract';
import type { Log } from '../shared/powertools';

/** The time of the pending request, or undefined when none is pending. */
export async function pendingTagValue(
  secrets: SecretsManagerClient,
  secretArn: string,
): Promise<string | undefined> {
  const out = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
  return (out.Tags ?? []).find((t) => t.Key === PENDING_ROTATION_TAG)?.Value;
}

export async function isRotationPending(secrets: SecretsManagerClient, secretArn: string): Promise<boolean> {
  return (await pendingTagValue(secrets, secretArn)) !== undefined;
}

/** Records a rotation request (tag value: the request time); returns the value written. */
export async function markPending(
  secrets: SecretsManagerClient,
  secretArn: string,
  at: Date,
): Promise<string> {
  const value = at.toISOString();
  await secrets.send(
    new TagResourceCommand({ SecretId: secretArn, Tags: [{ Key: PENDING_ROTATION_TAG, Value: value }] }),
  );
  return value;
}

export async function clearPending(secrets: SecretsManagerClient, secretArn: string): Promise<void> {
  await secrets.send(new UntagResourceCommand({ SecretId: secretArn, TagKeys: [PENDING_ROTATION_TAG] }));
}

/**
 * Clears the pending tag after a rotation, but only if it still holds `seen` (the value read
 * before rotating): a request recorded meanwhile is newer than our value and must stay pending.
 * Never throws (the rotation is done); returns whether a request is still pending.
 */
export async function clearPendingIf(
  secrets: SecretsManagerClient,
  secretArn: string,
  seen: string | undefined,
  channelId: string,
  logger: Log,
): Promise<boolean> {
  try {
    const now = await pendingTagValue(secrets, secretArn);
    if (now === undefined) return false;
    if (now !== seen) {
      logger.info('a rotation was requested during this one; it stays pending', { channelId });
      return true;
    }
    await clearPending(secrets, secretArn);
    return false;
  } catch (err) {
    logger.error('credential rotated but the pending-rotation tag could not be cleared', {
      channelId,
      errorName: (err as Error)?.name,
    });
    return true;
  }
}
