import {
  ChannelState,
  DescribeChannelCommand,
  DescribeInputCommand,
  type MediaLiveClient,
  UpdateInputCommand,
} from '@aws-sdk/client-medialive';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { IngestProtocol } from '../../../lambda/shared/contract';
import { type ChannelEntry, ingestProtocolOf } from '../../../lambda/shared/registry';
import { awsError } from '../fixtures';

/**
 * The destinations an RTMP push input reports while it serves these stream names: one per
 * pipeline, each with its own address (198.51.100.10, .20, …) and the stream name in its URL.
 */
export function destinationsServing(streamNames: readonly string[]) {
  return streamNames.map((name, i) => ({
    Ip: `198.51.100.${10 * (i + 1)}`,
    Port: '1935',
    Url: `rtmp://198.51.100.${10 * (i + 1)}:1935/${name}`,
  }));
}

interface Version {
  value: string | undefined;
  stages: Set<string>;
}

/** An injected failure: thrown before the command takes effect, or after it (a lost response). */
interface Failure {
  readonly command: string;
  readonly error: Error;
  remaining: number;
  readonly afterEffect: boolean;
  readonly when?: (input: Record<string, unknown>) => boolean;
}

/** An SRT listener input's settings, as MediaLive reports them. */
interface SrtListener {
  secretArn: string;
  algorithm: string;
  latencyMs: number;
  streamId?: string;
}

/**
 * A small stateful model of one channel's ingest credential: Secrets Manager versions with
 * staging labels and tags, the MediaLive input and the channel state. The input is the channel's
 * kind (the registry entry's `t`): an RTMP push input holds the key in its stream names (one per
 * pipeline); an SRT listener input names the passphrase secret, and MediaLive reads the secret's
 * AWSCURRENT when the channel starts. Enough of each API's semantics to drive the domain
 * functions through interleavings and failures:
 *
 * - PutSecretValue: a token that exists with another value → ResourceExistsException (same
 *   value: idempotent); labels given move from other versions.
 * - UpdateSecretVersionStage: RemoveFromVersionId must name the version holding the label
 *   (else InvalidParameterException); moving AWSCURRENT labels the old version AWSPREVIOUS.
 * - ListSecretVersionIds lists labelled versions only; GetSecretValue of a version without a
 *   value → ResourceNotFoundException.
 * - UpdateInput while the channel is not IDLE → ConflictException; stream names on an SRT input,
 *   or SRT settings without decryption or latency → BadRequestException (the API's rules).
 * - DescribeChannel answers the scripted states in turn (the last one repeats).
 */
export class IngestWorld {
  readonly versions = new Map<string, Version>();
  readonly tags = new Map<string, string>();
  readonly protocol: IngestProtocol;
  /** RTMP: the input's stream name per pipeline. */
  streamNames: string[];
  /** SRT: the input's listener settings. */
  srt: SrtListener;
  readonly securityGroups = ['5551212'];
  /** Secrets Manager answers DescribeSecret with RotationEnabled (a rotation schedule exists). */
  rotationEnabled = false;
  /** The channel's state at every move of AWSCURRENT that took effect. */
  readonly promotedWhile: string[] = [];
  private states: string[];
  state: string;
  private readonly failures: Failure[] = [];
  private readonly hooks: { command: string; fn: (input: Record<string, unknown>) => void; once: boolean }[] =
    [];
  readonly calls: { command: string; input: Record<string, unknown> }[] = [];

  constructor(
    readonly entry: ChannelEntry,
    currentKey: string,
    states: string[] = [ChannelState.IDLE],
  ) {
    this.versions.set('v-old', { value: currentKey, stages: new Set(['AWSCURRENT']) });
    this.protocol = ingestProtocolOf(entry);
    this.streamNames = Array.from({ length: entry.p }, () => `${entry.app}/${currentKey}`);
    this.srt = { secretArn: entry.key, algorithm: 'AES256', latencyMs: 1000 };
    this.states = [...states];
    this.state = this.states[0] ?? ChannelState.IDLE;
  }

  /** The next `count` calls of `command` (matching `when`) fail with `error`. */
  fail(
    command: string,
    error: Error,
    opts: { count?: number; afterEffect?: boolean; when?: (input: Record<string, unknown>) => boolean } = {},
  ): this {
    this.failures.push({
      command,
      error,
      remaining: opts.count ?? 1,
      afterEffect: opts.afterEffect ?? false,
      when: opts.when,
    });
    return this;
  }

  /** Runs `fn` just before every `command` takes effect (to interleave another actor). */
  on(command: string, fn: (input: Record<string, unknown>) => void): this {
    this.hooks.push({ command, fn, once: false });
    return this;
  }

