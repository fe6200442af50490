import { createHash, randomBytes } from 'node:crypto';
import {
  ChannelState,
  DescribeChannelCommand,
  DescribeInputCommand,
  type MediaLiveClient,
  UpdateInputCommand,
} from '@aws-sdk/client-medialive';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  type SecretVersionsListEntry,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { apiStateOfEvent } from './channel-state';
import { PENDING_ROTATION_TAG, STREAM_KEY_LENGTH } from './contract';
import { type Destination, keyOfDestination, reportsNoKey, serverOf, servesKey } from './destinations';
import { Conflict, ServiceUnavailable } from './errors';
import type { Log } from './powertools';
import type { ChannelEntry } from './registry';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export {
  type Destination,
  keyOfDestination,
  RTMP_PORT,
  reportsNoKey,
  serverOf,
  servesKey,
} from './destinations';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface StreamKeyClients {
  readonly medialive: MediaLiveClient;
  readonly secrets: SecretsManagerClient;
}

/** A new stream key: URL-safe (alphanumerics only, which every encoder accepts), ≈190 bits. */
export function generateStreamKey(): string {
  let key = '';
  while (key.length < STREAM_KEY_LENGTH) {
    for (const byte of randomBytes(STREAM_KEY_LENGTH * 2)) {
      // Rejection sampling keeps the distribution uniform (248 = 4 × 62).
      if (byte < 248 && key.length < STREAM_KEY_LENGTH) key += KEY_ALPHABET[byte % KEY_ALPHABET.length];
    }
  }
  return key;
}

/**
 * The ClientRequestToken of the rotation that replaces `currentVersionId`. Derived, not random:
 * two rotations racing from the same AWSCURRENT version get the same token, so Secrets Manager
 * accepts only the first PutSecretValue (a version's value cannot change) and the second
 * adopts the staged key instead of writing a different one to the input.
 */
