/**
 * The control plane of a "deployed" template on one machine: the REAL functions behind the
 * operator routes, the health function and the stream-key state-change function, with the AWS SDK
 * mocked inside each of them (aws-sdk-client-mock on the client instances each bundle made at
 * load) by one small stateful model of what they call:
 *
 * - MediaLive: each AWS::MediaLive::Channel of the template, DescribeChannel answering its
 *   synthesized EncoderSettings, InputSpecification and class; StartChannel moves IDLE → STARTING
 *   → RUNNING and StopChannel RUNNING → STOPPING → IDLE after `transitionMs`; every move is sent
 *   as the documented "MediaLive Channel State Change" event (test/lambda/medialive-events.ts) to
 *   the functions the template's EventBridge rules target with that detail type.
 * - The ingest credential: one stream-key world per channel (test/lambda/stream-keys/fake.ts:
 *   secret versions, staging labels, tags, the input's stream names), its input's destinations
 *   on the local RTMP address where the live origin listens.
 * - MediaPackage harvest jobs: CreateHarvestJob on a template endpoint is IN_PROGRESS, then after
 *   `harvestMs` SUCCEEDED if its channel has been RUNNING since before the range began (the
 *   startover window holds nothing older), else FAILED; on an unknown endpoint NotFoundException.
 *
 * DynamoDB (registry and status tables) is not mocked: the functions reach a local moto server
 * through AWS_ENDPOINT_URL_DYNAMODB (test/e2e/moto.ts), conditions and update expressions included.
 */
import {
  ChannelState,
  DescribeChannelCommand,
  DescribeInputCommand,
  type MediaLiveClient,
  StartChannelCommand,
  StopChannelCommand,
  UpdateInputCommand,
} from '@aws-sdk/client-medialive';
import {
  CreateHarvestJobCommand,
  DescribeHarvestJobCommand,
  type MediaPackageClient,
} from '@aws-sdk/client-mediapackage';
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
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import type { RegisteredChannel } from '../../lambda/shared/contract';
import { awsError } from '../lambda/fixtures';
import { stateChangeFromExample } from '../lambda/medialive-events';
import { IngestWorld } from '../lambda/stream-keys/fake';
import type { Deployment } from './deployment';
import { entryOfService } from './origins/api-origin';
import type { PublishingChannel } from './origins/aws-apis';

type Json = Record<string, unknown>;
type EventHandler = (event: unknown, context?: Context) => Promise<unknown>;
// biome-ignore lint/suspicious/noExplicitAny: stubs of several client types in one list
type AnyStub = AwsStub<any, any, any>;

const LAMBDA_ROOT = '../../lambda';

/** A stream-key world whose input listens where the local live origin does. */
class LocalIngest extends IngestWorld {
  constructor(
    entry: RegisteredChannel,
    key: string,
    private readonly rtmpServer: string,
  ) {
    super(entry, key, [ChannelState.IDLE]);
  }

  /** RTMP destinations on the local address: `rtmp://127.0.0.1:<port>/<app>/<key>`. */
  override input() {
    const u = new URL(this.rtmpServer);
    return {
      Destinations: this.streamNames.map((name) => ({
        Ip: u.hostname,
        Port: u.port,
        Url: `${this.rtmpServer}/${name}`,
      })),
      SecurityGroups: [...this.securityGroups],
    };
  }

  /** The stream key the input accepts (pipeline 0). */
  get currentKey(): string {
    return this.inputAccepts()[0] ?? '';
  }
}

interface MediaLiveChannel {
  readonly channelId: string;
  readonly id: string;
  readonly arn: string;
  readonly properties: Json;
  readonly pipelines: number;
  /** MediaPackage channel id (the registry entry's `mp`). */
  readonly mp: string;
  state: string;
  /** Epoch ms the channel last reached RUNNING; undefined while not running. */
  runningSince?: number;
  timer?: NodeJS.Timeout;
}

interface HarvestJob {
  readonly job: Json;
  readonly doneAt: number;
  /** The range lies where the channel was running. */
  readonly harvestable: boolean;
}

export interface ControlPlaneOptions {
  readonly deployment: Deployment;
  /** The registry items the channels' registrations wrote. */
  readonly registry: readonly RegisteredChannel[];
  /** Where the live origin takes RTMP publishes: `rtmp://127.0.0.1:<port>`. */
  readonly rtmpServer: string;
  /** @default - 1500 ms per transitional state */
  readonly transitionMs?: number;
  /** @default - 1500 ms */
  readonly harvestMs?: number;
  /** Variables over each event function's synthesized environment. */
  readonly environment?: Readonly<Record<string, string>>;
}

