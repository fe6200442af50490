import { Stack } from 'aws-cdk-lib';
import type { ChannelEntry } from '../../../lambda/shared/contract';
import type { LiveChannel } from './live-channel';

/** Lambda allows 4 KiB of environment variables in total; leave room for the others. */
export const MAX_REGISTRY_BYTES = 3000;
/** Deployed size of one registry entry, at most (the secret ARN dominates). */
export const REGISTRY_BYTES_PER_CHANNEL = 185;

/**
 * Builds the ONAIR_CHANNELS value (its entries are the contract's ChannelEntry): channel id → MediaLive
 * channel and input ids, stream-key secret ARN, MediaPackage channel id. Values are
 * CloudFormation tokens, resolved at deploy.
 */
export function channelRegistryJson(channels: readonly LiveChannel[]): string {
  const parts = channels.map((c) => ({
    [c.channelId]: {
      ml: c.transcode.channel.ref,
      in: c.ingest.input.ref,
      key: c.ingest.streamKey.secretArn,
      mp: c.packaging.channel.ref,
      app: c.ingest.applicationName,
      p: c.ingest.pipelines,
    } satisfies ChannelEntry,
  }));
  const registry = Object.assign({}, ...parts);
  const first = channels[0];
  if (first === undefined) throw new Error('the channel registry needs at least one channel');
  const estimate = channels.length * REGISTRY_BYTES_PER_CHANNEL;
  if (estimate > MAX_REGISTRY_BYTES) {
    throw new Error(
      `${channels.length} channels need about ${estimate} bytes of Lambda environment for the channel registry (limit ${MAX_REGISTRY_BYTES}); split the channels across stages`,
    );
  }
  return Stack.of(first).toJsonString(registry);
}
