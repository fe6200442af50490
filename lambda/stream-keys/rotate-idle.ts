/**
 * One rotation of an idle channel's credential: stage the new value, update the input, promote
 * the value (see {@link rotateIdleChannel}). engine.ts decides when it runs.
 */
import { ChannelState } from '@aws-sdk/client-medialive';
import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import type { Log } from '../shared/powertools';
import {
  type Credential,
  type InputView,
  type RotationClients,
  rotationToken,
  secretOf,
  serves,
} from './credential';
import { ChannelLeftIdle, InputNotUpdated, PromotionPending } from './errors';
import { channelState, defaultSleep, describeInput, updateInput } from './input';
import { markPending } from './pending';
import {
  AWSCURRENT,
  AWSPENDING,
  listVersions,
  stagedRotation,
  unstage,
  versionValue,
  versionWith,
} from './versions';

/** Time kept back from the Lambda deadline for the calls after the promotion and the response. */
export const DEADLINE_MARGIN_MS = 3_000;
/** Time UpdateInput leaves for the promotion that must follow it. */
export const PROMOTION_RESERVE_MS = 5_000;
/** The rotation's time budget when there is no Lambda context (tests, scripts). */
export const DEFAULT_BUDGET_MS = 20_000;
/** Promotion attempts (backoff 200 ms, doubling) within the budget. */
export const PROMOTION_ATTEMPTS = 6;
const PROMOTION_BASE_DELAY_MS = 200;

export interface RotateOptions {
  readonly logger: Log;
  /** Backoff sleep (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Milliseconds until the function times out (the Lambda context's getRemainingTimeInMillis).
   * @default - a 20-second budget
   */
  readonly remainingMs?: () => number;
  readonly now?: () => Date;
}

export interface Rotated {
  readonly value: string;
  readonly versionId: string;
  /** The input serving the value (from UpdateInput or DescribeInput; may report no endpoints). */
  readonly input: InputView;
}

/**
 * Rotates the credential of an IDLE channel: stage the new value as AWSPENDING
 * (ClientRequestToken derived from the current version), update the input to accept it, then
 * move AWSCURRENT to it (compare-and-swap: RemoveFromVersionId names the version we started from).
 *
 * - An AWSPENDING version holding another value than AWSCURRENT (an unfinished rotation: ours,
 *   or Secrets Manager's scheduled one) is finished rather than raced: its value is adopted.
 * - PutSecretValue fails → UpdateInput is never called.
 * - UpdateInput fails → DescribeInput decides: the input took the value anyway → go on; it kept
 *   the old one → our AWSPENDING is removed and {@link InputNotUpdated} thrown; unknown → the
 *   error is thrown with AWSPENDING kept, so the next rotation finishes it.
 * - A credential MediaLive reads when the channel starts (SRT) is promoted only if the channel
 *   is still IDLE right before: else our staged version is dropped and {@link ChannelLeftIdle}
 *   thrown, and nothing changed (the input only names the secret).
 * - Once the input serves the new value there is no way back (restoring the input can fail just
 *   the same): the promotion is retried with backoff within the time budget; if it still fails
 *   the request is tagged pending and {@link PromotionPending} thrown, and the next rotation
 *   (an operator's, or the channel's next IDLE) adopts the staged value and promotes it.
 */
export async function rotateIdleChannel(
  clients: RotationClients,
  c: Credential,
  opts: RotateOptions,
): Promise<Rotated> {
  const { secrets, medialive } = clients;
  const { channelId, entry, kind } = c;
  const arn = secretOf(c);
  const deadline =
    Date.now() + (opts.remainingMs ? opts.remainingMs() - DEADLINE_MARGIN_MS : DEFAULT_BUDGET_MS);
  const versions = await listVersions(secrets, arn);
  const current = versionWith(versions, AWSCURRENT);
  if (current === undefined)
    throw new Error(`the ${kind.name} secret of channel "${channelId}" has no AWSCURRENT version`);
  const ourToken = rotationToken(kind, current);

  let token: string;
  let value: string;
  const [staged, described] = await Promise.all([
    stagedRotation(secrets, arn, versions, current),
    describeInput(medialive, entry),
  ]);
  const securityGroups = described.SecurityGroups ?? [];
  if (staged !== undefined) {
    token = staged.versionId;
    value = staged.value;
    opts.logger.info('finishing a staged rotation', { channelId, credential: kind.id, versionId: token });
  } else {
    token = ourToken;
    value = kind.generate();
    try {
      await secrets.send(
        new PutSecretValueCommand({
          SecretId: arn,
          ClientRequestToken: token,
          SecretString: value,
          VersionStages: [AWSPENDING],
        }),
      );
    } catch (err) {
      // A concurrent rotation from the same current version staged its value first: use that one.
      if ((err as Error)?.name !== 'ResourceExistsException') throw err;
      const theirs = await versionValue(secrets, arn, token);
      if (theirs === undefined) throw err;
      value = theirs;
      opts.logger.info('adopting the value a concurrent rotation staged', {
        channelId,
        credential: kind.id,
        versionId: token,
      });
    }
  }

  let input: InputView;
  try {
    input = await updateInput(medialive, entry, kind.inputFields(entry, value, described), {
      securityGroups,
      sleep: opts.sleep,
      abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now() - PROMOTION_RESERVE_MS)),
    });
  } catch (err) {
    input = await afterFailedUpdate(clients, c, { value, token, ours: token === ourToken }, err, opts);
  }

  if (kind.readAtStart) await ensureStillIdle(clients, c, { token, ours: token === ourToken }, opts);
  await promote(clients, c, { token, from: current, deadline }, opts);
  opts.logger.info(`${kind.name} rotated`, { channelId, versionId: token, previousVersionId: current });

  // Tidy up: AWSPENDING on the AWSCURRENT version is a finished rotation either way.
  await unstage(secrets, channelId, arn, token, opts.logger);
  return { value, versionId: token, input };
}

