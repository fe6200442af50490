import { createPrivateKey } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceUnavailable } from '../shared/errors';
import { ORIGIN_VERIFY_KEY } from '../shared/origin-verify';
import { SIGNING_GRACE_SECONDS, type StoredSigningKey } from '../shared/signing-keys';
import type { SigningKey } from './signing';

/** Seconds a client should wait before asking again when the key cannot be read. */
export const KEY_RETRY_SECONDS = 2;

export interface KeySource {
  readonly secretArn: string;
  /** The public key id the deployment expects (changes on rotation, which also recycles containers). */
  readonly expectedKeyPairId: string;
}

/**
 * The current key and, for a signing grace after it was created, the previous one: CloudFront
 * applies a key group change to its edge locations over minutes, so a session signed with a
 * brand-new key could be refused where the change has not arrived yet.
 */
export class SigningKeys {
  constructor(
    private readonly current: KeyCache,
    private readonly previous: KeyCache | undefined,
    private readonly graceSeconds: number = SIGNING_GRACE_SECONDS,
  ) {}

  /** The key to sign with at `now`. */
  async forNow(now: Date): Promise<SigningKey> {
    const current = await this.current.get();
    if (this.previous === undefined || current.createdAt === undefined) return current;
    if (now.getTime() >= current.createdAt.getTime() + this.graceSeconds * 1000) return current;
    try {
      return await this.previous.get();
    } catch {
      // The previous key is a precaution; the current one is trusted by the key group already.
      return current;
    }
  }
}

/** Reads and parses the signing key; any failure is a 503 that names no secret material. */
export async function readSigningKey(sm: SecretsManagerClient, src: KeySource): Promise<SigningKey> {
  let text: string | undefined;
  try {
    text = (await sm.send(new GetSecretValueCommand({ SecretId: src.secretArn }))).SecretString;
  } catch (err) {
    throw new ServiceUnavailable(
      'the playback signing key is unavailable; retry shortly',
      KEY_RETRY_SECONDS,
      {
        reason: (err as Error).name ?? 'Error',
      },
    );
  }
  try {
    const parsed = JSON.parse(text ?? '') as Partial<Record<keyof StoredSigningKey, unknown>>;
    if (parsed.keyPairId !== src.expectedKeyPairId || typeof parsed.privateKey !== 'string') {
      throw new Error('stale or incomplete');
    }
    const createdAt = typeof parsed.createdAt === 'string' ? new Date(parsed.createdAt) : undefined;
    return {
      keyPairId: parsed.keyPairId,
      privateKey: createPrivateKey(parsed.privateKey),
      ...(createdAt !== undefined && !Number.isNaN(createdAt.getTime()) ? { createdAt } : {}),
    };
  } catch {
    throw new ServiceUnavailable(
      'the playback signing key is being rotated; retry shortly',
      KEY_RETRY_SECONDS,
      {
        reason: 'KeyNotReady',
      },
    );
  }
}

/**
 * Reads the origin-verify secret's value (see lambda/shared/origin-verify.ts); any failure is a 503
 * that names no secret material.
 */
export async function readOriginSecret(sm: SecretsManagerClient, secretArn: string): Promise<string> {
  let text: string | undefined;
  try {
    text = (await sm.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (err) {
    throw new ServiceUnavailable(
      'the playback API cannot verify its origin; retry shortly',
      KEY_RETRY_SECONDS,
      {
        reason: (err as Error).name ?? 'Error',
      },
    );
  }
  const value = (() => {
    try {
      return (JSON.parse(text ?? '') as Record<string, unknown>)[ORIGIN_VERIFY_KEY];
    } catch {
      return undefined;
    }
  })();
  if (typeof value !== 'string' || value === '') {
    throw new ServiceUnavailable(
      'the playback API cannot verify its origin; retry shortly',
      KEY_RETRY_SECONDS,
      {
        reason: 'MalformedSecret',
      },
    );
  }
  return value;
}

/** Loads a value once per container; a failed load is retried by the next request. */
export class KeyCache<T = SigningKey> {
  private pending: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.pending === undefined) {
      this.pending = this.load().catch((err: unknown) => {
        this.pending = undefined;
        throw err;
      });
    }
    return this.pending;
  }
}
