import { STREAM_KEY_LENGTH } from '../shared/contract';
import { keyOfDestination, reportsNoKey } from '../shared/destinations';
import type { ChannelEntry } from '../shared/registry';
import type { Credential, CredentialKind } from './credential';
import { alphanumeric } from './random';

/** A new stream key: URL-safe (alphanumerics only, which every encoder accepts), 32 characters ≈ 190 bits. */
export function generateStreamKey(): string {
  return alphanumeric(STREAM_KEY_LENGTH);
}

/** The input's stream names for a key: `<app>/<key>` on every pipeline endpoint. */
export function destinationsFor(entry: ChannelEntry, key: string): { StreamName: string }[] {
  return Array.from({ length: entry.p }, () => ({ StreamName: `${entry.app}/${key}` }));
}

/**
 * RTMP stream keys: the secret's value is the bare key (CloudFormation resolves it into the
 * input's stream names at deploy), and each pipeline endpoint of the RTMP_PUSH input accepts
 * `<app>/<key>`.
 */
export const STREAM_KEY: CredentialKind = {
  id: 'stream-key',
  name: 'stream key',
  readAtStart: false,
  secretArn: (entry) => entry.key,
  generate: generateStreamKey,
  inputFields: (entry, key) => ({ Destinations: destinationsFor(entry, key) }),
  endpoints: (entry, input) =>
    (input.Destinations ?? []).map((d) => ({
      value: keyOfDestination(entry, d),
      unreported: reportsNoKey(d),
    })),
};

/** A channel's stream key. */
export function streamKeyOf(channelId: string, entry: ChannelEntry): Credential {
  return { kind: STREAM_KEY, channelId, entry };
}