  /** Runs `fn` just before the next `command` takes effect. */
  once(command: string, fn: (input: Record<string, unknown>) => void): this {
    this.hooks.push({ command, fn, once: true });
    return this;
  }

  /** Scripts the states DescribeChannel answers from now on. */
  script(...states: string[]): this {
    this.states = [...states];
    this.state = this.states[0] ?? this.state;
    return this;
  }

  versionWith(stage: string): string | undefined {
    for (const [id, v] of this.versions) if (v.stages.has(stage)) return id;
    return undefined;
  }

  valueOf(stage: string): string | undefined {
    const id = this.versionWith(stage);
    return id === undefined ? undefined : this.versions.get(id)?.value;
  }

  /**
   * What each pipeline of the input accepts: the keys in an RTMP input's stream names; for an SRT
   * input, what MediaLive would read at a start now (AWSCURRENT of the secret it names, if that is
   * the channel's).
   */
  inputAccepts(): (string | undefined)[] {
    if (this.protocol === IngestProtocol.SRT_LISTENER) {
      const value = this.srt.secretArn === this.entry.key ? this.valueOf('AWSCURRENT') : undefined;
      return Array.from({ length: this.entry.p }, () => value);
    }
    return this.streamNames.map((n) => n.slice(this.entry.app.length + 1));
  }

  count(command: string): number {
    return this.calls.filter((c) => c.command === command).length;
  }

