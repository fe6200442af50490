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
 * from which a credential kind reads what each pipeline endpoint accepts.
 */
export type InputView = Pick<Input, 'Destinations' | 'SrtSettings'>;

/** What one pipeline endpoint of an input accepts. */
export interface EndpointCredential {
  /** The value the endpoint accepts; undefined when it shows none or one this kind cannot read. */
  readonly value?: string;
  /**
   * The input reports nothing for the endpoint (some emulators report no URLs): it can show
   * neither a match nor a mismatch.
   */
  readonly unreported: boolean;
}

/**
 * A kind of ingest credential: one Secrets Manager secret per channel whose AWSCURRENT value the
 * channel's MediaLive input must accept. The rotation engine (engine.ts), the pending marker
 * (pending.ts) and the Secrets Manager rotation protocol (protocol.ts) work on any kind; RTMP
 * stream keys are one (stream-key.ts).
 */
export interface CredentialKind {
  /** Stable id: part of every derived rotation token, so racing rotations agree on one. */
  readonly id: string;
  /** What to call it in messages ("stream key"). */
  readonly name: string;
  /** The secret holding a channel's credential. */
  secretArn(entry: ChannelEntry): string;
  /** A new value. */
  generate(): string;
  /** The UpdateInput fields that make the input accept `value` (its security groups are kept by input.ts). */
  inputFields(
    entry: ChannelEntry,
    value: string,
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
