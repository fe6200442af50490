import { Stack } from 'aws-cdk-lib';
import { type ChannelEntry, IngestProtocol } from '../../../lambda/shared/contract';
import type { LiveChannel } from './live-channel';

/** Lambda allows 4 KiB of environment variables in total; leave room for the others. */
export const MAX_REGISTRY_BYTES = 3000;
/** Deployed size of one registry entry, at most (the secret ARN dominates). */
export const REGISTRY_BYTES_PER_CHANNEL = 185;
/** What an SRT channel's entry adds: `,"t":"SRT_LISTENER"` (and a passphrase secret's longer name). */
export const REGISTRY_BYTES_PER_SRT = 20;

/**
 * Builds the ONAIR_CHANNELS value (its entries are the contract's ChannelEntry): channel id → MediaLive
 * channel and input ids, the ingest credential's secret ARN, MediaPackage channel id and, for SRT, the
 * input type. Values are
 * CloudFormation tokens, resolved at deploy.
 */
export function channelRegistryJson(channels: readonly LiveChannel[]): string {
  const parts = channels.map((c) => ({
    [c.channelId]: {
      ml: c.transcode.channel.ref,
      in: c.ingest.input.ref,
      key: c.ingest.credential.secretArn,
      mp: c.packaging.channel.ref,
      app: c.ingest.applicationName,
      p: c.ingest.pipelines,
      ...(c.ingest.protocol === IngestProtocol.SRT_LISTENER ? { t: IngestProtocol.SRT_LISTENER } : {}),
    } satisfies ChannelEntry,
  }));
  const registry = Object.assign({}, ...parts);
  const first = channels[0];
  if (first === undefined) throw new Error('the channel registry needs at least one channel');
  const estimate = channels.reduce(
    (sum, c) =>
      sum +
      REGISTRY_BYTES_PER_CHANNEL +
      (c.ingest.protocol === IngestProtocol.SRT_LISTENER ? REGISTRY_BYTES_PER_SRT : 0),
    0,
  );
  if (estimate > MAX_REGISTRY_BYTES) {
    throw new Error(
      `${channels.length} channels need about ${estimate} bytes of Lambda environment for the channel registry (limit ${MAX_REGISTRY_BYTES}); split the channels across stages`,
    );
  }
  return Stack.of(first).toJsonString(registry);
}
