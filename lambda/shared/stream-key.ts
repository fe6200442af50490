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
import { Conflict } from './errors';
import type { ChannelEntry } from './registry';

/**
 * Tag on the stream-key secret that records an operator's rotation request made while the
 * channel was live (value: ISO time of the request). A tag, not a secret version: the
 * SecretString must stay the bare key (CloudFormation resolves it into the input), a tag
 * creates no version and needs no secret-value access to read, and no key is generated until
 * the channel is idle (a staged AWSPENDING version would make Secrets Manager treat a rotation
 * as in progress for as long as the channel stays live).
 */
export const PENDING_TAG = 'onair:rotation-pending';
export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
/** RTMP port MediaLive listens on for RTMP_PUSH inputs. */
export const RTMP_PORT = '1935';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 32 characters from 62 symbols ≈ 190 bits. */
export const KEY_LENGTH = 32;

export interface StreamKeyClients {
  readonly medialive: MediaLiveClient;
  readonly secrets: SecretsManagerClient;
}

/** Logging surface used here; never given a key. */
export interface KeyLogger {
  info(msg: string, ...extra: Record<string, unknown>[]): void;
  warn(msg: string, ...extra: Record<string, unknown>[]): void;
  error(msg: string, ...extra: Record<string, unknown>[]): void;
}

/** A new stream key: URL-safe (alphanumerics only, which every encoder accepts), ≈190 bits. */
export function generateStreamKey(): string {
  let key = '';
  while (key.length < KEY_LENGTH) {
    for (const byte of randomBytes(KEY_LENGTH * 2)) {
      // Rejection sampling keeps the distribution uniform (248 = 4 × 62).
      if (byte < 248 && key.length < KEY_LENGTH) key += KEY_ALPHABET[byte % KEY_ALPHABET.length];
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
  /** OBS "Server": rtmp://<ip>:1935/<app>. */
  readonly server: string;
  /** OBS "Stream Key". */
  readonly streamKey: string;
}

export interface IngestDetails {
  readonly channelId: string;
  readonly state: string;
  readonly endpoints: IngestEndpoint[];
  /** A rotation was requested while the channel was live; it runs when the channel is next idle. */
  readonly rotationPending: boolean;
}

async function currentKey(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  const out = await secrets.send(
    new GetSecretValueCommand({ SecretId: secretArn, VersionStage: AWSCURRENT }),
  );
  if (out.SecretString === undefined) throw new Error('the stream-key secret has no string value');
  return out.SecretString;
}

export async function isRotationPending(secrets: SecretsManagerClient, secretArn: string): Promise<boolean> {
  const out = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
  return (out.Tags ?? []).some((t) => t.Key === PENDING_TAG);
}

/** Ingest details for OBS: one endpoint per pipeline, from the input's destinations and the current key. */
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
  const endpoints = (input.Destinations ?? []).map((d) => ({
    server: `rtmp://${d.Ip}:${d.Port ?? RTMP_PORT}/${entry.app}`,
    streamKey: key,
  }));
  return { channelId, state, endpoints, rotationPending };
}

/** Retries MediaLive ConflictException (the input or channel is changing state) with backoff; the SDK retries throttling and 5xx itself. */
export async function withConflictRetry<T>(
  fn: () => Promise<T>,
  opts: { attempts?: number; baseDelayMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const base = opts.baseDelayMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
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
async function versionValue(
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

export async function updateInputKey(
  medialive: MediaLiveClient,
  entry: ChannelEntry,
  key: string,
  sleep?: (ms: number) => Promise<void>,
): Promise<void> {
  await withConflictRetry(
    () =>
      medialive.send(
        new UpdateInputCommand({ InputId: entry.in, Destinations: destinationsFor(entry, key) }),
      ),
    { sleep },
  );
}

export interface RotateOptions {
  readonly logger: KeyLogger;
  /** Backoff sleep (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Rotates the key of an IDLE channel: stage the new key as AWSPENDING (ClientRequestToken
 * derived from the current version), point the input's destinations at it, then move
 * AWSCURRENT to it (compare-and-swap: RemoveFromVersionId names the version we started from,
 * so a concurrent promotion makes ours fail instead of overwriting it).
 *
 * - An AWSPENDING version with a value that is not AWSCURRENT (an unfinished rotation: ours, or
 *   Secrets Manager's scheduled one) is finished rather than raced: its key is adopted.
 * - UpdateInput fails → AWSCURRENT is untouched and the input keeps the old key.
 * - PutSecretValue fails → UpdateInput is never called.
 * - The promotion fails → the input is put back on the current key.
 */
export async function rotateIdleChannel(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  opts: RotateOptions,
): Promise<void> {
  const { secrets, medialive } = clients;
  const arn = entry.key;
  const versions = await listVersions(secrets, arn);
  const current = versionWith(versions, AWSCURRENT);
  if (current === undefined)
    throw new Error(`stream-key secret of channel "${channelId}" has no AWSCURRENT version`);

  let token: string | undefined;
  let key: string | undefined;
  const staged = versions.find(
    (v) => v.VersionStages?.includes(AWSPENDING) && !v.VersionStages.includes(AWSCURRENT),
  )?.VersionId;
  if (staged !== undefined) {
    key = await versionValue(secrets, arn, staged);
    if (key !== undefined) {
      token = staged;
      opts.logger.info('finishing a staged stream-key rotation', { channelId, versionId: staged });
    }
  }
  if (token === undefined || key === undefined) {
    token = rotationToken(current);
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
      key = await versionValue(secrets, arn, token);
      if (key === undefined) throw err;
      opts.logger.info('adopting the key a concurrent rotation staged', { channelId, versionId: token });
    }
  }

  // MediaLive edits an input only while its channel is idle; if the channel started meanwhile
  // this fails and nothing else has changed (AWSPENDING is finished by the next rotation).
  await updateInputKey(medialive, entry, key, opts.sleep);

  try {
    await secrets.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: AWSCURRENT,
        MoveToVersionId: token,
        RemoveFromVersionId: current,
      }),
    );
  } catch (err) {
    const now = versionWith(await listVersions(secrets, arn).catch(() => []), AWSCURRENT);
    if (now === token) {
      opts.logger.info('a concurrent rotation already promoted the same key', {
        channelId,
        versionId: token,
      });
    } else {
      await restoreInput(clients, channelId, entry, opts);
      throw err;
    }
  }
  opts.logger.info('stream key rotated', { channelId, versionId: token, previousVersionId: current });

  // Tidy up: AWSPENDING on the AWSCURRENT version is a finished rotation either way.
  try {
    await secrets.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: AWSPENDING,
        RemoveFromVersionId: token,
      }),
    );
  } catch (err) {
    opts.logger.warn('could not remove AWSPENDING after rotation (harmless)', {
      channelId,
      errorName: (err as Error)?.name,
    });
  }
}

