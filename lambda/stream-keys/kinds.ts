import { IngestProtocol } from '../shared/contract';
import { type ChannelEntry, ingestProtocolOf } from '../shared/registry';
import type { Credential } from './credential';
import { passphraseOf } from './passphrase';
import { streamKeyOf } from './stream-key';

/** A channel's ingest credential: its SRT passphrase on an SRT listener input, else its stream key. */
export function credentialOf(channelId: string, entry: ChannelEntry): Credential {
  return ingestProtocolOf(entry) === IngestProtocol.SRT_LISTENER
    ? passphraseOf(channelId, entry)
    : streamKeyOf(channelId, entry);
}
