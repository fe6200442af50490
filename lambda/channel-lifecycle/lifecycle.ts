import {
  ChannelState,
  DescribeChannelCommand,
  type MediaLiveClient,
  StartChannelCommand,
  StopChannelCommand,
} from '@aws-sdk/client-medialive';
import { GONE_STATES } from '../shared/channel-state';
import { DEPLOYMENT_TAG } from '../shared/contract';
import { fromAwsError } from '../shared/errors';
import type { Log } from '../shared/powertools';

export enum LifecycleKind {
  /** On Delete, stop the channel and wait for IDLE so CloudFormation can delete it. */
  SAFE_DELETE = 'SafeDelete',
  /** On Create, start the channel (config `autoStart`). */
  AUTO_START = 'AutoStart',
}

/** What a Custom::OnAirChannelLifecycle event carries (the Provider framework's onEvent/isComplete input). */
export interface LifecycleEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: {
    readonly Kind: LifecycleKind;
    /** MediaLive channel id. */
    readonly ChannelId: string;
    readonly [other: string]: unknown;
  };
}

const REQUEST_TYPES: readonly string[] = ['Create', 'Update', 'Delete'];
const KINDS: readonly string[] = [LifecycleKind.SAFE_DELETE, LifecycleKind.AUTO_START];

/**
 * Checks the event field by field (a few explicit checks instead of a schema library in the
 * bundle); a mismatch is a deployment error naming the first field that does not fit.
 */
export function parseLifecycleEvent(event: unknown): LifecycleEvent {
  const fail = (what: string): never => {
    throw new Error(`invalid lifecycle event: ${what}`);
  };
  if (typeof event !== 'object' || event === null) return fail('expected an object');
  const e = event as Record<string, unknown>;
  if (typeof e.RequestType !== 'string' || !REQUEST_TYPES.includes(e.RequestType))
    fail(`RequestType must be one of ${REQUEST_TYPES.join(', ')}, got ${JSON.stringify(e.RequestType)}`);
  if (e.PhysicalResourceId !== undefined && typeof e.PhysicalResourceId !== 'string')
    fail('PhysicalResourceId must be a string');
  const props = e.ResourceProperties as Record<string, unknown> | undefined;
  if (typeof props !== 'object' || props === null) return fail('ResourceProperties must be an object');
  if (typeof props.Kind !== 'string' || !KINDS.includes(props.Kind))
    fail(`ResourceProperties.Kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(props.Kind)}`);
  if (typeof props.ChannelId !== 'string' || props.ChannelId === '')
    fail('ResourceProperties.ChannelId must be a non-empty string');
  return event as LifecycleEvent;
}

/** What both the Provider's onEvent and isComplete receive back (no Data: isComplete forbids it while incomplete). */
export interface LifecycleResult {
  readonly PhysicalResourceId: string;
  readonly IsComplete: boolean;
}

/** Channel states from which StopChannel applies. */
const STOPPABLE: ReadonlySet<string> = new Set([ChannelState.RUNNING, ChannelState.RECOVERING]);

/** MediaLive refused a call for lack of permission (HTTP 403: ForbiddenException, AccessDenied…). */
export function isAccessDenied(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return (
    e?.$metadata?.httpStatusCode === 403 ||
    ['ForbiddenException', 'AccessDeniedException', 'AccessDenied'].includes(e?.name ?? '')
  );
}

/** MediaLive refused a call to a channel for lack of permission. */
export class ChannelAccessDenied extends Error {
  constructor(
    readonly action: string,
    readonly channelId: string,
  ) {
    super(`MediaLive refused medialive:${action} on channel ${channelId} (access denied)`);
    this.name = 'ChannelAccessDenied';
  }
}

/**
 * What a refused safe delete fails with. Safe delete never reports success without having seen
 * the channel stopped or gone: a refusal fails the Delete, CloudFormation shows this message as
 * the resource's DELETE_FAILED reason, and it says what may be left running and what to do. (A
 * success would let CloudFormation go on to delete a channel nobody saw stop. In an update's
 * cleanup phase CloudFormation skips resources it fails to delete and still completes the
 * update, as aws/aws-cdk-cli#1564 describes, so this reason is the trace an operator sees.)
 */
export function safeDeleteRefused(err: ChannelAccessDenied): Error {
  const id = err.channelId;
  return new Error(
    `${err.message}, so OnAir could not make sure the channel is stopped before CloudFormation deletes it: ` +
      `the lifecycle function may act only on channels tagged ${DEPLOYMENT_TAG} with this stack's name ` +
      '(a deployment made before that tag existed tags its channels at its next deploy). It may still be running and billing: ' +
      `check it (aws medialive describe-channel --channel-id ${id}), stop it (aws medialive stop-channel --channel-id ${id}) ` +
      `and, if it is still there, delete it (aws medialive delete-channel --channel-id ${id}).`,
  );
}

