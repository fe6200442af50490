import { ChannelState } from '@aws-sdk/client-medialive';
import { serverOf } from '../shared/destinations';
import type { ChannelEntry } from '../shared/registry';
import type { InputView, RotationClients } from './credential';
import { channelState, describeInput } from './input';
import { isRotationPending } from './pending';
import { STREAM_KEY } from './stream-key';
import { currentValue } from './versions';

export interface IngestEndpoint {
  /**
   * OBS "Server": rtmp://<ip>:1935/<app>. Absent only if MediaLive reports no address for the
   * endpoint (a real RTMP_PUSH input always has one; some emulators do not).
   */
  readonly server?: string;
  /** OBS "Stream Key". */
  readonly streamKey: string;
}

/** What OBS needs to push to a channel (GET /channels/{id}/ingest, and the answer to a rotation). */
export interface IngestDetails {
  readonly channelId: string;
  readonly state: string;
  readonly endpoints: IngestEndpoint[];
  /** A rotation was requested while the channel was live; it runs when the channel is next idle. */
  readonly rotationPending: boolean;
  /**
   * The input does not accept the AWSCURRENT key (an interrupted rotation): each endpoint then
   * shows the key the input actually accepts. A rotation while the channel is idle repairs it.
   */
  readonly inconsistent: boolean;
}

function endpointsOf(entry: ChannelEntry, input: InputView, keyOf: (shown: string | undefined) => string) {
  const keys = STREAM_KEY.endpoints(entry, input);
  return (input.Destinations ?? []).map((d, i) => ({
    server: serverOf(entry, d),
    streamKey: keyOf(keys[i]?.value),
  }));
}

/**
 * Ingest details for OBS: one endpoint per pipeline, from the input's destinations and the
 * current key. Each destination URL is checked against `/<app>/<AWSCURRENT key>`: on a mismatch
 * the answer says `inconsistent: true` and shows the key the input accepts, never one it rejects.
 */
export async function ingestDetails(
  clients: RotationClients,
  channelId: string,
  entry: ChannelEntry,
): Promise<IngestDetails> {
  const secretArn = STREAM_KEY.secretArn(entry);
  const [input, state, key, rotationPending] = await Promise.all([
    describeInput(clients.medialive, entry),
    channelState(clients.medialive, entry),
    currentValue(clients.secrets, secretArn),
    isRotationPending(clients.secrets, secretArn),
  ]);
  // A destination that reports no URL at all (some emulators) proves nothing either way.
  const inconsistent = STREAM_KEY.endpoints(entry, input).some((e) => !e.unreported && e.value !== key);
  const endpoints = endpointsOf(entry, input, (shown) => (inconsistent ? (shown ?? key) : key));
  return { channelId, state, endpoints, rotationPending, inconsistent };
}

/** Ingest details right after a rotation: the input serves `key` (the new AWSCURRENT) on every endpoint. */
export function rotatedDetails(
  channelId: string,
  entry: ChannelEntry,
  rotated: { readonly value: string; readonly input: InputView; readonly rotationPending: boolean },
): IngestDetails {
  return {
    channelId,
    state: ChannelState.IDLE,
    endpoints: endpointsOf(entry, rotated.input, () => rotated.value),
    rotationPending: rotated.rotationPending,
    inconsistent: false,
  };
}