/** A state-change event as one target received it. */
export interface Delivered {
  readonly target: string;
  readonly state: string;
  readonly channelId: string;
}

export class ControlPlane {
  readonly channels = new Map<string, MediaLiveChannel>();
  readonly ingest = new Map<string, LocalIngest>();
  readonly delivered: Delivered[] = [];
  readonly published: Json[] = [];
  /** Targets that get no state-change event (as if their rule or invoke permission were missing). */
  readonly unreachable = new Set<string>();
  private readonly jobs = new Map<string, HarvestJob>();
  private readonly stubs: AnyStub[] = [];
  private readonly targets: { name: string; handler: EventHandler }[] = [];
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(private readonly opts: ControlPlaneOptions) {
    const d = opts.deployment;
    for (const [logicalId, r] of d.ofType('AWS::MediaLive::Channel')) {
      const id = d.ref(logicalId);
      const entry = opts.registry.find((e) => e.ml === id);
      if (entry === undefined) continue;
      const p = r.Properties ?? {};
      this.channels.set(id, {
        channelId: entry.channelId,
        id,
        arn: `arn:aws:medialive:${d.region}:${d.accountId}:channel:${id}`,
        properties: d.resolve({
          ChannelClass: p.ChannelClass,
          EncoderSettings: p.EncoderSettings,
          InputSpecification: p.InputSpecification,
          Name: p.Name,
        }) as Json,
        pipelines: p.ChannelClass === 'STANDARD' ? 2 : 1,
        mp: entry.mp,
        state: ChannelState.IDLE,
      });
      const key = d.secretString(entry.key);
      if (key === undefined) throw new Error(`channel ${entry.channelId}: no stream key secret ${entry.key}`);
      this.ingest.set(entry.channelId, new LocalIngest(entry, key, opts.rtmpServer));
    }
  }

  /**
   * Installs the model in the functions' clients. Call after the API origin loaded the route
   * functions (their modules, and so their clients, are the ones mocked here); loads the event
   * functions the state-change rules target.
   */
  static async start(opts: ControlPlaneOptions): Promise<ControlPlane> {
    const plane = new ControlPlane(opts);
    await plane.install();
    return plane;
  }

  /** The state MediaLive reports for a channel id of the config. */
  stateOf(channelId: string): string | undefined {
    return [...this.channels.values()].find((c) => c.channelId === channelId)?.state;
  }

  /** The channels as their CloudWatch metrics see them (test/e2e/origins/aws-apis.ts). */
  publishing(): PublishingChannel[] {
    return [...this.channels.values()].map((c) => ({
      id: c.id,
      running: c.state === ChannelState.RUNNING,
      pipelines: c.pipelines,
      outputGroups: (((c.properties.EncoderSettings as Json | undefined)?.OutputGroups ?? []) as Json[]).map(
        (g) => String(g.Name),
      ),
    }));
  }

  /** Waits for every event delivered so far to be handled. */
  async settled(): Promise<void> {
    await this.pending;
  }

  restore(): void {
    for (const c of this.channels.values()) clearTimeout(c.timer);
    for (const s of this.stubs) s.restore();
  }

  private channelOf(input: { ChannelId?: string }): MediaLiveChannel {
    const c = this.channels.get(input.ChannelId ?? '');
    if (c === undefined) throw awsError('NotFoundException', 404);
    return c;
  }

  private ingestOfInput(inputId: string | undefined): LocalIngest {
    for (const w of this.ingest.values()) if (w.entry.in === inputId) return w;
    throw awsError('NotFoundException', 404);
  }

  private describe(c: MediaLiveChannel) {
    return {
      Id: c.id,
      Arn: c.arn,
      ...c.properties,
      State: c.state,
      PipelinesRunningCount: c.state === ChannelState.RUNNING ? c.pipelines : 0,
    };
  }

  /** Moves a channel on, then (after `transitionMs`) to where the transition settles. */
  private transition(c: MediaLiveChannel, via: string, to: string): void {
    this.move(c, via);
    clearTimeout(c.timer);
    c.timer = setTimeout(() => this.move(c, to), this.opts.transitionMs ?? 1500);
  }