async function send<T>(action: string, channelId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAccessDenied(err)) throw new ChannelAccessDenied(action, channelId);
    throw err;
  }
}

async function describeState(medialive: MediaLiveClient, channelId: string): Promise<string> {
  try {
    const res = await send('DescribeChannel', channelId, () =>
      medialive.send(new DescribeChannelCommand({ ChannelId: channelId })),
    );
    return res.State ?? 'UNKNOWN';
  } catch (err) {
    // Deleted outside CloudFormation: nothing is left to stop.
    if ((err as Error).name === 'NotFoundException') return ChannelState.DELETED;
    throw err;
  }
}

/**
 * One step of safe delete, idempotent so onEvent and every isComplete poll run the same code:
 * stop a running channel, wait through transitions, finish once it is IDLE or gone.
 */
export async function safeDeleteStep(
  medialive: MediaLiveClient,
  channelId: string,
  log: Log,
): Promise<boolean> {
  const state = await describeState(medialive, channelId);
  if (state === ChannelState.IDLE || GONE_STATES.has(state) || state === ChannelState.DELETING) {
    log.info('channel can be deleted', { channelId, state });
    return true;
  }
  if (STOPPABLE.has(state)) {
    log.info('stopping the channel before CloudFormation deletes it', { channelId, state });
    await send('StopChannel', channelId, () =>
      medialive.send(new StopChannelCommand({ ChannelId: channelId })),
    );
    return false;
  }
  // STARTING, STOPPING, CREATING, UPDATING: wait for the next poll.
  log.info('waiting for the channel to settle', { channelId, state });
  return false;
}

/** Starts an IDLE channel once, right after CloudFormation created it; any other state is left alone. */
export async function autoStart(medialive: MediaLiveClient, channelId: string, log: Log): Promise<void> {
  const state = await describeState(medialive, channelId);
  if (state !== ChannelState.IDLE) {
    log.info('auto-start skipped', { channelId, state });
    return;
  }
  try {
    await send('StartChannel', channelId, () =>
      medialive.send(new StartChannelCommand({ ChannelId: channelId })),
    );
    log.info('auto-started the channel', { channelId });
  } catch (err) {
    // Someone else changed its state meanwhile: the deployment itself is fine.
    if ((err as Error).name === 'ConflictException') {
      log.warn('auto-start conflicted with another state change', { channelId });
      return;
    }
    throw err;
  }
}

/** The MediaLive channel id in a physical id `<Kind>:<channel id>`; undefined for any other shape. */
export function channelOfPhysicalId(physicalId: string | undefined): string | undefined {
  const m = /^(?:SafeDelete|AutoStart):(.+)$/.exec(physicalId ?? '');
  return m?.[1];
}

export async function handleLifecycle(
  medialive: MediaLiveClient,
  event: LifecycleEvent,
  log: Log,
): Promise<LifecycleResult> {
  const { Kind, ChannelId } = event.ResourceProperties;
  // A new MediaLive channel id gives a new physical id, so CloudFormation deletes the old
  // resource (and safe delete stops the old channel) while the new one is never touched.
  const PhysicalResourceId = `${Kind}:${ChannelId}`;
  if (event.RequestType === 'Create') {
    if (Kind === LifecycleKind.AUTO_START) await autoStart(medialive, ChannelId, log);
    return { PhysicalResourceId, IsComplete: true };
  }
  if (event.RequestType === 'Update' || Kind !== LifecycleKind.SAFE_DELETE)
    return { PhysicalResourceId, IsComplete: true };
  const physical = event.PhysicalResourceId ?? PhysicalResourceId;
  // The physical id names the channel this resource was created for; the properties of a
  // Delete can describe a different one (e.g. the replacement after the channel id changed).
  const target = channelOfPhysicalId(event.PhysicalResourceId) ?? ChannelId;
  try {
    return { PhysicalResourceId: physical, IsComplete: await safeDeleteStep(medialive, target, log) };
  } catch (err) {
    if (err instanceof ChannelAccessDenied) throw safeDeleteRefused(err);
    // Throttling, an AWS fault or a concurrent state change is not a verdict: poll again.
    const mapped = fromAwsError(err);
    if (mapped && (mapped.statusCode >= 500 || mapped.statusCode === 409)) {
      log.warn('transient MediaLive error; will retry', {
        channelId: target,
        errorName: (err as Error).name,
      });
      return { PhysicalResourceId: physical, IsComplete: false };
    }
    throw err;
  }
}
