/**
 * The Secrets Manager rotation protocol (createSecret, setSecret, testSecret, finishSecret) for a
 * credential of any kind, refusing while the channel is not idle: the scheduled counterpart of
 * the engine's operator rotation, sharing its staging labels and pending marker.
 */
import { ChannelState } from '@aws-sdk/client-medialive';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../shared/contract';
import type { Log } from '../shared/powertools';
import { type Credential, type RotationClients, reportsNothing, secretOf } from './credential';
import { RotationRefused } from './errors';
import { channelState, describeInput, updateInput } from './input';
import { clearPendingIf } from './pending';
import { AWSCURRENT, AWSPENDING, unstage, versionValue } from './versions';

export enum RotationStep {
  CREATE = 'createSecret',
  SET = 'setSecret',
  TEST = 'testSecret',
  FINISH = 'finishSecret',
}

export interface RotationRequest {
  readonly credential: Credential;
  /** The version Secrets Manager is rotating to (its ClientRequestToken). */
  readonly token: string;
}

export interface StepContext {
  readonly clients: RotationClients;
  readonly logger: Log;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface SecretStages {
  readonly stagesOfToken: string[] | undefined;
  readonly currentVersion: string | undefined;
  /** The version staged AWSPENDING (and not AWSCURRENT), if any. */
  readonly pendingVersion: string | undefined;
  /** Value of the pending-rotation tag, if an operator's request is pending. */
  readonly pendingTag: string | undefined;
}

/** "the stream key secret of "main"", for messages. */
function secretName(req: RotationRequest): string {
  return `the ${req.credential.kind.name} secret of "${req.credential.channelId}"`;
}

async function stages(ctx: StepContext, req: RotationRequest): Promise<SecretStages> {
  const out = await ctx.clients.secrets.send(
    new DescribeSecretCommand({ SecretId: secretOf(req.credential) }),
  );
  if (!out.RotationEnabled) throw new RotationRefused(`${secretName(req)} is not enabled for rotation`);
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

async function pendingValue(ctx: StepContext, req: RotationRequest): Promise<string | undefined> {
  try {
    const out = await ctx.clients.secrets.send(
      new GetSecretValueCommand({
        SecretId: secretOf(req.credential),
        VersionId: req.token,
        VersionStage: AWSPENDING,
      }),
    );
    return out.SecretString;
  } catch (err) {
    if ((err as Error)?.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** createSecret: stage a new value as AWSPENDING under Secrets Manager's token (idempotent). */
export async function createSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  const { channelId, kind } = req.credential;
  if ((await pendingValue(ctx, req)) !== undefined) {
    ctx.logger.info('createSecret: value already staged', { channelId, versionId: req.token });
    return;
  }
  await ctx.clients.secrets.send(
    new PutSecretValueCommand({
      SecretId: secretOf(req.credential),
      ClientRequestToken: req.token,
      SecretString: kind.generate(),
      VersionStages: [AWSPENDING],
    }),
  );
  ctx.logger.info('createSecret: new value staged as AWSPENDING', { channelId, versionId: req.token });
}

/** setSecret: update the input to accept the staged value, only while the channel is IDLE. */
export async function setSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  const c = req.credential;
  const { channelId, entry, kind } = c;
  const { medialive } = ctx.clients;
  const state = await channelState(medialive, entry);
  if (state !== ChannelState.IDLE) {
    const message = `channel "${channelId}" is ${state}: MediaLive edits an input only while its channel is idle, so the ${kind.name} stays unchanged; Secrets Manager retries the rotation, and the staged value is applied when the channel next reaches IDLE`;
    ctx.logger.error('setSecret refused: channel is not idle', { channelId, state });
    throw new RotationRefused(message);
  }
  const value = await pendingValue(ctx, req);
  if (value === undefined) {
    throw new RotationRefused(`no AWSPENDING value for version ${req.token} of ${secretName(req)}`);
  }
  const current = await describeInput(medialive, entry);
  const securityGroups = current.SecurityGroups ?? [];
  await updateInput(medialive, entry, kind.inputFields(entry, value, current), {
    securityGroups,
    sleep: ctx.sleep,
  });
  // An operator's rotation may have staged its own value (moving AWSPENDING off our version)
  // while our UpdateInput was on its way, and ours may have landed last. Then the input must
  // serve the value that will become current: the operator's staged one, or AWSCURRENT if none is.
  const after = await stages(ctx, req);
  if (after.stagesOfToken?.includes(AWSCURRENT)) {
    // An operator's rotation adopted our staged value and finished it: nothing left to do.
    ctx.logger.info('setSecret: version already made current by a concurrent rotation', {
      channelId,
      versionId: req.token,
    });
    return;
  }
  if (!after.stagesOfToken?.includes(AWSPENDING)) {
    const read = (v: string | undefined) =>
      v === undefined ? Promise.resolve(undefined) : versionValue(ctx.clients.secrets, secretOf(c), v);
    // The operator's staged value if it has one (an empty AWSPENDING is Secrets Manager's own), else AWSCURRENT.
    const stagedValue = await read(after.pendingVersion);
    const winner = stagedValue !== undefined ? after.pendingVersion : after.currentVersion;
    const winnerValue = stagedValue ?? (await read(after.currentVersion));
    if (winnerValue !== undefined)
      await updateInput(medialive, entry, kind.inputFields(entry, winnerValue, current), {
        securityGroups,
        sleep: ctx.sleep,
      });
    ctx.logger.warn(
      'setSecret: superseded by another rotation during the update; the input serves its value',
      {
        channelId,
        versionId: req.token,
        supersededBy: winner,
      },
    );
    throw new RotationRefused(
      `version ${req.token} of ${secretName(req)} was superseded by another rotation`,
    );
  }
  ctx.logger.info('setSecret: input updated', { channelId, versionId: req.token });
}

/**
 * testSecret: the input's every endpoint accepts the staged value. When rotation is configured
 * without rotating at once (as the rotation schedule is deployed), Secrets Manager tests the
 * function by calling only this step with an AWSPENDING version it creates and then removes; if
 * that version holds no value, the input must accept the current value instead. (finishSecret
 * never promotes a version without a value.)
 */
export async function testSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  const c = req.credential;
  const { channelId } = c;
  let value = await pendingValue(ctx, req);
  if (value === undefined) {
    const current = (await stages(ctx, req)).currentVersion;
    value = current === undefined ? undefined : await versionValue(ctx.clients.secrets, secretOf(c), current);
    if (value === undefined)
      throw new RotationRefused(`no AWSPENDING or AWSCURRENT value in ${secretName(req)}`);
    ctx.logger.info(
      'testSecret: no value staged under this version (configuration test); checking the current one',
      {
        channelId,
        versionId: req.token,
      },
    );
  }
  const input = await describeInput(ctx.clients.medialive, c.entry);
  if (reportsNothing(c, input)) {
    // An SRT input names the secret (MediaLive reads AWSCURRENT when the channel starts): nothing
    // to compare. MediaLive reports every RTMP push destination's URL; an API that reports none
    // (some local emulators) cannot show a mismatch, and setSecret's UpdateInput already succeeded.
    const message = 'testSecret: the input holds no value on its endpoints; nothing to compare';
    if (c.kind.readAtStart) ctx.logger.info(message, { channelId, credential: c.kind.id });
    else ctx.logger.warn(message, { channelId, credential: c.kind.id });
    return;
  }
  const endpoints = c.kind.endpoints(c.entry, input);
  const matching = endpoints.filter((e) => e.value === value).length;
  if (endpoints.length !== c.entry.p || matching !== endpoints.length) {
    // Counts only: the endpoints carry the credential.
    ctx.logger.error('testSecret: input does not serve the staged value', {
      channelId,
      endpoints: endpoints.length,
      matching,
    });
    throw new RotationRefused(`the input of channel "${channelId}" does not serve the staged ${c.kind.name}`);
  }
  ctx.logger.info('testSecret: input serves the staged value', { channelId });
}

/**
 * finishSecret: move AWSCURRENT to the token's version (compare-and-swap on the current one). A
 * credential MediaLive reads when the channel starts (SRT) moves only while the channel is IDLE:
 * otherwise the step is refused, and the staged value is applied at the next IDLE.
 */
export async function finishSecret(ctx: StepContext, req: RotationRequest): Promise<void> {
  const c = req.credential;
  const { channelId } = c;
  const arn = secretOf(c);
  const s = await stages(ctx, req);
  if (s.currentVersion !== req.token && (await pendingValue(ctx, req)) === undefined) {
    throw new RotationRefused(`no AWSPENDING value for version ${req.token} of ${secretName(req)}`);
  }
  if (s.currentVersion !== req.token && c.kind.readAtStart) {
    const state = await channelState(ctx.clients.medialive, c.entry);
    if (state !== ChannelState.IDLE) {
      ctx.logger.error('finishSecret refused: channel is not idle', { channelId, state });
      throw new RotationRefused(
        `channel "${channelId}" is ${state}: MediaLive reads the ${c.kind.name} when the channel starts, so it stays unchanged; Secrets Manager retries the rotation, and the staged value is applied when the channel next reaches IDLE`,
      );
    }
  }
  if (s.currentVersion === req.token) {
    ctx.logger.info('finishSecret: version already AWSCURRENT', { channelId, versionId: req.token });
  } else {
    await ctx.clients.secrets.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: AWSCURRENT,
        MoveToVersionId: req.token,
        RemoveFromVersionId: s.currentVersion,
      }),
    );
    ctx.logger.info(`finishSecret: ${c.kind.name} rotated`, {
      channelId,
      versionId: req.token,
      previousVersionId: s.currentVersion,
    });
  }
  // The finished version keeps no AWSPENDING: a label left on it makes the next RotateSecret
  // take a rotation as still in progress (best effort; unstage logs a failure).
  await unstage(ctx.clients.secrets, channelId, arn, req.token, ctx.logger);
  // A scheduled rotation also satisfies an operator's pending request (unless one arrived since).
  if (s.pendingTag !== undefined)
    await clearPendingIf(ctx.clients.secrets, arn, s.pendingTag, channelId, ctx.logger);
}