  private move(c: MediaLiveChannel, state: string): void {
    c.state = state;
    if (state === ChannelState.RUNNING) c.runningSince ??= Date.now();
    else if (state !== ChannelState.RECOVERING) c.runningSince = undefined;
    this.ingest.get(c.channelId)?.script(state);
    // MediaLive's event names an idle channel STOPPED (lambda/shared/channel-state.ts apiStateOfEvent).
    const eventState = state === ChannelState.IDLE ? 'STOPPED' : state;
    const event = stateChangeFromExample({
      channelArn: c.arn,
      state: eventState,
      pipelinesRunning: state === ChannelState.RUNNING ? c.pipelines : 0,
      time: new Date().toISOString(),
    });
    // EventBridge delivers to every target, in no particular order, and retries failures; here
    // each in turn, a failure reported on stderr (the test then sees the status not change).
    for (const t of this.targets.filter((x) => !this.unreachable.has(x.name))) {
      this.pending = this.pending.then(() =>
        t.handler(event, lambdaContext(t.name)).then(
          () => this.delivered.push({ target: t.name, state: eventState, channelId: c.channelId }),
          (err: unknown) => process.stderr.write(`${t.name} failed on ${eventState}: ${String(err)}\n`),
        ),
      );
    }
  }

  private async install(): Promise<void> {
    const control = (await import(`${LAMBDA_ROOT}/channel-control/handler`)) as {
      medialive: MediaLiveClient;
    };
    const runtime = (await import(`${LAMBDA_ROOT}/stream-keys/handlers/runtime`)) as {
      clients: { medialive: MediaLiveClient; secrets: SecretsManagerClient };
    };
    const clips = (await import(`${LAMBDA_ROOT}/clips/handler`)) as { mediapackage: MediaPackageClient };
    await this.loadEventTargets();
    const health = (await import(`${LAMBDA_ROOT}/health/index`)) as {
      medialive: MediaLiveClient;
      sns: SNSClient;
    };

    for (const client of [control.medialive, runtime.clients.medialive, health.medialive]) {
      const ml = mockClient(client);
      this.stubs.push(ml);
      ml.on(DescribeChannelCommand).callsFake(async (i) => this.describe(this.channelOf(i)));
      ml.on(DescribeInputCommand).callsFake(async (i: { InputId?: string }) => ({
        Id: i.InputId,
        Type: 'RTMP_PUSH',
        ...this.ingestOfInput(i.InputId).input(),
      }));
      ml.on(StartChannelCommand).callsFake(async (i) => {
        const c = this.channelOf(i);
        if (c.state !== ChannelState.IDLE) throw awsError('ConflictException', 409);
        this.transition(c, ChannelState.STARTING, ChannelState.RUNNING);
        return this.describe(c);
      });
      ml.on(StopChannelCommand).callsFake(async (i) => {
        const c = this.channelOf(i);
        if (c.state !== ChannelState.RUNNING && c.state !== ChannelState.RECOVERING)
          throw awsError('ConflictException', 409);
        this.transition(c, ChannelState.STOPPING, ChannelState.IDLE);
        return this.describe(c);
      });
      ml.on(UpdateInputCommand).callsFake(async (i: { InputId?: string }) =>
        this.ingestWorldCall(this.ingestOfInput(i.InputId), 'UpdateInput', i),
      );
    }

    // The stream-key functions' Secrets Manager: each call to the world of the channel whose
    // secret it names.
    const sm = mockClient(runtime.clients.secrets);
    this.stubs.push(sm);
    const byCommand = new Map<string, Map<LocalIngest, (input: Json) => unknown>>();
    for (const world of this.ingest.values()) {
      const recorder = {
        on: (cmd: { name: string }) => ({
          callsFake: (fn: (input: Json) => unknown) => {
            const name = cmd.name.replace(/Command$/, '');
            if (!byCommand.has(name)) byCommand.set(name, new Map());
            byCommand.get(name)?.set(world, fn);
          },
        }),
      };
      world.install(recorder as never, recorder as never);
    }
    this.worldCalls = byCommand;
    for (const [name, fns] of byCommand) {
      const command = SECRETS_COMMANDS[name];
      if (command === undefined) continue;
      sm.on(command as never).callsFake(async (input: Json) => {
        const world = [...fns.keys()].find((w) => sameSecret(w.entry.key, String(input.SecretId ?? '')));
        if (world === undefined) throw awsError('ResourceNotFoundException');
        return fns.get(world)?.(input);
      });
    }

    const mp = mockClient(clips.mediapackage);
    this.stubs.push(mp);
    mp.on(CreateHarvestJobCommand).callsFake(async (i: Json) => {
      const ep = this.opts.deployment.mediaPackageEndpoints().find((e) => e.id === i.OriginEndpointId);
      if (ep === undefined) throw awsError('NotFoundException', 404);
      const channelId = this.opts.deployment.resolveString(
        this.opts.deployment.resource(ep.logicalId).Properties?.ChannelId,
      );
      const job = {
        Id: i.Id,
        Arn: `arn:aws:mediapackage:${this.opts.deployment.region}:${this.opts.deployment.accountId}:harvest_jobs/${i.Id}`,
        ChannelId: channelId,
        OriginEndpointId: i.OriginEndpointId,
        StartTime: i.StartTime,
        EndTime: i.EndTime,
        S3Destination: i.S3Destination,
        CreatedAt: new Date().toISOString(),
        Status: 'IN_PROGRESS',
      };
      const running = [...this.channels.values()].find((c) => c.mp === channelId)?.runningSince;
      const harvestable = running !== undefined && Date.parse(String(i.StartTime)) >= running;
      this.jobs.set(String(i.Id), { job, doneAt: Date.now() + (this.opts.harvestMs ?? 1500), harvestable });
      return job;
    });
    mp.on(DescribeHarvestJobCommand).callsFake(async (i: { Id?: string }) => {
      const j = this.jobs.get(i.Id ?? '');
      if (j === undefined) throw awsError('NotFoundException', 404);
      if (Date.now() < j.doneAt) return { ...j.job, Status: 'IN_PROGRESS' };
      return { ...j.job, Status: j.harvestable ? 'SUCCEEDED' : 'FAILED' };
    });

    const sns = mockClient(health.sns);
    this.stubs.push(sns);
    sns.on(PublishCommand).callsFake(async (i: Json) => {
      this.published.push(i);
      return { MessageId: `m-${this.published.length}` };
    });
  }

