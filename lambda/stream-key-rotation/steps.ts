import { ChannelState, DescribeInputCommand } from '@aws-sdk/client-medialive';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../shared/contract';
import type { Log } from '../shared/powertools';
import type { ChannelEntry } from '../shared/registry';
import {
  AWSCURRENT,
  AWSPENDING,
  channelState,
  clearPendingIf,
  generateStreamKey,
  inputSecurityGroups,
  keyOfDestination,
  reportsNoKey,
  type StreamKeyClients,
  unstage,
  updateInputKey,
  versionValue,
} from '../shared/stream-key';

export enum RotationStep {
  CREATE = 'createSecret',
  SET = 'setSecret',
  TEST = 'testSecret',
  FINISH = 'finishSecret',
}

export interface RotationRequest {
  readonly channelId: string;
  readonly entry: ChannelEntry;
  /** The version Secrets Manager is rotating to (its ClientRequestToken). */
  readonly token: string;
}

export interface StepContext {
  readonly clients: StreamKeyClients;
  readonly logger: Log;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Thrown when a step must not proceed; Secrets Manager records the failure and retries the rotation. */
export class RotationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationRefused';
  }
}

interface SecretStages {
  readonly stagesOfToken: string[] | undefined;
  readonly currentVersion: string | undefined;
  /** The version staged AWSPENDING (and not AWSCURRENT), if any. */
  readonly pendingVersion: string | undefined;
  /** Value of the pending-rotation tag, if an operator's request is pending. */
  readonly pendingTag: string | undefined;
}

async function stages(ctx: StepContext, req: RotationRequest): Promise<SecretStages> {
  const out = await ctx.clients.secrets.send(new DescribeSecretCommand({ SecretId: req.entry.key }));
  if (!out.RotationEnabled) {
    throw new RotationRefused(`stream-key secret of channel "${req.channelId}" is not enabled for rotation`);
  }
  const map = out.VersionIdsToStages ?? {};
  const currentVersion = Object.keys(map).find((v) => map[v]?.includes(AWSCURRENT));
  const pendingVersion = Object.keys(map).find(
    (v) => map[v]?.includes(AWSPENDING) && !map[v]?.includes(AWSCURRENT),
  );
  return {
    stagesOfToken: map[req.token],
    currentVersion,
    pendingVersion,
    pendingTag: (out.Tags ?? []).find((t) => t.Key === PENDING_ROTATION_TAG)?.Value,
  };
}

async function pendingKey(ctx: StepContext, req: RotationRequest): Promise<string | undefined> {
  try {
    const out = await ctx.clients.secrets.send(
      new GetSecretValueCommand({ SecretId: req.entry.key, VersionId: req.token, VersionStage: AWSPENDING }),
    );
    return out.SecretString;
  } catch (err) {
    if ((err as Error)?.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** createSecret: stage a new key as AWSPENDING under Secrets Manager's token (idempotent). */
export async function createSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  if ((await pendingKey(ctx, req)) !== undefined) {
    ctx.logger.info('createSecret: key already staged', { channelId: req.channelId, versionId: req.token });
    return;
  }
  await ctx.clients.secrets.send(
    new PutSecretValueCommand({
      SecretId: req.entry.key,
      ClientRequestToken: req.token,
      SecretString: generateStreamKey(),
      VersionStages: [AWSPENDING],
    }),
  );
  ctx.logger.info('createSecret: new key staged as AWSPENDING', {
    channelId: req.channelId,
    versionId: req.token,
  });
}

/** setSecret: point the input at the staged key, only while the channel is IDLE. */
export async function setSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  const state = await channelState(ctx.clients.medialive, req.entry);
  if (state !== ChannelState.IDLE) {
    const message = `channel "${req.channelId}" is ${state}: MediaLive edits an input only while its channel is idle, so the stream key stays unchanged; Secrets Manager retries the rotation, and the staged key is applied when the channel next reaches IDLE`;
    ctx.logger.error('setSecret refused: channel is not idle', { channelId: req.channelId, state });
    throw new RotationRefused(message);
  }
  const key = await pendingKey(ctx, req);
  if (key === undefined) {
    throw new RotationRefused(`no AWSPENDING key for version ${req.token} of channel "${req.channelId}"`);
  }
  const securityGroups = await inputSecurityGroups(ctx.clients.medialive, req.entry);
  await updateInputKey(ctx.clients.medialive, req.entry, key, { securityGroups, sleep: ctx.sleep });
  // An operator's rotation may have staged its own key (moving AWSPENDING off our version) while
  // our UpdateInput was on its way, and ours may have landed last. Then the input must serve the
  // key that will become current: the operator's staged one, or AWSCURRENT if none is staged.
  const after = await stages(ctx, req);
  if (after.stagesOfToken?.includes(AWSCURRENT)) {
    // An operator's rotation adopted our staged key and finished it: nothing left to do.
    ctx.logger.info('setSecret: version already made current by a concurrent rotation', {
      channelId: req.channelId,
      versionId: req.token,
    });
    return;
  }
  if (!after.stagesOfToken?.includes(AWSPENDING)) {
    const read = (v: string | undefined) =>
      v === undefined ? Promise.resolve(undefined) : versionValue(ctx.clients.secrets, req.entry.key, v);
    // The operator's staged key if it has one (an empty AWSPENDING is Secrets Manager's own), else AWSCURRENT.
    const stagedKey = await read(after.pendingVersion);
    const winner = stagedKey !== undefined ? after.pendingVersion : after.currentVersion;
    const winnerKey = stagedKey ?? (await read(after.currentVersion));
    if (winnerKey !== undefined)
      await updateInputKey(ctx.clients.medialive, req.entry, winnerKey, { securityGroups, sleep: ctx.sleep });
    ctx.logger.warn('setSecret: superseded by another rotation during the update; the input serves its key', {
      channelId: req.channelId,
      versionId: req.token,
      supersededBy: winner,
    });
    throw new RotationRefused(
      `version ${req.token} of the stream-key secret of "${req.channelId}" was superseded by another rotation`,
    );
  }
  ctx.logger.info('setSecret: input destinations updated', {
    channelId: req.channelId,
    versionId: req.token,
  });
}

/**
 * testSecret: the input's every endpoint serves <app>/<staged key>. When rotation is configured
 * without rotating at once (as the rotation schedule is deployed), Secrets Manager tests the
 * function by calling only this step with an AWSPENDING version it creates and then removes; if
 * that version holds no key, the input must serve the current key instead. (finishSecret never
 * promotes a version without a key.)
 */
export async function testSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  let key = await pendingKey(ctx, req);
  if (key === undefined) {
    const current = (await stages(ctx, req)).currentVersion;
    key = current === undefined ? undefined : await versionValue(ctx.clients.secrets, req.entry.key, current);
    if (key === undefined) {
      throw new RotationRefused(`no AWSPENDING or AWSCURRENT key for channel "${req.channelId}"`);
    }
    ctx.logger.info(
      'testSecret: no key staged under this version (configuration test); checking the current key',
      {
        channelId: req.channelId,
        versionId: req.token,
      },
    );
  }
  const input = await ctx.clients.medialive.send(new DescribeInputCommand({ InputId: req.entry.in }));
  const destinations = input.Destinations ?? [];
  const served = destinations.map((d) => keyOfDestination(req.entry, d));
  const matching = served.filter((k) => k === key);
  if (destinations.length === req.entry.p && destinations.every(reportsNoKey)) {
    // MediaLive reports every RTMP push destination's URL; an API that reports none (some local
    // emulators) cannot show a mismatch, and setSecret's UpdateInput already succeeded.
    ctx.logger.warn('testSecret: the input reports no destination URLs; cannot compare keys', {
      channelId: req.channelId,
    });
    return;
  }
  if (destinations.length !== req.entry.p || matching.length !== destinations.length) {
    // Counts only: the URLs carry keys.
    ctx.logger.error('testSecret: input does not serve the staged key', {
      channelId: req.channelId,
      destinations: destinations.length,
      matching: matching.length,
    });
    throw new RotationRefused(`the input of channel "${req.channelId}" does not serve the staged key`);
  }
  ctx.logger.info('testSecret: input serves the staged key', { channelId: req.channelId });
}

