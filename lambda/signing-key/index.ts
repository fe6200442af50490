import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { cloudFrontClient, secretsManagerClient } from '../shared/clients';
import { logger, withLambdaContext } from '../shared/powertools';
import * as z from '../shared/zod';
import { assertRetirementIsSafe, createSigningKey, deletePublicKey, isPublicKeyId } from './keys';

const cf = cloudFrontClient({ maxAttempts: 5 });
const sm = secretsManagerClient({ maxAttempts: 5 });

/** CloudFormation passes every property as a string. */
export const keyProperties = z.object({
  Version: z.pipe(z.coerce.number(), z.int().check(z.minimum(1))),
  /** "current" signs sessions; "previous" is only still trusted. */
  Role: z.enum(['current', 'previous']),
  SecretArn: z.string().check(z.minLength(1)),
  KeyGroupName: z.string().check(z.minLength(1)),
  NamePrefix: z.string().check(z.minLength(1)),
  GuardSeconds: z.pipe(z.coerce.number(), z.int().check(z.minimum(0))),
  /** The previous version's public key id (current role only). */
  PreviousPublicKeyId: z.optional(z.string()),
});
export type KeyProperties = z.infer<typeof keyProperties>;

/** What an update compares of the previous properties; every field tolerant of absence or junk. */
const oldKeyProperties = z.object({
  Version: z.catch(z.optional(z.coerce.number()), undefined),
  Role: z.catch(z.optional(z.string()), undefined),
  SecretArn: z.catch(z.optional(z.string()), undefined),
  GuardSeconds: z.catch(z.optional(z.coerce.number()), undefined),
});

export interface ProviderResponse {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

export interface Clients {
  readonly cf: CloudFrontClient;
  readonly sm: SecretsManagerClient;
  readonly now?: () => Date;
}

interface GuardInput {
  /** Public keys the key group keeps trusting besides the one being created. */
  readonly keep: readonly (string | undefined)[];
  readonly guardSeconds: number;
  /**
   * `enforce` fails the request; `warn` only logs. Updates never fail: a rollback sends an Update
   * that makes the old key current again while the key group still trusts the newer key, and a
   * failure there leaves the stack in UPDATE_ROLLBACK_FAILED.
   */
  readonly mode: 'enforce' | 'warn';
}

async function guard(c: Clients, p: KeyProperties, g: GuardInput, attributes: object): Promise<void> {
  try {
    await assertRetirementIsSafe(c.cf, {
      keyGroupName: p.KeyGroupName,
      keep: g.keep.filter((x): x is string => x !== undefined),
      guardSeconds: g.guardSeconds,
      now: (c.now ?? (() => new Date()))(),
    });
  } catch (err) {
    if (g.mode === 'enforce') throw err;
    logger.warn(
      'this key change may cut off live sessions; an update is never blocked (it may be a rollback)',
      {
        ...attributes,
        reason: (err as Error).message,
      },
    );
  }
}

/**
 * One playback signing key version (custom resource, via the Provider framework). The physical id
 * is the CloudFront public key id; the private key goes only to the version's secret.
 */
export async function onEvent(
  event: CloudFormationCustomResourceEvent,
  c: Clients,
): Promise<ProviderResponse> {
  const props = keyProperties.parse(event.ResourceProperties);
  const base = { requestType: event.RequestType, version: props.Version, role: props.Role };
  if (event.RequestType === 'Delete') {
    const id = event.PhysicalResourceId;
    if (!isPublicKeyId(id)) {
      logger.info('nothing to delete: the key was never created', base);
      return { PhysicalResourceId: id };
    }
    const outcome = await deletePublicKey(c.cf, id);
    logger.info('signing key deleted', { ...base, publicKeyId: id, outcome });
    return { PhysicalResourceId: id };
  }

  const create = async (): Promise<ProviderResponse> => {
    const { publicKeyId } = await createSigningKey(c.cf, c.sm, {
      callerReference: event.RequestId,
      namePrefix: props.NamePrefix,
      version: props.Version,
      secretArn: props.SecretArn,
    });
    logger.info('signing key created', { ...base, publicKeyId });
    return { PhysicalResourceId: publicKeyId, Data: { PublicKeyId: publicKeyId } };
  };

  if (event.RequestType === 'Create') {
    // A new current key keeps the previous one trusted. A new *previous* key means the version was
    // lowered or skipped: the key group would keep none of the keys it trusts today.
    const keep = props.Role === 'current' ? [props.PreviousPublicKeyId] : [];
    await guard(c, props, { keep, guardSeconds: props.GuardSeconds, mode: 'enforce' }, base);
    return create();
  }

  // The previous deployment's properties are read field by field, not with the current schema:
  // a property added in a later release must not make every key look changed (a new key would
  // drop the trusted ones from the key group and cut off live sessions).
  const old = oldKeyProperties.parse(event.OldResourceProperties ?? {});
  const id = event.PhysicalResourceId;
  // A shorter session TTL in this deployment does not shorten sessions signed before it.
  const guardSeconds = Math.max(props.GuardSeconds, old.GuardSeconds ?? 0);
  // A new version or secret needs a new key; CloudFormation then deletes the old one once the
  // key group no longer lists it (cleanup phase).
  if (old.Version !== props.Version || old.SecretArn !== props.SecretArn || !isPublicKeyId(id)) {
    if (props.Role === 'current') {
      await guard(c, props, { keep: [props.PreviousPublicKeyId], guardSeconds, mode: 'warn' }, base);
    }
    return create();
  }
  if (props.Role === 'current' && old.Role !== 'current') {
    // previous → current: a rollback of a rotation, or a lowered version (2 → 1), which cannot be
    // told apart here.
    await guard(c, props, { keep: [props.PreviousPublicKeyId, id], guardSeconds, mode: 'warn' }, base);
  }
  logger.info('signing key unchanged', { ...base, publicKeyId: id });
  return { PhysicalResourceId: id, Data: { PublicKeyId: id } };
}

export const handler = withLambdaContext(
  (event: CloudFormationCustomResourceEvent): Promise<ProviderResponse> => onEvent(event, { cf, sm }),
);