  private worldCalls = new Map<string, Map<LocalIngest, (input: Json) => unknown>>();

  private ingestWorldCall(world: LocalIngest, name: string, input: Json): unknown {
    const fn = this.worldCalls.get(name)?.get(world);
    if (fn === undefined) throw new Error(`the stream-key world has no ${name}`);
    return fn(input);
  }

  /**
   * The functions the template's rules send "MediaLive Channel State Change" to, loaded with
   * their synthesized environment (each reads it per invocation; none clashes with another's).
   */
  private async loadEventTargets(): Promise<void> {
    const d = this.opts.deployment;
    for (const [, rule] of d.ofType('AWS::Events::Rule')) {
      const pattern = (rule.Properties?.EventPattern ?? {}) as { 'detail-type'?: string[] };
      if (!pattern['detail-type']?.includes('MediaLive Channel State Change')) continue;
      for (const t of (rule.Properties?.Targets ?? []) as { Arn: { 'Fn::GetAtt': [string, string] } }[]) {
        const logicalId = t.Arn['Fn::GetAtt']?.[0];
        if (logicalId === undefined) continue;
        const env = d.functionEnvironment(logicalId);
        const service = env.POWERTOOLS_SERVICE_NAME ?? '';
        const entry = entryOfService(service);
        // The recorder harvests recordings (S3, its own table): not part of this control plane.
        if (entry === 'archive') continue;
        Object.assign(process.env, env, this.opts.environment ?? {});
        const exported = String(d.resource(logicalId).Properties?.Handler ?? 'index.handler').split('.')[1];
        const mod = (await import(`${LAMBDA_ROOT}/${entry}/index`)) as Record<string, EventHandler>;
        const handler = mod[exported];
        if (typeof handler !== 'function') throw new Error(`lambda/${entry} exports no ${exported}`);
        this.targets.push({ name: service, handler });
      }
    }
    if (!this.targets.some((t) => t.name === 'health'))
      throw new Error('no state-change rule targets the health function');
  }
}

/** The Secrets Manager commands the stream-key world answers, by name. */
const SECRETS_COMMANDS: Record<string, unknown> = {
  DescribeSecret: DescribeSecretCommand,
  GetSecretValue: GetSecretValueCommand,
  ListSecretVersionIds: ListSecretVersionIdsCommand,
  PutSecretValue: PutSecretValueCommand,
  TagResource: TagResourceCommand,
  UntagResource: UntagResourceCommand,
  UpdateSecretVersionStage: UpdateSecretVersionStageCommand,
};

/** A secret named by ARN or by its ARN without the random suffix. */
function sameSecret(arn: string, id: string): boolean {
  return id === arn || id === arn.replace(/-[A-Za-z0-9]{6}$/, '');
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-west-2:111122223333:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: `${name}-${Date.now()}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export type { Json };