  /** Routes both mocked clients to this model. */
  install(ml: AwsClientStub<MediaLiveClient>, sm: AwsClientStub<SecretsManagerClient>): this {
    const route = (command: string, effect: (input: Record<string, unknown>) => unknown) => {
      return (input: Record<string, unknown>) => this.call(command, input, effect);
    };
    ml.on(DescribeChannelCommand).callsFake(
      route('DescribeChannel', () => {
        this.state =
          this.states.length > 1 ? (this.states.shift() as string) : (this.states[0] ?? this.state);
        return { State: this.state };
      }),
    );
    ml.on(DescribeInputCommand).callsFake(route('DescribeInput', () => this.input()));
    ml.on(UpdateInputCommand).callsFake(
      route('UpdateInput', (input) => {
        if (this.state !== ChannelState.IDLE) throw awsError('ConflictException', 409);
        if (this.protocol === IngestProtocol.SRT_LISTENER) this.updateSrt(input);
        else {
          const dests = input.Destinations as { StreamName: string }[];
          this.streamNames = dests.map((d) => d.StreamName);
        }
        return { Input: this.input() };
      }),
    );
    sm.on(ListSecretVersionIdsCommand).callsFake(
      route('ListSecretVersionIds', () => ({
        Versions: [...this.versions]
          .filter(([, v]) => v.stages.size > 0)
          .map(([id, v]) => ({ VersionId: id, VersionStages: [...v.stages] })),
      })),
    );
    sm.on(GetSecretValueCommand).callsFake(
      route('GetSecretValue', (input) => {
        const id = (input.VersionId as string | undefined) ?? this.versionWith(input.VersionStage as string);
        const v = id === undefined ? undefined : this.versions.get(id);
        const stageOk = input.VersionStage === undefined || v?.stages.has(input.VersionStage as string);
        if (v === undefined || v.value === undefined || !stageOk) throw awsError('ResourceNotFoundException');
        return { VersionId: id, SecretString: v.value, VersionStages: [...v.stages] };
      }),
    );
    sm.on(PutSecretValueCommand).callsFake(
      route('PutSecretValue', (input) => {
        const token = input.ClientRequestToken as string;
        const existing = this.versions.get(token);
        if (existing !== undefined) {
          if (existing.value !== input.SecretString) throw awsError('ResourceExistsException');
          return { VersionId: token };
        }
        const stages = (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT'];
        for (const v of this.versions.values()) for (const s of stages) v.stages.delete(s);
        this.versions.set(token, { value: input.SecretString as string, stages: new Set(stages) });
        return { VersionId: token };
      }),
    );
    sm.on(UpdateSecretVersionStageCommand).callsFake(
      route('UpdateSecretVersionStage', (input) => {
        const stage = input.VersionStage as string;
        const holder = this.versionWith(stage);
        const from = input.RemoveFromVersionId as string | undefined;
        const to = input.MoveToVersionId as string | undefined;
        if (holder !== undefined && holder !== to && from !== holder)
          throw awsError('InvalidParameterException');
        if (from !== undefined && from !== holder) throw awsError('InvalidParameterException');
        if (to !== undefined && !this.versions.has(to)) throw awsError('ResourceNotFoundException');
        if (holder !== undefined && holder !== to) {
          this.versions.get(holder)?.stages.delete(stage);
          if (stage === 'AWSCURRENT') {
            for (const v of this.versions.values()) v.stages.delete('AWSPREVIOUS');
            this.versions.get(holder)?.stages.add('AWSPREVIOUS');
          }
        }
        if (to !== undefined) this.versions.get(to)?.stages.add(stage);
        if (stage === 'AWSCURRENT' && to !== undefined && to !== holder) this.promotedWhile.push(this.state);
        return {};
      }),
    );
    sm.on(DescribeSecretCommand).callsFake(
      route('DescribeSecret', () => ({
        RotationEnabled: this.rotationEnabled,
        Tags: [...this.tags].map(([Key, Value]) => ({ Key, Value })),
        VersionIdsToStages: Object.fromEntries(
          [...this.versions].filter(([, v]) => v.stages.size > 0).map(([id, v]) => [id, [...v.stages]]),
        ),
      })),
    );
    sm.on(TagResourceCommand).callsFake(
      route('TagResource', (input) => {
        for (const t of input.Tags as { Key: string; Value: string }[]) this.tags.set(t.Key, t.Value);
        return {};
      }),
    );
    sm.on(UntagResourceCommand).callsFake(
      route('UntagResource', (input) => {
        for (const k of input.TagKeys as string[]) this.tags.delete(k);
        return {};
      }),
    );
    return this;
  }

  /**
   * Answer the way moto does through the SDK: RTMP destinations without Ip/Port/Url (the
   * emulator stores the request's stream names, which the SDK drops as unknown fields), so empty
   * objects; for an SRT input neither destinations nor SRT settings (moto ignores SrtSettings).
   */
  reportsNoUrls = false;

  /** The input as DescribeInput (and UpdateInput's answer) reports it. */
  input() {
    const SecurityGroups = [...this.securityGroups];
    if (this.protocol === IngestProtocol.SRT_LISTENER) {
      if (this.reportsNoUrls) return { Destinations: [], SecurityGroups };
      return {
        Destinations: Array.from({ length: this.entry.p }, (_, i) => ({
          Ip: `198.51.100.${10 * (i + 1)}`,
          Port: '5000',
          Url: `srt://198.51.100.${10 * (i + 1)}:5000`,
        })),
        SecurityGroups,
        SrtSettings: {
          SrtListenerSettings: {
            Decryption: { Algorithm: this.srt.algorithm, PassphraseSecretArn: this.srt.secretArn },
            MinimumLatency: this.srt.latencyMs,
            ...(this.srt.streamId !== undefined ? { StreamId: this.srt.streamId } : {}),
          },
        },
      };
    }
    const Destinations = this.reportsNoUrls
      ? this.streamNames.map(() => ({}))
      : destinationsServing(this.streamNames);
    return { Destinations, SecurityGroups };
  }

  /** UpdateInput on an SRT listener input: settings as the API requires them, never stream names. */
  private updateSrt(input: Record<string, unknown>): void {
    if (input.Destinations !== undefined) throw awsError('BadRequestException');
    const settings = (input.SrtSettings as { SrtListenerSettings?: Record<string, unknown> } | undefined)
      ?.SrtListenerSettings;
    if (settings === undefined) return;
    const decryption = settings.Decryption as
      | { Algorithm?: string; PassphraseSecretArn?: string }
      | undefined;
    if (!decryption?.Algorithm || !decryption.PassphraseSecretArn || settings.MinimumLatency === undefined)
      throw awsError('BadRequestException');
    this.srt = {
      secretArn: decryption.PassphraseSecretArn,
      algorithm: decryption.Algorithm,
      latencyMs: settings.MinimumLatency as number,
      ...(settings.StreamId !== undefined ? { streamId: settings.StreamId as string } : {}),
    };
  }

  private call(
    command: string,
    input: Record<string, unknown>,
    effect: (input: Record<string, unknown>) => unknown,
  ) {
    this.calls.push({ command, input });
    for (const h of [...this.hooks]) {
      if (h.command !== command) continue;
      if (h.once) this.hooks.splice(this.hooks.indexOf(h), 1);
      h.fn(input);
    }
    const failure = this.failures.find(
      (f) => f.command === command && f.remaining > 0 && (f.when === undefined || f.when(input)),
    );
    if (failure !== undefined) {
      failure.remaining--;
      if (failure.afterEffect) effect(input);
      throw failure.error;
    }
    return effect(input);
  }
}