/** Points the input back at whatever key is AWSCURRENT (after a failed promotion). */
async function restoreInput(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  opts: RotateOptions,
): Promise<void> {
  try {
    await updateInputKey(clients.medialive, entry, await currentKey(clients.secrets, entry.key), opts.sleep);
    opts.logger.warn('promotion failed; input restored to the current key', { channelId });
  } catch (err) {
    opts.logger.error(
      'promotion failed and the input could not be restored; the next rotation of this channel repairs it',
      { channelId, errorName: (err as Error)?.name },
    );
  }
}

export async function markPending(secrets: SecretsManagerClient, secretArn: string, at: Date): Promise<void> {
  await secrets.send(
    new TagResourceCommand({ SecretId: secretArn, Tags: [{ Key: PENDING_TAG, Value: at.toISOString() }] }),
  );
}

export async function clearPending(secrets: SecretsManagerClient, secretArn: string): Promise<void> {
  await secrets.send(new UntagResourceCommand({ SecretId: secretArn, TagKeys: [PENDING_TAG] }));
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
  opts: RotateOptions & { now?: () => Date },
): Promise<RotationOutcome> {
  const state = await channelState(clients.medialive, entry);
  const now = opts.now ?? (() => new Date());
  if (state !== ChannelState.IDLE) {
    await markPending(clients.secrets, entry.key, now());
    opts.logger.info('channel is not idle; stream-key rotation recorded as pending', { channelId, state });
    return { rotated: false, pending: true, state };
  }
  try {
    await rotateIdleChannel(clients, channelId, entry, opts);
  } catch (err) {
    if ((err as Error)?.name === 'ConflictException') {
      // The channel left IDLE between our check and UpdateInput: same as a live channel.
      await markPending(clients.secrets, entry.key, now());
      const after = await channelState(clients.medialive, entry).catch(() => state);
      opts.logger.info('channel changed state during rotation; recorded as pending', {
        channelId,
        state: after,
      });
      return { rotated: false, pending: true, state: after };
    }
    throw err;
  }
  await clearPending(clients.secrets, entry.key);
  return { rotated: true, details: await ingestDetails(clients, channelId, entry) };
}

/**
 * Applies a pending rotation (tag, or a staged AWSPENDING left by a scheduled rotation that
 * was refused while live) when the channel is IDLE. Returns what it did.
 */
export async function applyPendingRotation(
  clients: StreamKeyClients,
  channelId: string,
  entry: ChannelEntry,
  opts: RotateOptions,
): Promise<'rotated' | 'nothing-pending' | 'not-idle'> {
  const [tagged, versions] = await Promise.all([
    isRotationPending(clients.secrets, entry.key),
    listVersions(clients.secrets, entry.key),
  ]);
  const staged = versions.some(
    (v) => v.VersionStages?.includes(AWSPENDING) && !v.VersionStages.includes(AWSCURRENT),
  );
  if (!tagged && !staged) return 'nothing-pending';
  const state = await channelState(clients.medialive, entry);
  if (state !== ChannelState.IDLE) {
    opts.logger.info('pending stream-key rotation waits for IDLE', { channelId, state });
    return 'not-idle';
  }
  await rotateIdleChannel(clients, channelId, entry, opts);
  if (tagged) await clearPending(clients.secrets, entry.key);
  return 'rotated';
}

/** HTTP view of a refused/pending rotation. */
export function pendingConflict(channelId: string, state: string): Conflict {
  return new Conflict(
    `channel "${channelId}" is ${state}; the stream key rotates when the channel is next idle`,
    { channelId, pending: true, state },
  );
}