/** finishSecret: move AWSCURRENT to the token's version (compare-and-swap on the current one). */
export async function finishSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  const s = await stages(ctx, req);
  if (s.currentVersion !== req.token && (await pendingKey(ctx, req)) === undefined) {
    throw new RotationRefused(`no AWSPENDING key for version ${req.token} of channel "${req.channelId}"`);
  }
  if (s.currentVersion === req.token) {
    ctx.logger.info('finishSecret: version already AWSCURRENT', {
      channelId: req.channelId,
      versionId: req.token,
    });
  } else {
    await ctx.clients.secrets.send(
      new UpdateSecretVersionStageCommand({
        SecretId: req.entry.key,
        VersionStage: AWSCURRENT,
        MoveToVersionId: req.token,
        RemoveFromVersionId: s.currentVersion,
      }),
    );
    ctx.logger.info('finishSecret: stream key rotated', {
      channelId: req.channelId,
      versionId: req.token,
      previousVersionId: s.currentVersion,
    });
  }
  // The finished version keeps no AWSPENDING: a label left on it makes the next RotateSecret
  // take a rotation as still in progress (best effort; unstage logs a failure).
  await unstage(ctx.clients.secrets, req.channelId, req.entry.key, req.token, ctx.logger);
  // A scheduled rotation also satisfies an operator's pending request (unless one arrived since).
  if (s.pendingTag !== undefined)
    await clearPendingIf(ctx.clients.secrets, req.entry.key, s.pendingTag, req.channelId, ctx.logger);
}

/**
 * Runs one step after Secrets Manager's preconditions: the token must be a version of the
 * secret staged AWSPENDING (an operator rotation that superseded it moved the label away), and
 * a version that is already AWSCURRENT needs nothing more.
 */
export async function runStep(ctx: StepContext, step: RotationStep, req: RotationRequest): Promise<void> {
  const s = await stages(ctx, req);
  if (s.stagesOfToken === undefined && step === RotationStep.CREATE) {
    // Secrets Manager creates the token's version (labelled AWSPENDING) before it calls
    // createSecret; a caller that did not (a local emulator, a manual test) gets it created by
    // the PutSecretValue below, with the same label.
    ctx.logger.info('createSecret: the token is not a version yet; staging it', {
      channelId: req.channelId,
      versionId: req.token,
    });
    return createSecret(ctx, req);
  }
  if (s.stagesOfToken === undefined) {
    throw new RotationRefused(
      `version ${req.token} is not a version of the stream-key secret of "${req.channelId}"`,
    );
  }
  if (s.stagesOfToken.includes(AWSCURRENT)) {
    ctx.logger.info('rotation step skipped: version already AWSCURRENT', { channelId: req.channelId, step });
    return;
  }
  if (!s.stagesOfToken.includes(AWSPENDING)) {
    throw new RotationRefused(
      `version ${req.token} of the stream-key secret of "${req.channelId}" is not AWSPENDING (superseded by another rotation)`,
    );
  }
  switch (step) {
    case RotationStep.CREATE:
      return createSecret(ctx, req);
    case RotationStep.SET:
      return setSecret(ctx, req);
    case RotationStep.TEST:
      return testSecret(ctx, req);
    case RotationStep.FINISH:
      return finishSecret(ctx, req);
  }
}
