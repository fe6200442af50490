/**
 * Contract between the signing-key custom resource, the session function and the CDK app
 * (lib/constructs/playback/signing-keys.ts). No SDK imports: the CDK app imports this file.
 */

/** What a key version's secret holds (written by the custom resource, read by the session function). */
export interface StoredSigningKey {
  /** The CloudFront public key id (the signed URL's Key-Pair-Id). */
  readonly keyPairId: string;
  /** PKCS#8 PEM. */
  readonly privateKey: string;
  /** When CloudFront registered the public key (ISO 8601); absent in secrets written before it was recorded. */
  readonly createdAt?: string;
}

/**
 * How long the session function keeps signing with the previous key after the current one was
 * created: CloudFront applies a key group change to its edge locations over several minutes, and a
 * session signed with a key an edge does not trust yet is refused (403).
 */
export const SIGNING_GRACE_SECONDS = 600;

/**
 * The key group's comment records the retirement guard (session TTL + margin + signing grace) it
 * was deployed with, so a rotation deployed together with a shorter session TTL still waits for
 * the longer one: the key group is updated after the keys, so the next rotation reads the old value.
 */
export function keyGroupComment(guardSeconds: number): string {
  return `OnAir playback: current and previous signing key (guard ${guardSeconds}s)`;
}

/** The guard a key group comment records, if any. */
export function guardFromComment(comment: string | undefined): number | undefined {
  const m = /\(guard (\d+)s\)/.exec(comment ?? '');
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}
