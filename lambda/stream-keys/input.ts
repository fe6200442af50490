import {
  DescribeChannelCommand,
  DescribeInputCommand,
  type MediaLiveClient,
  UpdateInputCommand,
  type UpdateInputRequest,
} from '@aws-sdk/client-medialive';
import type { ChannelEntry } from '../shared/registry';
import type { InputView } from './credential';

/** The channel's state as DescribeChannel reports it. */
export async function channelState(medialive: MediaLiveClient, entry: ChannelEntry): Promise<string> {
  const out = await medialive.send(new DescribeChannelCommand({ ChannelId: entry.ml }));
  return out.State ?? 'UNKNOWN';
}

/** The channel's input as DescribeInput reports it. */
export async function describeInput(medialive: MediaLiveClient, entry: ChannelEntry): Promise<InputView> {
  return medialive.send(new DescribeInputCommand({ InputId: entry.in }));
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

export interface UpdateInputOptions {
  /** The input's security groups (from DescribeInput), named again so the update keeps them attached. */
  readonly securityGroups?: readonly string[];
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborts the request (and the conflict retries) when the caller's time budget runs out. */
  readonly abortSignal?: AbortSignal;
}

/**
 * Updates the input (MediaLive edits an input only while its channel is idle), retrying
 * conflicts; returns the input as UpdateInput reports it after the update.
 */
export async function updateInput(
  medialive: MediaLiveClient,
  entry: ChannelEntry,
  fields: Omit<UpdateInputRequest, 'InputId' | 'InputSecurityGroups'>,
  opts: UpdateInputOptions = {},
): Promise<InputView> {
  const groups = opts.securityGroups ?? [];
  const out = await withConflictRetry(
    () =>
      medialive.send(
        new UpdateInputCommand({
          InputId: entry.in,
          ...fields,
          ...(groups.length > 0 ? { InputSecurityGroups: [...groups] } : {}),
        }),
        { abortSignal: opts.abortSignal },
      ),
    { sleep: opts.sleep },
  );
  return out.Input ?? {};
}