/**
 * A credential MediaLive reads when the channel starts may become AWSCURRENT only while the
 * channel is IDLE: a channel that started meanwhile may already have loaded the current value.
 */
async function ensureStillIdle(
  clients: RotationClients,
  c: Credential,
  staged: { token: string; ours: boolean },
  opts: RotateOptions,
): Promise<void> {
  const state = await channelState(clients.medialive, c.entry);
  if (state === ChannelState.IDLE) return;
  // A scheduled rotation's staged version is Secrets Manager's to finish (at the next IDLE).
  if (staged.ours) await unstage(clients.secrets, c.channelId, secretOf(c), staged.token, opts.logger);
  opts.logger.info('channel left IDLE before the new value was made current; nothing changed', {
    channelId: c.channelId,
    credential: c.kind.id,
    state,
  });
  throw new ChannelLeftIdle(c.channelId, state);
}

/** Decides what a failed UpdateInput changed (see {@link rotateIdleChannel}). */
async function afterFailedUpdate(
  clients: RotationClients,
  c: Credential,
  staged: { value: string; token: string; ours: boolean },
  err: unknown,
  opts: RotateOptions,
): Promise<InputView> {
  const { channelId } = c;
  const errorName = (err as Error)?.name;
  let now: InputView;
  try {
    now = await describeInput(clients.medialive, c.entry);
  } catch {
    opts.logger.warn(
      'UpdateInput failed and the input could not be read; the staged value is kept for the next rotation',
      { channelId, errorName },
    );
    throw err;
  }
  if (serves(c, now, staged.value)) {
    opts.logger.warn(
      'UpdateInput reported an error but the input serves the new value; finishing the rotation',
      { channelId, errorName },
    );
    return now;
  }
  // The input kept its value. Our staged version is dropped (a scheduled rotation's is Secrets
  // Manager's to finish); the pending tag, if any, records the request.
  if (staged.ours) await unstage(clients.secrets, channelId, secretOf(c), staged.token, opts.logger);
  throw new InputNotUpdated(err);
}

/** Moves AWSCURRENT to `token`, retrying within the budget; the input already serves its value. */
async function promote(
  clients: RotationClients,
  c: Credential,
  p: { token: string; from: string; deadline: number },
  opts: RotateOptions,
): Promise<void> {
  const { secrets } = clients;
  const { channelId } = c;
  const arn = secretOf(c);
  const sleep = opts.sleep ?? defaultSleep;
  let from = p.from;
  let errorName: string | undefined;
  for (let attempt = 1; attempt <= PROMOTION_ATTEMPTS; attempt++) {
    const left = p.deadline - Date.now();
    if (left <= 0) break;
    try {
      await secrets.send(
        new UpdateSecretVersionStageCommand({
          SecretId: arn,
          VersionStage: AWSCURRENT,
          MoveToVersionId: p.token,
          RemoveFromVersionId: from,
        }),
        { abortSignal: AbortSignal.timeout(left) },
      );
      return;
    } catch (err) {
      errorName = (err as Error)?.name;
      const now = await listVersions(secrets, arn)
        .then((v) => versionWith(v, AWSCURRENT))
        .catch(() => undefined);
      if (now === p.token) {
        opts.logger.info('a concurrent rotation already promoted the same value', {
          channelId,
          versionId: p.token,
        });
        return;
      }
      if (now !== undefined && now !== from) {
        // The input serves our value (UpdateInput came last), so ours must become current.
        opts.logger.warn('AWSCURRENT moved during the rotation; promoting the value the input serves', {
          channelId,
          versionId: p.token,
          movedTo: now,
        });
        from = now;
      }
      opts.logger.warn('promotion failed; retrying', { channelId, attempt, errorName });
    }
    const delay = PROMOTION_BASE_DELAY_MS * 2 ** (attempt - 1);
    if (attempt === PROMOTION_ATTEMPTS || Date.now() + delay >= p.deadline) break;
    await sleep(delay);
  }
  opts.logger.error(
    'the input serves the new value but it could not be made AWSCURRENT; recorded as pending, the next rotation finishes it',
    { channelId, versionId: p.token, errorName },
  );
  await markPending(secrets, arn, (opts.now ?? (() => new Date()))()).catch((err: unknown) =>
    opts.logger.error('could not record the unfinished rotation as pending', {
      channelId,
      errorName: (err as Error)?.name,
    }),
  );
  throw new PromotionPending(channelId, c.kind.name, c.kind.readAtStart);
}
