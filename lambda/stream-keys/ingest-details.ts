import { ChannelState } from '@aws-sdk/client-medialive';
import { IngestProtocol } from '../shared/contract';
import { serverOf } from '../shared/destinations';
import { type ChannelEntry, ingestProtocolOf } from '../shared/registry';
import type { InputView, RotationClients } from './credential';
import { channelState, describeInput } from './input';
import { credentialOf } from './kinds';
import { isRotationPending } from './pending';
import { type SrtEndpoint, srtEndpoints } from './srt-endpoints';
import { STREAM_KEY } from './stream-key';
import { currentValue } from './versions';

export type { SrtEndpoint } from './srt-endpoints';

export interface RtmpEndpoint {
  /**
   * OBS "Server": rtmp://<ip>:1935/<app>. Absent only if MediaLive reports no address for the
   * endpoint (a real RTMP_PUSH input always has one; some emulators do not).
   */
  readonly server?: string;
  /** OBS "Stream Key". */
  readonly streamKey: string;
}

interface Common {
  readonly channelId: string;
  readonly state: string;
  /** A rotation was requested while the channel was live; it runs when the channel is next idle. */
  readonly rotationPending: boolean;
  /**
   * The input does not accept the AWSCURRENT value (an interrupted RTMP rotation: each endpoint
   * then shows the key the input accepts; a rotation while the channel is idle repairs it), or an
   * SRT input names another secret than the channel's (redeploy).
   */
  readonly inconsistent: boolean;
}

/** What an encoder needs to reach a channel (GET /channels/{id}/ingest, and the answer to a rotation). */
export type IngestDetails =
  | (Common & { readonly protocol: IngestProtocol.RTMP_PUSH; readonly endpoints: RtmpEndpoint[] })
  | (Common & { readonly protocol: IngestProtocol.SRT_LISTENER; readonly endpoints: SrtEndpoint[] });

function rtmpEndpoints(entry: ChannelEntry, input: InputView, keyOf: (shown: string | undefined) => string) {
  const keys = STREAM_KEY.endpoints(entry, input);
  return (input.Destinations ?? []).map((d, i) => ({
    server: serverOf(entry, d),
    streamKey: keyOf(keys[i]?.value),
  }));
}

function detailsOf(
  common: Common,
  entry: ChannelEntry,
  input: InputView,
  value: string,
  keyOf: (shown: string | undefined) => string,
): IngestDetails {
  return ingestProtocolOf(entry) === IngestProtocol.SRT_LISTENER
    ? { ...common, protocol: IngestProtocol.SRT_LISTENER, endpoints: srtEndpoints(entry, input, value) }
    : { ...common, protocol: IngestProtocol.RTMP_PUSH, endpoints: rtmpEndpoints(entry, input, keyOf) };
}

/**
 * Ingest details: one endpoint per pipeline with the current credential. The input is checked
 * against AWSCURRENT: an RTMP destination URL against `/<app>/<key>` (on a mismatch the answer
 * says `inconsistent: true` and shows the key the input accepts, never one it rejects); an SRT
 * input against the secret it names.
 */
export async function ingestDetails(
  clients: RotationClients,
  channelId: string,
  entry: ChannelEntry,
): Promise<IngestDetails> {
  const credential = credentialOf(channelId, entry);
  const secretArn = credential.kind.secretArn(entry);
  const [input, state, value, rotationPending] = await Promise.all([
    describeInput(clients.medialive, entry),
    channelState(clients.medialive, entry),
    currentValue(clients.secrets, secretArn),
    isRotationPending(clients.secrets, secretArn),
  ]);
  // A destination that reports no URL at all (some emulators) proves nothing either way.
  const inconsistent = credential.kind
    .endpoints(entry, input)
    .some((e) => !e.unreported && e.value !== value);
  const common = { channelId, state, rotationPending, inconsistent };
  return detailsOf(common, entry, input, value, (shown) => (inconsistent ? (shown ?? value) : value));
}

/** Ingest details right after a rotation: the input serves `value` (the new AWSCURRENT) on every endpoint. */
export function rotatedDetails(
  channelId: string,
  entry: ChannelEntry,
  rotated: { readonly value: string; readonly input: InputView; readonly rotationPending: boolean },
): IngestDetails {
  const common = {
    channelId,
    state: ChannelState.IDLE,
    rotationPending: rotated.rotationPending,
    inconsistent: false,
  };
  return detailsOf(common, entry, rotated.input, rotated.value, () => rotated.value);
}
