import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  type CloudFrontClient,
  CreatePublicKeyCommand,
  DeletePublicKeyCommand,
  GetPublicKeyCommand,
  type KeyGroupSummary,
  ListKeyGroupsCommand,
  ListPublicKeysCommand,
} from '@aws-sdk/client-cloudfront';
import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { guardFromComment, type StoredSigningKey } from '../shared/signing-keys';

export interface KeyPair {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

/** CloudFront trusted key groups accept RSA-2048 (and ECDSA P-256) keys; RSA-2048 is what the signer defaults to. */
export function generateSigningKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** CloudFront public key ids look like "K2JCJMDEHXQW5F". */
const PUBLIC_KEY_ID = /^K[A-Z0-9]{6,}$/;

export function isPublicKeyId(value: string | undefined): value is string {
  return value !== undefined && PUBLIC_KEY_ID.test(value);
}

export interface CreateKeyInput {
  /** Unique per CloudFormation request, so a replay of the same request cannot register a second key. */
  readonly callerReference: string;
  /** `<prefix>-v<version>`; a random suffix keeps names unique across rollbacks. */
  readonly namePrefix: string;
  readonly version: number;
  readonly secretArn: string;
}

/**
 * Generates a key pair, registers the public key with CloudFront and stores the private key in
 * the version's secret. If the secret cannot be written, the public key is removed again so no
 * key exists whose private half is lost.
 */
export async function createSigningKey(
  cf: CloudFrontClient,
  sm: SecretsManagerClient,
  input: CreateKeyInput,
  generate: () => KeyPair = generateSigningKeyPair,
): Promise<{ publicKeyId: string }> {
  const pair = generate();
  const suffix = randomBytes(4).toString('hex');
  const created = await cf.send(
    new CreatePublicKeyCommand({
      PublicKeyConfig: {
        CallerReference: input.callerReference,
        Name: `${input.namePrefix}-v${input.version}-${suffix}`.slice(0, 128),
        EncodedKey: pair.publicKeyPem,
        Comment: `OnAir playback signing key v${input.version}`,
      },
    }),
  );
  const publicKeyId = created.PublicKey?.Id;
  if (!isPublicKeyId(publicKeyId)) throw new Error('CloudFront returned no public key id');
  const stored: StoredSigningKey = {
    keyPairId: publicKeyId,
    privateKey: pair.privateKeyPem,
    createdAt: (created.PublicKey?.CreatedTime ?? new Date()).toISOString(),
  };
  try {
    await sm.send(
      new PutSecretValueCommand({ SecretId: input.secretArn, SecretString: JSON.stringify(stored) }),
    );
  } catch (err) {
    await deletePublicKey(cf, publicKeyId).catch(() => undefined);
    throw err;
  }
  return { publicKeyId };
}

/** Deletes a public key; a key that is already gone counts as deleted. */
export async function deletePublicKey(cf: CloudFrontClient, id: string): Promise<'deleted' | 'absent'> {
  let etag: string | undefined;
  try {
    etag = (await cf.send(new GetPublicKeyCommand({ Id: id }))).ETag;
  } catch (err) {
    if ((err as Error).name === 'NoSuchPublicKey') return 'absent';
    throw err;
  }
  try {
    await cf.send(new DeletePublicKeyCommand({ Id: id, IfMatch: etag }));
  } catch (err) {
    if ((err as Error).name === 'NoSuchPublicKey') return 'absent';
    if ((err as Error).name === 'PublicKeyInUse') {
      throw new Error(
        `public key ${id} is still in a key group; remove it from the key group (or delete the distribution's key group first) and retry`,
      );
    }
    throw err;
  }
  return 'deleted';
}

async function findKeyGroup(cf: CloudFrontClient, name: string): Promise<KeyGroupSummary | undefined> {
  let marker: string | undefined;
  do {
    const page = await cf.send(new ListKeyGroupsCommand({ Marker: marker }));
    const hit = page.KeyGroupList?.Items?.find((k) => k.KeyGroup?.KeyGroupConfig?.Name === name);
    if (hit) return hit;
    marker = page.KeyGroupList?.NextMarker;
  } while (marker);
  return undefined;
}

async function publicKeyCreationTimes(cf: CloudFrontClient): Promise<Map<string, Date>> {
  const times = new Map<string, Date>();
  let marker: string | undefined;
  do {
    const page = await cf.send(new ListPublicKeysCommand({ Marker: marker }));
    for (const k of page.PublicKeyList?.Items ?? []) {
      if (k.Id && k.CreatedTime) times.set(k.Id, k.CreatedTime);
    }
    marker = page.PublicKeyList?.NextMarker;
  } while (marker);
  return times;
}

export interface RetirementCheck {
  readonly keyGroupName: string;
  /** Keys the key group will still trust after this deployment (besides the new current key). */
  readonly keep: readonly string[];
  /**
   * Seconds a replaced key may still have valid sessions after its successor was created (longest
   * session lifetime + margin + signing grace). The guard the key group was last deployed with
   * counts too, whichever is longer.
   */
  readonly guardSeconds: number;
  readonly now: Date;
}

/**
 * Refuses a key change that would stop trusting a key while sessions signed with it may still be
 * valid. Before the deployment, sessions are signed with the newest key in the key group; every
 * older key stopped signing at most a signing grace after that newest key was created. So:
 * retiring the newest key is never allowed, and retiring an older one only once the newest is
 * older than the guard.
 */
export async function assertRetirementIsSafe(cf: CloudFrontClient, check: RetirementCheck): Promise<void> {
  const group = await findKeyGroup(cf, check.keyGroupName);
  const trusted = group?.KeyGroup?.KeyGroupConfig?.Items ?? [];
  const retiring = trusted.filter((id) => !check.keep.includes(id));
  if (retiring.length === 0) return;
  const created = await publicKeyCreationTimes(cf);
  const newest = [...trusted].sort(
    (a, b) => (created.get(b)?.getTime() ?? 0) - (created.get(a)?.getTime() ?? 0),
  )[0];
  if (newest !== undefined && retiring.includes(newest)) {
    throw new Error(
      `this deployment would stop trusting public key ${newest}, which signs today's sessions; ` +
        'raise playback.signingKeyVersion by exactly one per deployment',
    );
  }
  const since = newest !== undefined ? created.get(newest) : undefined;
  if (since === undefined) return;
  const guardSeconds = Math.max(
    check.guardSeconds,
    guardFromComment(group?.KeyGroup?.KeyGroupConfig?.Comment) ?? 0,
  );
  const safeAt = new Date(since.getTime() + guardSeconds * 1000);
  if (check.now < safeAt) {
    throw new Error(
      `retiring public key(s) ${retiring.join(', ')} now would cut off sessions signed until ${since.toISOString()} ` +
        `(sessions last up to ${Math.round(guardSeconds / 60)} minutes including margin and signing grace); deploy this rotation after ${safeAt.toISOString()}`,
    );
  }
}