export function rotationToken(currentVersionId: string): string {
  const h = createHash('sha256').update(`onair-stream-key:${currentVersionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The input's stream names for a key: `<app>/<key>` on every pipeline endpoint. */
export function destinationsFor(entry: ChannelEntry, key: string): { StreamName: string }[] {
  return Array.from({ length: entry.p }, () => ({ StreamName: `${entry.app}/${key}` }));
}

export async function channelState(medialive: MediaLiveClient, entry: ChannelEntry): Promise<string> {
  const out = await medialive.send(new DescribeChannelCommand({ ChannelId: entry.ml }));
  return out.State ?? 'UNKNOWN';
}

export interface IngestEndpoint {
  /**
   * OBS "Server": rtmp://<ip>:1935/<app>. Absent only if MediaLive reports no address for the
   * endpoint (a real RTMP_PUSH input always has one; some emulators do not).
   */
  readonly server?: string;
  /** OBS "Stream Key". */
  readonly streamKey: string;
}

export interface IngestDetails {
  readonly channelId: string;
  readonly state: string;
  readonly endpoints: IngestEndpoint[];
  /** A rotation was requested while the channel was live; it runs when the channel is next idle. */
  readonly rotationPending: boolean;
  /**
   * The input does not accept the AWSCURRENT key (an interrupted rotation): each endpoint then
   * shows the key the input actually accepts. A rotation while the channel is idle repairs it.
   */
  readonly inconsistent: boolean;
}

function endpointsOf(
  entry: ChannelEntry,
  destinations: readonly Destination[],
  keyOf: (d: Destination) => string,
): IngestEndpoint[] {
  return destinations.map((d) => ({ server: serverOf(entry, d), streamKey: keyOf(d) }));
}

async function currentKey(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  const out = await secrets.send(
    new GetSecretValueCommand({ SecretId: secretArn, VersionStage: AWSCURRENT }),
  );
  if (out.SecretString === undefined) throw new Error('the stream-key secret has no string value');
  return out.SecretString;
}

/**
 * An operator's rotation request made while the channel was live is recorded as a tag on the
 * secret ({@link PENDING_ROTATION_TAG}, value: ISO time of the request). A tag, not a secret
 * version: the SecretString must stay the bare key (CloudFormation resolves it into the input),
 * a tag creates no version and needs no secret-value access to read, and no key is generated
 * until the channel is idle (a staged AWSPENDING version would make Secrets Manager treat a
 * rotation as in progress for as long as the channel stays live).
 *
 * The tag's value (the time of the request), or undefined when none is pending.
 */
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

/**
 * Ingest details for OBS: one endpoint per pipeline, from the input's destinations and the
 * current key. Each destination URL is checked against `/<app>/<AWSCURRENT key>`: on a mismatch
 * the answer says `inconsistent: true` and shows the key the input accepts, never one it rejects.
 */
export async function ingestDetails(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
): Promise<IngestDetails> {
  const [input, state, key, rotationPending] = await Promise.all([
    clients.medialive.send(new DescribeInputCommand({ InputId: entry.in })),
    channelState(clients.medialive, entry),
    currentKey(clients.secrets, entry.key),
    isRotationPending(clients.secrets, entry.key),
  ]);
  const destinations = input.Destinations ?? [];
  // A destination that reports no URL at all (some emulators) proves nothing either way.
  const inconsistent = destinations.some((d) => !reportsNoKey(d) && keyOfDestination(entry, d) !== key);
  const endpoints = endpointsOf(entry, destinations, (d) =>
    inconsistent ? (keyOfDestination(entry, d) ?? key) : key,
  );
  return { channelId, state, endpoints, rotationPending, inconsistent };
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retries MediaLive ConflictException (the input or channel is changing state) with backoff; the SDK retries throttling and 5xx itself. */
export async function withConflictRetry<T>(
  fn: () => Promise<T>,
  opts: { attempts?: number; baseDelayMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const base = opts.baseDelayMs ?? 500;
  const sleep = opts.sleep ?? defaultSleep;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as Error)?.name !== 'ConflictException' || i >= attempts) throw err;
      await sleep(base * 2 ** (i - 1));
    }
  }
}

async function listVersions(
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

function versionWith(versions: SecretVersionsListEntry[], stage: string): string | undefined {
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

interface StagedRotation {
  readonly versionId: string;
  readonly key: string;
}

/**
 * An unfinished rotation: an AWSPENDING version that is not AWSCURRENT and holds a key other
 * than the current one. An empty AWSPENDING (Secrets Manager's own before createSecret) or one
 * repeating the current key is not worth finishing.
 */
async function stagedRotation(
  secrets: SecretsManagerClient,
  secretArn: string,
  versions: SecretVersionsListEntry[],
  currentVersionId: string,
): Promise<StagedRotation | undefined> {
  const versionId = versions.find(
    (v) => v.VersionStages?.includes(AWSPENDING) && !v.VersionStages.includes(AWSCURRENT),
  )?.VersionId;
  if (versionId === undefined) return undefined;
  const [key, current] = await Promise.all([
    versionValue(secrets, secretArn, versionId),
    versionValue(secrets, secretArn, currentVersionId),
  ]);
  if (key === undefined || key === current) return undefined;
  return { versionId, key };
}

export interface UpdateInputOptions {
  /** The input's security groups (from DescribeInput), named again so the update keeps them attached. */
  readonly securityGroups?: readonly string[];
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborts the request (and the conflict retries) when the caller's time budget runs out. */
  readonly abortSignal?: AbortSignal;
}

/** The input's security groups, to pass back in UpdateInput. */
export async function inputSecurityGroups(
  medialive: MediaLiveClient,
  entry: ChannelEntry,
): Promise<string[]> {
  const input = await medialive.send(new DescribeInputCommand({ InputId: entry.in }));
  return input.SecurityGroups ?? [];
}

/** Points every pipeline endpoint of the input at `<app>/<key>`; returns the input's destinations after the update. */
export async function updateInputKey(
  medialive: MediaLiveClient,
  entry: ChannelEntry,
  key: string,
  opts: UpdateInputOptions = {},
): Promise<Destination[]> {
  const groups = opts.securityGroups ?? [];
  const out = await withConflictRetry(
    () =>
      medialive.send(
        new UpdateInputCommand({
          InputId: entry.in,
          Destinations: destinationsFor(entry, key),
          ...(groups.length > 0 ? { InputSecurityGroups: [...groups] } : {}),
        }),
        { abortSignal: opts.abortSignal },
      ),
    { sleep: opts.sleep },
  );
  return out.Input?.Destinations ?? [];
}

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

/** UpdateInput failed and the input still serves the previous key: nothing changed, our staged key was unstaged. */
export class InputNotUpdated extends Error {
  constructor(readonly awsError: unknown) {
    super(`MediaLive did not update the input (${(awsError as Error)?.name ?? 'error'})`);
    this.name = 'InputNotUpdated';
  }
}

/** The channel-state event said the channel stopped, but DescribeChannel does not say IDLE yet. */
export class ChannelNotIdleYet extends Error {
  constructor(channelId: string, state: string) {
    super(`channel "${channelId}" reported a stop but is ${state}; retrying the pending rotation later`);
    this.name = 'ChannelNotIdleYet';
  }
}

export interface Rotated {
  readonly key: string;
  readonly versionId: string;
  /** The input's destinations serving the key (from UpdateInput or DescribeInput; may be empty). */
  readonly destinations: Destination[];
}

/**
 * Rotates the key of an IDLE channel: stage the new key as AWSPENDING (ClientRequestToken
 * derived from the current version), point the input's destinations at it, then move
 * AWSCURRENT to it (compare-and-swap: RemoveFromVersionId names the version we started from).
 *
 * - An AWSPENDING version holding another key than AWSCURRENT (an unfinished rotation: ours, or
 *   Secrets Manager's scheduled one) is finished rather than raced: its key is adopted.
 * - PutSecretValue fails → UpdateInput is never called.
 * - UpdateInput fails → DescribeInput decides: the input took the key anyway → go on; it kept
 *   the old key → our AWSPENDING is removed and {@link InputNotUpdated} thrown; unknown → the
 *   error is thrown with AWSPENDING kept, so the next rotation finishes it.
 * - Once the input serves the new key there is no way back (restoring the input can fail just
 *   the same): the promotion is retried with backoff within the time budget; if it still fails
 *   the request is tagged pending and a 503 thrown, and the next rotation (POST, or the channel's
 *   next IDLE) adopts the staged key and promotes it.
 */
export async function rotateIdleChannel(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  opts: RotateOptions,
): Promise<Rotated> {
  const { secrets, medialive } = clients;
  const arn = entry.key;
  const deadline =
    Date.now() + (opts.remainingMs ? opts.remainingMs() - DEADLINE_MARGIN_MS : DEFAULT_BUDGET_MS);
  const versions = await listVersions(secrets, arn);
  const current = versionWith(versions, AWSCURRENT);
  if (current === undefined)
    throw new Error(`stream-key secret of channel "${channelId}" has no AWSCURRENT version`);
  const ourToken = rotationToken(current);

  let token: string;
  let key: string;
  const [staged, securityGroups] = await Promise.all([
    stagedRotation(secrets, arn, versions, current),
    inputSecurityGroups(medialive, entry),
  ]);
  if (staged !== undefined) {
    token = staged.versionId;
    key = staged.key;
    opts.logger.info('finishing a staged stream-key rotation', { channelId, versionId: token });
  } else {
    token = ourToken;
    key = generateStreamKey();
    try {
      await secrets.send(
        new PutSecretValueCommand({
          SecretId: arn,
          ClientRequestToken: token,
          SecretString: key,
          VersionStages: [AWSPENDING],
        }),
      );
    } catch (err) {
      // A concurrent rotation from the same current version staged its key first: use that one.
      if ((err as Error)?.name !== 'ResourceExistsException') throw err;
      const theirs = await versionValue(secrets, arn, token);
      if (theirs === undefined) throw err;
      key = theirs;
      opts.logger.info('adopting the key a concurrent rotation staged', { channelId, versionId: token });
    }
  }

  let destinations: Destination[];
  try {
    destinations = await updateInputKey(medialive, entry, key, {
      securityGroups,
      sleep: opts.sleep,
      abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now() - PROMOTION_RESERVE_MS)),
    });
  } catch (err) {
    destinations = await afterFailedUpdate(
      clients,
      channelId,
      entry,
      { key, token, ours: token === ourToken },
      err,
      opts,
    );
  }

  await promote(clients, channelId, entry, { token, from: current, deadline }, opts);
  opts.logger.info('stream key rotated', { channelId, versionId: token, previousVersionId: current });

  // Tidy up: AWSPENDING on the AWSCURRENT version is a finished rotation either way.
  await unstage(secrets, channelId, arn, token, opts.logger);
  return { key, versionId: token, destinations };
}

/** Decides what a failed UpdateInput changed (see {@link rotateIdleChannel}). */
async function afterFailedUpdate(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  staged: { key: string; token: string; ours: boolean },
  err: unknown,
  opts: RotateOptions,
): Promise<Destination[]> {
  const errorName = (err as Error)?.name;
  let now: Destination[];
  try {
    now = (await clients.medialive.send(new DescribeInputCommand({ InputId: entry.in }))).Destinations ?? [];
  } catch {
    opts.logger.warn(
      'UpdateInput failed and the input could not be read; the staged key is kept for the next rotation',
      {
        channelId,
        errorName,
      },
    );
    throw err;
  }
  if (servesKey(entry, now, staged.key)) {
    opts.logger.warn(
      'UpdateInput reported an error but the input serves the new key; finishing the rotation',
      {
        channelId,
        errorName,
      },
    );
    return now;
  }
  // The input kept its key. Our staged version is dropped (a scheduled rotation's is Secrets
  // Manager's to finish); the pending tag, if any, records the request.
  if (staged.ours) await unstage(clients.secrets, channelId, entry.key, staged.token, opts.logger);
  throw new InputNotUpdated(err);
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

/** Moves AWSCURRENT to `token`, retrying within the budget; the input already serves its key. */
async function promote(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  p: { token: string; from: string; deadline: number },
  opts: RotateOptions,
): Promise<void> {
  const { secrets } = clients;
  const sleep = opts.sleep ?? defaultSleep;
  let from = p.from;
  let errorName: string | undefined;
  for (let attempt = 1; attempt <= PROMOTION_ATTEMPTS; attempt++) {
    const left = p.deadline - Date.now();
    if (left <= 0) break;
    try {
      await secrets.send(
        new UpdateSecretVersionStageCommand({
          SecretId: entry.key,
          VersionStage: AWSCURRENT,
          MoveToVersionId: p.token,
          RemoveFromVersionId: from,
        }),
        { abortSignal: AbortSignal.timeout(left) },
      );
      return;
    } catch (err) {
      errorName = (err as Error)?.name;
      const now = await listVersions(secrets, entry.key)
        .then((v) => versionWith(v, AWSCURRENT))
        .catch(() => undefined);
      if (now === p.token) {
        opts.logger.info('a concurrent rotation already promoted the same key', {
          channelId,
          versionId: p.token,
        });
        return;
      }
      if (now !== undefined && now !== from) {
        // The input serves our key (UpdateInput came last), so ours must become current.
        opts.logger.warn('AWSCURRENT moved during the rotation; promoting the key the input serves', {
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
    'the input serves the new key but it could not be made AWSCURRENT; recorded as pending, the next rotation finishes it',
    { channelId, versionId: p.token, errorName },
  );
  await markPending(secrets, entry.key, (opts.now ?? (() => new Date()))()).catch((err: unknown) =>
    opts.logger.error('could not record the unfinished rotation as pending', {
      channelId,
      errorName: (err as Error)?.name,
    }),
  );
  throw new ServiceUnavailable(
    `the new stream key of channel "${channelId}" is on the input but could not be made current yet; retry the rotation`,
    10,
    { channelId, rotationPending: true },
  );
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
 * before rotating): a request recorded meanwhile is newer than our key and must stay pending.
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
    logger.error('stream key rotated but the pending-rotation tag could not be cleared', {
      channelId,
      errorName: (err as Error)?.name,
    });
    return true;
  }
}

export type RotationOutcome =
  | { readonly rotated: true; readonly details: IngestDetails }
  | { readonly rotated: false; readonly pending: true; readonly state: string };

/**
 * The operator's rotation: now if the channel is IDLE, otherwise recorded as pending (applied
 * by the channel-state handler when the channel reaches IDLE). A live streamer is never cut off.
 */
export async function requestRotation(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  opts: RotateOptions,
): Promise<RotationOutcome> {
  const now = opts.now ?? (() => new Date());
  const state = await channelState(clients.medialive, entry);
  if (state !== ChannelState.IDLE) {
    await markPending(clients.secrets, entry.key, now());
    // The channel may have reached IDLE (and its IDLE event been handled) before the tag existed.
    const after = await channelState(clients.medialive, entry).catch(() => state);
    if (after !== ChannelState.IDLE) {
      opts.logger.info('channel is not idle; stream-key rotation recorded as pending', {
        channelId,
        state: after,
      });
      return { rotated: false, pending: true, state: after };
    }
    opts.logger.info('channel reached IDLE while the request was recorded; rotating now', { channelId });
  }
  return rotateNow(clients, channelId, entry, opts);
}

async function rotateNow(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  opts: RotateOptions,
): Promise<RotationOutcome> {
  const seen = await pendingTagValue(clients.secrets, entry.key);
  let rotated: Rotated;
  try {
    rotated = await rotateIdleChannel(clients, channelId, entry, opts);
  } catch (err) {
    if (!(err instanceof InputNotUpdated)) throw err;
    // Decided from the channel's state now, not from the error's name.
    const state = await channelState(clients.medialive, entry).catch(() => undefined);
    if (state === undefined) throw err.awsError;
    if (state !== ChannelState.IDLE) {
      await markPending(clients.secrets, entry.key, (opts.now ?? (() => new Date()))());
      opts.logger.info('channel left IDLE during the rotation; recorded as pending', { channelId, state });
      return { rotated: false, pending: true, state };
    }
    if ((err.awsError as Error)?.name === 'ConflictException') {
      throw new Conflict(
        `the input of channel "${channelId}" is being changed; nothing was rotated, retry shortly`,
        { channelId, state },
        10,
      );
    }
    throw err.awsError;
  }
  const rotationPending = await clearPendingIf(clients.secrets, entry.key, seen, channelId, opts.logger);
  let destinations = rotated.destinations;
  if (destinations.length === 0) {
    destinations = await clients.medialive
      .send(new DescribeInputCommand({ InputId: entry.in }))
      .then((o) => o.Destinations ?? [])
      .catch(() => []);
  }
  return {
    rotated: true,
    details: {
      channelId,
      state: ChannelState.IDLE,
      endpoints: endpointsOf(entry, destinations, () => rotated.key),
      rotationPending,
      inconsistent: false,
    },
  };
}

/**
 * Applies a pending rotation (tag, or a staged AWSPENDING left by a scheduled rotation refused
 * while live, or by an interrupted one) when the channel is IDLE. `eventState` (with
 * `eventPipelinesRunning`) is what the triggering event reported: one that means the channel is
 * now idle (the event's STOPPED with no pipeline left running, or IDLE: see apiStateOfEvent) but
 * that DescribeChannel does not show yet throws {@link ChannelNotIdleYet} so Lambda retries it.
 */
export async function applyPendingRotation(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  opts: RotateOptions & { eventState?: string; eventPipelinesRunning?: number },
): Promise<'rotated' | 'nothing-pending' | 'not-idle'> {
  const [seen, versions] = await Promise.all([
    pendingTagValue(clients.secrets, entry.key),
    listVersions(clients.secrets, entry.key),
  ]);
  const current = versionWith(versions, AWSCURRENT);
  const staged =
    current === undefined ? undefined : await stagedRotation(clients.secrets, entry.key, versions, current);
  if (seen === undefined && staged === undefined) return 'nothing-pending';
  const state = await channelState(clients.medialive, entry);
  if (state !== ChannelState.IDLE) {
    const reportsIdle =
      opts.eventState !== undefined &&
      apiStateOfEvent(opts.eventState, opts.eventPipelinesRunning) === ChannelState.IDLE;
    if (reportsIdle) throw new ChannelNotIdleYet(channelId, state);
    opts.logger.info('pending stream-key rotation waits for IDLE', { channelId, state });
    return 'not-idle';
  }
  await rotateIdleChannel(clients, channelId, entry, opts);
  if (seen !== undefined) await clearPendingIf(clients.secrets, entry.key, seen, channelId, opts.logger);
  return 'rotated';
}

/** HTTP view of a refused/pending rotation. */
export function pendingConflict(channelId: string, state: string): Conflict {
  return new Conflict(
    `channel "${channelId}" is ${state}; the stream key rotates when the channel is next idle`,
    { channelId, pending: true, state },
  );
}
