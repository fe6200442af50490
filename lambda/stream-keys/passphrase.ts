import type { UpdateInputRequest } from '@aws-sdk/client-medialive';
import { SRT_PASSPHRASE_LENGTH } from '../shared/contract';
import type { ChannelEntry } from '../shared/registry';
import type { Credential, CredentialKind, InputView } from './credential';
import { alphanumeric } from './random';

/** A new SRT passphrase: 44 letters and digits (≈262 bits), inside the 10-79 characters MediaLive accepts. */
export function generatePassphrase(): string {
  return alphanumeric(SRT_PASSPHRASE_LENGTH);
}

/** The secret an SRT input decrypts with, as the input reports it (undefined: it reports none). */
export function decryptionSecretOf(input: InputView): string | undefined {
  return input.SrtSettings?.SrtListenerSettings?.Decryption?.PassphraseSecretArn;
}

/**
 * The UpdateInput fields of an SRT listener input: its listener settings as MediaLive reports them,
 * naming the channel's passphrase secret. UpdateInput changes no value here (MediaLive reads the
 * passphrase from the secret when the channel starts); it names the secret again, repairing an
 * input pointed elsewhere, and MediaLive refuses it while the channel is not idle, which guards the
 * rotation as it guards an RTMP one. An input that reports no listener settings (some emulators)
 * gets none: there is nothing to name again.
 */
function srtInputFields(
  entry: ChannelEntry,
  current: InputView,
): Omit<UpdateInputRequest, 'InputId' | 'InputSecurityGroups'> {
  const settings = current.SrtSettings?.SrtListenerSettings;
  if (settings === undefined) return {};
  return {
    SrtSettings: {
      SrtListenerSettings: {
        Decryption: { Algorithm: settings.Decryption?.Algorithm, PassphraseSecretArn: entry.key },
        MinimumLatency: settings.MinimumLatency,
        ...(settings.StreamId !== undefined ? { StreamId: settings.StreamId } : {}),
      },
    },
  };
}

/**
 * SRT passphrases: the secret's value is the bare passphrase (MediaLive reads SRT passphrases as
 * plaintext), and the SRT_LISTENER input names the secret by ARN, so no endpoint ever shows the
 * value: an input that names the channel's secret accepts whatever is AWSCURRENT when the channel
 * starts, and one that names another secret is a mismatch on every endpoint.
 */
export const SRT_PASSPHRASE: CredentialKind = {
  id: 'srt-passphrase',
  name: 'SRT passphrase',
  readAtStart: true,
  secretArn: (entry) => entry.key,
  generate: generatePassphrase,
  inputFields: (entry, _value, current) => srtInputFields(entry, current),
  endpoints: (entry, input) => {
    const named = decryptionSecretOf(input);
    return Array.from({ length: entry.p }, () => ({
      value: undefined,
      unreported: named === undefined || named === entry.key,
    }));
  },
};

/** A channel's SRT passphrase. */
export function passphraseOf(channelId: string, entry: ChannelEntry): Credential {
  return { kind: SRT_PASSPHRASE, channelId, entry };
}