/**
 * Runs one step after Secrets Manager's preconditions: the token must be a version of the
 * secret staged AWSPENDING (an operator rotation that superseded it moved the label away), and
 * a version that is already AWSCURRENT needs nothing more.
 */
export async function runStep(ctx: StepContext, step: RotationStep, req: RotationRequest): Promise<void> {
  const { channelId } = req.credential;
  const s = await stages(ctx, req);
  if (s.stagesOfToken === undefined && step === RotationStep.CREATE) {
    // Secrets Manager creates the token's version (labelled AWSPENDING) before it calls
    // createSecret; a caller that did not (a local emulator, a manual test) gets it created by
    // the PutSecretValue below, with the same label.
    ctx.logger.info('createSecret: the token is not a version yet; staging it', {
      channelId,
      versionId: req.token,
    });
    return createSecret(ctx, req);
  }
  if (s.stagesOfToken === undefined)
    throw new RotationRefused(`version ${req.token} is not a version of ${secretName(req)}`);
  if (s.stagesOfToken.includes(AWSCURRENT)) {
    ctx.logger.info('rotation step skipped: version already AWSCURRENT', { channelId, step });
    return;
  }
  if (!s.stagesOfToken.includes(AWSPENDING)) {
    throw new RotationRefused(
      `version ${req.token} of ${secretName(req)} is not AWSPENDING (superseded by another rotation)`,
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
