/**
 * The rotation engine: rotates one channel's credential of any kind (credential.ts) while the
 * channel is idle (rotate-idle.ts), records the request as pending while it is not (pending.ts),
 * and applies a pending request at the next IDLE. A live streamer is never cut off: MediaLive
 * edits an input only while its channel is idle.
 */
import { ChannelState } from '@aws-sdk/client-medialive';
import { apiStateOfEvent } from '../shared/channel-state';
import { type Credential, type InputView, type RotationClients, secretOf } from './credential';
import { ChannelLeftIdle, ChannelNotIdleYet, InputBusy, InputNotUpdated } from './errors';
import { channelState, describeInput } from './input';
import { clearPendingIf, markPending, pendingTagValue } from './pending';
import { type Rotated, type RotateOptions, rotateIdleChannel } from './rotate-idle';
import { AWSCURRENT, listVersions, stagedRotation, versionWith } from './versions';

export type RotationOutcome =
  | {
      readonly rotated: true;
      readonly value: string;
      /** The input serving the new value. */
      readonly input: InputView;
      /** A request recorded during this rotation is still pending (or its tag could not be cleared). */
      readonly rotationPending: boolean;
    }
  | { readonly rotated: false; readonly pending: true; readonly state: string };

/**
 * The operator's rotation: now if the channel is IDLE, otherwise recorded as pending (applied
 * by the channel-state handler when the channel reaches IDLE).
 */
export async function requestRotation(
  clients: RotationClients,
  c: Credential,
  opts: RotateOptions,
): Promise<RotationOutcome> {
  const { channelId } = c;
  const now = opts.now ?? (() => new Date());
  const state = await channelState(clients.medialive, c.entry);
  if (state !== ChannelState.IDLE) {
    await markPending(clients.secrets, secretOf(c), now());
    // The channel may have reached IDLE (and its IDLE event been handled) before the tag existed.
    const after = await channelState(clients.medialive, c.entry).catch(() => state);
    if (after !== ChannelState.IDLE) {
      opts.logger.info('channel is not idle; rotation recorded as pending', {
        channelId,
        credential: c.kind.id,
        state: after,
      });
      return { rotated: false, pending: true, state: after };
    }
    opts.logger.info('channel reached IDLE while the request was recorded; rotating now', { channelId });
  }
  return rotateNow(clients, c, opts);
}

async function rotateNow(
  clients: RotationClients,
  c: Credential,
  opts: RotateOptions,
): Promise<RotationOutcome> {
  const { channelId } = c;
  const arn = secretOf(c);
  const seen = await pendingTagValue(clients.secrets, arn);
  let rotated: Rotated;
  try {
    rotated = await rotateIdleChannel(clients, c, opts);
  } catch (err) {
    if (err instanceof ChannelLeftIdle) {
      await markPending(clients.secrets, arn, (opts.now ?? (() => new Date()))());
      opts.logger.info('channel left IDLE during the rotation; recorded as pending', {
        channelId,
        state: err.state,
      });
      return { rotated: false, pending: true, state: err.state };
    }
    if (!(err instanceof InputNotUpdated)) throw err;
    // Decided from the channel's state now, not from the error's name.
    const state = await channelState(clients.medialive, c.entry).catch(() => undefined);
    if (state === undefined) throw err.awsError;
    if (state !== ChannelState.IDLE) {
      await markPending(clients.secrets, arn, (opts.now ?? (() => new Date()))());
      opts.logger.info('channel left IDLE during the rotation; recorded as pending', { channelId, state });
      return { rotated: false, pending: true, state };
    }
    if ((err.awsError as Error)?.name === 'ConflictException') throw new InputBusy(channelId, state);
    throw err.awsError;
  }
  const rotationPending = await clearPendingIf(clients.secrets, arn, seen, channelId, opts.logger);
  let input = rotated.input;
  // The answer lists the input's endpoints: read them if UpdateInput's answer did not carry them.
  if ((input.Destinations ?? []).length === 0) {
    input = await describeInput(clients.medialive, c.entry).catch(() => ({}));
  }
  return { rotated: true, value: rotated.value, input, rotationPending };
}

/**
 * Applies a pending rotation (tag, or a staged AWSPENDING left by a scheduled rotation refused
 * while live, or by an interrupted one) when the channel is IDLE. `eventState` (with
 * `eventPipelinesRunning`) is what the triggering event reported: one that means the channel is
 * now idle (the event's STOPPED with no pipeline left running, or IDLE: see apiStateOfEvent) but
 * that DescribeChannel does not show yet throws {@link ChannelNotIdleYet} so Lambda retries it.
 */
export async function applyPendingRotation(
  clients: RotationClients,
  c: Credential,
  opts: RotateOptions & { eventState?: string; eventPipelinesRunning?: number },
): Promise<'rotated' | 'nothing-pending' | 'not-idle'> {
  const { channelId } = c;
  const arn = secretOf(c);
  const [seen, versions] = await Promise.all([
    pendingTagValue(clients.secrets, arn),
    listVersions(clients.secrets, arn),
  ]);
  const current = versionWith(versions, AWSCURRENT);
  const staged =
    current === undefined ? undefined : await stagedRotation(clients.secrets, arn, versions, current);
  if (seen === undefined && staged === undefined) return 'nothing-pending';
  const state = await channelState(clients.medialive, c.entry);
  if (state !== ChannelState.IDLE) {
    const reportsIdle =
      opts.eventState !== undefined &&
      apiStateOfEvent(opts.eventState, opts.eventPipelinesRunning) === ChannelState.IDLE;
    if (reportsIdle) throw new ChannelNotIdleYet(channelId, state);
    opts.logger.info('pending rotation waits for IDLE', { channelId, credential: c.kind.id, state });
    return 'not-idle';
  }
  try {
    await rotateIdleChannel(clients, c, opts);
  } catch (err) {
    // Started again before the new value was current: nothing changed, the request still waits.
    if (err instanceof ChannelLeftIdle) return 'not-idle';
    throw err;
  }
  if (seen !== undefined) await clearPendingIf(clients.secrets, arn, seen, channelId, opts.logger);
  return 'rotated';
}
