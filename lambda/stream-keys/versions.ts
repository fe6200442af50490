import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  type SecretsManagerClient,
  type SecretVersionsListEntry,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Log } from '../shared/powertools';

/** Secrets Manager's staging labels: the value in use, and the one a rotation is installing. */
export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';

/** The AWSCURRENT value of a secret. */
export async function currentValue(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  const out = await secrets.send(
    new GetSecretValueCommand({ SecretId: secretArn, VersionStage: AWSCURRENT }),
  );
  if (out.SecretString === undefined) throw new Error('the secret has no string value');
  return out.SecretString;
}

/** Every version of a secret that carries a staging label. */
export async function listVersions(
  secrets: SecretsManagerClient,
  secretArn: string,
): Promise<SecretVersionsListEntry[]> {
  const versions: SecretVersionsListEntry[] = [];
  let token: string | undefined;
  do {
    const out = await secrets.send(
      new ListSecretVersionIdsCommand({ SecretId: secretArn, NextToken: token, MaxResults: 100 }),
    );
    versions.push(...(out.Versions ?? []));
    token = out.NextToken;
  } while (token);
  return versions;
}

export function versionWith(versions: SecretVersionsListEntry[], stage: string): string | undefined {
  return versions.find((v) => v.VersionStages?.includes(stage))?.VersionId;
}

/** The value of one version, or undefined when the version has none (Secrets Manager's own AWSPENDING starts empty). */
export async function versionValue(
  secrets: SecretsManagerClient,
  secretArn: string,
  versionId: string,
): Promise<string | undefined> {
  try {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn, VersionId: versionId }));
    return out.SecretString;
  } catch (err) {
    if ((err as Error)?.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

export interface StagedRotation {
  readonly versionId: string;
  readonly value: string;
}

/**
 * An unfinished rotation: an AWSPENDING version that is not AWSCURRENT and holds a value other
 * than the current one. An empty AWSPENDING (Secrets Manager's own before createSecret) or one
 * repeating the current value is not worth finishing.
 */
export async function stagedRotation(
  secrets: SecretsManagerClient,
  secretArn: string,
  versions: SecretVersionsListEntry[],
  currentVersionId: string,
): Promise<StagedRotation | undefined> {
  const versionId = versions.find(
    (v) => v.VersionStages?.includes(AWSPENDING) && !v.VersionStages.includes(AWSCURRENT),
  )?.VersionId;
  if (versionId === undefined) return undefined;
  const [value, current] = await Promise.all([
    versionValue(secrets, secretArn, versionId),
    versionValue(secrets, secretArn, currentVersionId),
  ]);
  if (value === undefined || value === current) return undefined;
  return { versionId, value };
}

/** Removes AWSPENDING from a version (best effort: a leftover label is finished or replaced by the next rotation). */
export async function unstage(
  secrets: SecretsManagerClient,
  channelId: string,
  secretArn: string,
  versionId: string,
  logger: Log,
): Promise<void> {
  try {
    await secrets.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretArn,
        VersionStage: AWSPENDING,
        RemoveFromVersionId: versionId,
      }),
    );
  } catch (err) {
    logger.warn('could not remove AWSPENDING (the next rotation replaces it)', {
      channelId,
      versionId,
      errorName: (err as Error)?.name,
    });
  }
}
