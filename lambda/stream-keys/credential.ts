import { createHash } from 'node:crypto';
import type { Input, MediaLiveClient, UpdateInputRequest } from '@aws-sdk/client-medialive';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ChannelEntry } from '../shared/registry';

/** What rotating a credential talks to. */
export interface RotationClients {
  readonly medialive: MediaLiveClient;
  readonly secrets: SecretsManagerClient;
}

/**
 * What an input reports (DescribeInput's answer, or the Input UpdateInput returns): the parts
 * from which a credential kind reads what each pipeline endpoint accepts, and what an update
 * must name again.
 */
export type InputView = Pick<Input, 'Destinations' | 'SrtSettings' | 'SecurityGroups'>;

/** What one pipeline endpoint of an input accepts. */
export interface EndpointCredential {
  /** The value the endpoint holds; undefined when it holds none this kind can read. */
  readonly value?: string;
  /**
   * Nothing on the endpoint can show a mismatch: some emulators report no URLs, and an input
   * that reads its credential from the secret (SRT) holds no value at all. A value that differs,
   * or a reference to another secret, is a mismatch.
   */
  readonly unreported: boolean;
}

/**
 * A kind of ingest credential: one Secrets Manager secret per channel whose AWSCURRENT value the
 * channel's MediaLive input must accept. The rotation engine (engine.ts), the pending marker
 * (pending.ts) and the Secrets Manager rotation protocol (protocol.ts) work on any kind: RTMP
 * stream keys (stream-key.ts) and SRT passphrases (passphrase.ts).
 */
export interface CredentialKind {
  /** Stable id: part of every derived rotation token, so racing rotations agree on one. */
  readonly id: string;
  /** What to call it in messages ("stream key"). */
  readonly name: string;
  /**
   * Where the input takes the value from:
   * - false: the input holds the value (an RTMP stream name); UpdateInput installs it, so once
   *   the update succeeded the new value must become AWSCURRENT whatever the channel does next.
   * - true: the input names the secret and MediaLive reads its AWSCURRENT when the channel starts
   *   (an SRT passphrase); UpdateInput only names the secret again, so the new value may become
   *   AWSCURRENT only while the channel is still IDLE, or a starting channel could load the old one.
   */
  readonly readAtStart: boolean;
  /** The secret holding a channel's credential. */
  secretArn(entry: ChannelEntry): string;
  /** A new value. */
  generate(): string;
  /**
   * The UpdateInput fields that make the input accept `value`, given the input as DescribeInput
   * reports it now (its security groups are named again by input.ts).
   */
  inputFields(
    entry: ChannelEntry,
    value: string,
    current: InputView,
  ): Omit<UpdateInputRequest, 'InputId' | 'InputSecurityGroups'>;
  /** What each pipeline endpoint of the input accepts, in the input's order. */
  endpoints(entry: ChannelEntry, input: InputView): EndpointCredential[];
}

/** One channel's credential of one kind: what the engine rotates. */
export interface Credential {
  readonly kind: CredentialKind;
  readonly channelId: string;
  readonly entry: ChannelEntry;
}

/** The secret of a credential. */
export function secretOf(c: Credential): string {
  return c.kind.secretArn(c.entry);
}

/** Every pipeline endpoint of the input accepts `value`. */
export function serves(c: Credential, input: InputView, value: string): boolean {
  const endpoints = c.kind.endpoints(c.entry, input);
  return endpoints.length === c.entry.p && endpoints.every((e) => e.value === value);
}

/** The input reports nothing about its endpoints' credential (some emulators): no comparison is possible. */
export function reportsNothing(c: Credential, input: InputView): boolean {
  const endpoints = c.kind.endpoints(c.entry, input);
  return endpoints.length === c.entry.p && endpoints.every((e) => e.unreported);
}

/**
 * The ClientRequestToken of the rotation that replaces `currentVersionId`. Derived, not random:
 * two rotations racing from the same AWSCURRENT version get the same token, so Secrets Manager
 * accepts only the first PutSecretValue (a version's value cannot change) and the second
 * adopts the staged value instead of writing a different one to the input.
 */
export function rotationToken(kind: CredentialKind, currentVersionId: string): string {
  const h = createHash('sha256').update(`onair-${kind.id}:${currentVersionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
