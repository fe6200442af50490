/**
 * Replays what CloudFormation does to custom resources it deletes, with the permissions their
 * handlers have at that moment, against synthesized templates.
 *
 * CloudFormation updates a stack in two phases (CloudFormation User Guide, "Monitor the progress
 * of a stack update"): it creates and updates resources first (an IAM policy that changed is
 * updated in place), and only then, in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, deletes the resources
 * the new template no longer has. A rollback does the same in reverse: the old template's
 * resources are restored, then the resources only the failed template had are deleted. Deletes
 * run in reverse dependency order, so a policy that is itself being deleted is still attached
 * while the resources depending on it are deleted, and no longer (or maybe not) otherwise.
 *
 * So a deleted custom resource's handler runs with: the policies of the template in effect (the
 * new one; the old one after a rollback) attached to its role, plus the deleted policies it
 * depends on. The replay runs the handler's own code for the Delete against fake AWS clients
 * that authorize every call with {@link evaluate} and those policies, on resources named and
 * tagged as the template that created them named and tagged them.
 */
import type { MediaLiveClient } from '@aws-sdk/client-medialive';
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { handleLifecycle, type LifecycleEvent } from '../lambda/channel-lifecycle/lifecycle';
import { type Clients, onEvent as signingKeyOnEvent } from '../lambda/signing-key/index';
import { type AwsRequest, type Decision, evaluate, type PolicyStatement } from './iam-policy';
import { quietLogger } from './lambda/fixtures';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Json = any;
export interface CfnTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Json; DependsOn?: string | string[] }>;
}

/** The account, Region and partition the replayed stack lives in. */
export const WORLD = { partition: 'aws', region: 'eu-west-1', account: '111122223333' } as const;

/**
 * Physical ids, shared by every template of one replay: a resource keeps its physical id while
 * its logical id stays (CloudFormation updates it), and a new logical id gets a new one.
 */
export class PhysicalIds {
  private readonly ids = new Map<string, string>();
  private next = 9_000_001;

  of(logicalId: string, type: string): string {
    let id = this.ids.get(logicalId);
    if (id === undefined) {
      // MediaLive ids are numeric; others only need to be distinct.
      id = type.startsWith('AWS::MediaLive::') ? String(this.next++) : `${logicalId}-physical`;
      this.ids.set(logicalId, id);
    }
    return id;
  }
}

/** Resolves the intrinsic functions of one template to the concrete values of {@link WORLD}. */
export class Resolver {
  constructor(
    readonly template: CfnTemplate,
    readonly stackName: string,
    readonly physical: PhysicalIds,
  ) {}

  private type(logicalId: string): string {
    const r = this.template.Resources[logicalId];
    if (r === undefined) throw new Error(`no resource ${logicalId} in the template`);
    return r.Type;
  }

  /** What `Ref` returns for a resource (secrets return their ARN; most resources their id). */
  ref(logicalId: string): string {
    const type = this.type(logicalId);
    const id = this.physical.of(logicalId, type);
    if (type === 'AWS::S3::Bucket') return id.toLowerCase();
    if (type === 'AWS::SecretsManager::Secret')
      return `arn:${WORLD.partition}:secretsmanager:${WORLD.region}:${WORLD.account}:secret:${id}-AbCdEf`;
    return id;
  }

  /** The ARN `Fn::GetAtt [id, Arn]` returns, in each service's ARN format. */
  arn(logicalId: string): string {
    const type = this.type(logicalId);
    const id = this.physical.of(logicalId, type);
    const { partition: p, region: r, account: a } = WORLD;
    switch (type) {
      case 'AWS::MediaLive::Channel':
        return `arn:${p}:medialive:${r}:${a}:channel:${id}`;
      case 'AWS::MediaLive::Input':
        return `arn:${p}:medialive:${r}:${a}:input:${id}`;
      case 'AWS::Lambda::Function':
        return `arn:${p}:lambda:${r}:${a}:function:${id}`;
      case 'AWS::IAM::Role':
        return `arn:${p}:iam::${a}:role/${id}`;
      case 'AWS::S3::Bucket':
        return `arn:${p}:s3:::${id.toLowerCase()}`;
      default:
        // Never equal to a real request's resource: enough for the replay, which only needs
        // the ARNs of what the handlers act on.
        return `arn:${p}:unmodelled:${r}:${a}:${type}/${id}`;
    }
  }

  resolve(value: Json): Json {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) {
      const [fn] = keys;
      const arg = value[fn as string];
      switch (fn) {
        case 'Ref':
          switch (arg) {
            case 'AWS::Partition':
              return WORLD.partition;
            case 'AWS::Region':
              return WORLD.region;
            case 'AWS::AccountId':
              return WORLD.account;
            case 'AWS::StackName':
              return this.stackName;
            case 'AWS::URLSuffix':
              return 'amazonaws.com';
            default:
              return this.ref(arg);
          }
        case 'Fn::GetAtt': {
          const [id, attr] = arg as [string, string];
          return attr === 'Arn' ? this.arn(id) : `${this.physical.of(id, this.type(id))}.${attr}`;
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, Json[]];
          return parts.map((p) => String(this.resolve(p))).join(sep);
        }
        case 'Fn::Sub': {
          if (typeof arg !== 'string') throw new Error('the replay resolves Fn::Sub without variables only');
          return arg.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            const [id, attr] = name.split('.');
            return String(this.resolve(attr === undefined ? { Ref: id } : { 'Fn::GetAtt': [id, attr] }));
          });
        }
        default:
          throw new Error(`the replay does not resolve ${fn}`);
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }
}

/** Logical ids a resource depends on, directly or not (DependsOn, Ref and Fn::GetAtt). */
export function dependencies(template: CfnTemplate, logicalId: string): Set<string> {
  const seen = new Set<string>();
  const refs = (v: Json, out: string[]) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) refs(x, out);
      return;
    }
    if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) out.push(v.Ref);
    if (Array.isArray(v['Fn::GetAtt'])) out.push(v['Fn::GetAtt'][0]);
    for (const x of Object.values(v)) refs(x, out);
  };
  const visit = (id: string) => {
    const r = template.Resources[id];
    if (r === undefined) return;
    const out: string[] = [];
    refs(r.Properties, out);
    const dependsOn =
      r.DependsOn === undefined ? [] : typeof r.DependsOn === 'string' ? [r.DependsOn] : r.DependsOn;
    for (const d of [...out, ...dependsOn]) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
    }
  };
  visit(logicalId);
  return seen;
}

function getAttTarget(v: Json): string {
  const id = v?.['Fn::GetAtt']?.[0];
  if (typeof id !== 'string') throw new Error(`expected Fn::GetAtt, got ${JSON.stringify(v)}`);
  return id;
}

/**
 * The role whose permissions a custom resource's Delete runs with: the function its service
 * token names, or for the Provider framework the user handler that framework invokes.
 */
export function handlerRole(template: CfnTemplate, customResource: string): string {
  const cr = template.Resources[customResource];
  const entry = template.Resources[getAttTarget(cr?.Properties?.ServiceToken)];
  const env = entry?.Properties?.Environment?.Variables ?? {};
  let fn = entry;
  if (env.USER_ON_EVENT_FUNCTION_ARN !== undefined) {
    const onEvent = getAttTarget(env.USER_ON_EVENT_FUNCTION_ARN);
    const isComplete = env.USER_IS_COMPLETE_FUNCTION_ARN;
    if (isComplete !== undefined && getAttTarget(isComplete) !== onEvent)
      throw new Error(`${customResource}: onEvent and isComplete run as different functions; replay both`);
    fn = template.Resources[onEvent];
  }
  return getAttTarget(fn?.Properties?.Role);
}

/** Identity-policy statements attached to a role: its inline policies and AWS::IAM::Policy resources. */
export function roleStatements(
  resolver: Resolver,
  role: string,
  include: (policyLogicalId: string) => boolean = () => true,
): PolicyStatement[] {
  const { Resources } = resolver.template;
  const docs: Json[] = (Resources[role]?.Properties?.Policies ?? []).map((p: Json) => p.PolicyDocument);
  for (const [id, r] of Object.entries(Resources)) {
    if (r.Type !== 'AWS::IAM::Policy' || !include(id)) continue;
    const roles: Json[] = r.Properties?.Roles ?? [];
    if (roles.some((x) => x?.Ref === role)) docs.push(r.Properties.PolicyDocument);
  }
  // Managed policies (AWSLambdaBasicExecutionRole) are not modelled: they can only grant more,
  // so leaving them out can fail a replay but never pass one that should fail.
  return docs.flatMap((d) => resolver.resolve(d).Statement as PolicyStatement[]);
}

/** One AWS call a handler made, and what IAM decided. */
export interface ReplayedCall extends AwsRequest {
  readonly decision: Decision;
}

export interface DeleteReplay {
  readonly customResource: string;
  readonly type: string;
  readonly calls: readonly ReplayedCall[];
  /** The handler reported the Delete complete. */
  readonly completed: boolean;
  /** The error the Delete failed with (CloudFormation shows it as DELETE_FAILED). */
  readonly error?: string;
  /** MediaLive channels' states after the replay, by channel id. */
  readonly channelStates: Readonly<Record<string, string>>;
}

type Authorize = (req: AwsRequest) => Decision;

/** A MediaLive channel as the fake service holds it. */
interface FakeChannel {
  state: string;
  readonly arn: string;
  readonly tags: Record<string, string>;
}

function denied(req: AwsRequest): Error {
  // MediaLive answers an IAM denial with HTTP 403 (ForbiddenException in the SDK).
  return Object.assign(
    new Error(`User is not authorized to perform: ${req.action} on resource: ${req.resource}`),
    { name: 'ForbiddenException', $fault: 'client', $metadata: { httpStatusCode: 403 } },
  );
}

/** A MediaLive that authorizes every call and moves channels through stop like the service. */
function fakeMediaLive(channels: Map<string, FakeChannel>, authorize: Authorize, calls: ReplayedCall[]) {
  return {
    async send(command: { constructor: { name: string }; input: { ChannelId?: string } }) {
      const op = command.constructor.name.replace(/Command$/, '');
      const id = command.input.ChannelId ?? '';
      const ch = channels.get(id);
      const req: AwsRequest = {
        action: `medialive:${op}`,
        resource:
          ch?.arn ?? `arn:${WORLD.partition}:medialive:${WORLD.region}:${WORLD.account}:channel:${id}`,
        resourceTags: ch?.tags ?? {},
      };
      const decision = authorize(req);
      calls.push({ ...req, decision });
      if (decision !== 'allowed') throw denied(req);
      if (ch === undefined)
        throw Object.assign(new Error('channel not found'), {
          name: 'NotFoundException',
          $metadata: { httpStatusCode: 404 },
        });
      switch (op) {
        case 'DescribeChannel': {
          const State = ch.state;
          if (ch.state === 'STOPPING') ch.state = 'IDLE'; // stopped by the next look
          return { State };
        }
        case 'StopChannel':
          if (ch.state !== 'RUNNING' && ch.state !== 'RECOVERING')
            throw Object.assign(new Error('not running'), {
              name: 'ConflictException',
              $metadata: { httpStatusCode: 409 },
            });
          ch.state = 'STOPPING';
          return { State: ch.state };
        case 'StartChannel':
          ch.state = 'STARTING';
          return { State: ch.state };
        default:
          throw new Error(`the replay's MediaLive does not model ${op}`);
      }
    },
  };
}

/** A CloudFront (public keys only: no resource-level permissions, so the resource is "*"). */
function fakeCloudFront(authorize: Authorize, calls: ReplayedCall[]) {
  return {
    async send(command: { constructor: { name: string } }) {
      const op = command.constructor.name.replace(/Command$/, '');
      const req: AwsRequest = { action: `cloudfront:${op}`, resource: '*' };
      const decision = authorize(req);
      calls.push({ ...req, decision });
      if (decision !== 'allowed')
        throw Object.assign(new Error(`not authorized: ${req.action}`), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      if (op === 'GetPublicKey') return { ETag: 'E2QWRUHEXAMPLE' };
      if (op === 'DeletePublicKey') return {};
      throw new Error(`the replay's CloudFront does not model ${op}`);
    },
  };
}

const MAX_POLLS = 20;

export interface CleanupInput {
  /** The template whose resources are deleted (the old one; the failed one for a rollback). */
  readonly deletedFrom: Resolver;
  /**
   * The template in effect while they are deleted (the new one; the restored old one for a
   * rollback). Absent for a stack delete: then every resource is deleted.
   */
  readonly inEffect?: Resolver;
  /** MediaLive channel states when the cleanup starts, by logical id (default IDLE). */
  readonly channelStates?: Readonly<Record<string, string>>;
}

/**
 * Replays the Delete of every custom resource the cleanup deletes. A custom resource type the
 * replay cannot run fails the replay, so a new one cannot slip through unchecked.
 */
export async function replayCleanup(input: CleanupInput): Promise<DeleteReplay[]> {
  const old = input.deletedFrom;
  const now = input.inEffect;
  const oldRes = old.template.Resources;
  const removed = (id: string) => now === undefined || now.template.Resources[id] === undefined;

  // The MediaLive channels that exist when the cleanup starts, named and tagged by their templates.
  const channels = new Map<string, FakeChannel>();
  for (const r of [old, ...(now ? [now] : [])]) {
    for (const [id, res] of Object.entries(r.template.Resources)) {
      if (res.Type !== 'AWS::MediaLive::Channel') continue;
      const mlId = r.physical.of(id, res.Type);
      if (channels.has(mlId) && r === old) continue;
      const tags: Record<string, string> = r.resolve(res.Properties?.Tags ?? {});
      channels.set(mlId, { state: input.channelStates?.[id] ?? 'IDLE', arn: r.arn(id), tags });
    }
  }

  const out: DeleteReplay[] = [];
  for (const [id, res] of Object.entries(oldRes)) {
    const custom = res.Type.startsWith('Custom::') || res.Type === 'AWS::CloudFormation::CustomResource';
    if (!custom || !removed(id)) continue;
    const role = handlerRole(old.template, id);
    const deps = dependencies(old.template, id);
    // Policies of the template in effect, plus the deleted policies this resource depends on
    // (deleted after it). Without a template in effect (stack delete) only the latter remain.
    const statements = [
      ...(now !== undefined && now.template.Resources[role] !== undefined ? roleStatements(now, role) : []),
      ...roleStatements(old, role, (policy) => removed(policy) && deps.has(policy)),
    ];
    const authorize: Authorize = (req) => evaluate(statements, req);
    const calls: ReplayedCall[] = [];
    const props = old.resolve(res.Properties);
    let completed = false;
    let error: string | undefined;
    try {
      completed = await replayDelete(res.Type, id, props, { channels, authorize, calls });
    } catch (err) {
      error = (err as Error).message;
    }
    out.push({
      customResource: id,
      type: res.Type,
      calls,
      completed,
      error,
      channelStates: Object.fromEntries([...channels].map(([k, c]) => [k, c.state])),
    });
  }
  return out;
}

async function replayDelete(
  type: string,
  id: string,
  props: Json,
  ctx: { channels: Map<string, FakeChannel>; authorize: Authorize; calls: ReplayedCall[] },
): Promise<boolean> {
  switch (type) {
    case 'Custom::OnAirChannelLifecycle': {
      const medialive = fakeMediaLive(ctx.channels, ctx.authorize, ctx.calls) as unknown as MediaLiveClient;
      const event: LifecycleEvent = {
        RequestType: 'Delete',
        // The physical id the handler returned on Create.
        PhysicalResourceId: `${props.Kind}:${props.ChannelId}`,
        ResourceProperties: props,
      };
      // The Provider framework calls onEvent, then isComplete until it reports completion.
      for (let poll = 0; poll <= MAX_POLLS; poll++) {
        const r = await handleLifecycle(medialive, event, quietLogger);
        if (r.IsComplete) return true;
      }
      return false;
    }
    case 'Custom::OnAirSigningKey': {
      const cf = fakeCloudFront(ctx.authorize, ctx.calls);
      const noSecrets = {
        send: () => Promise.reject(new Error('the signing-key Delete must not touch Secrets Manager')),
      };
      const event = {
        RequestType: 'Delete',
        PhysicalResourceId: 'K2JCJMDEHXQW5F',
        ResourceProperties: props,
      } as unknown as CloudFormationCustomResourceDeleteEvent;
      await signingKeyOnEvent(event, { cf, sm: noSecrets } as unknown as Clients);
      return true;
    }
    case 'Custom::AWS': {
      // aws-cdk-lib's AwsCustomResource: the `Delete` property is the one SDK call it makes.
      if (props.Delete === undefined) return true;
      const call = JSON.parse(props.Delete) as {
        service: string;
        action: string;
        region?: string;
        parameters: Json;
      };
      if (call.service !== 'SSM' || call.action !== 'deleteParameter')
        throw new Error(`${id}: the replay does not model ${call.service}.${call.action}`);
      const req: AwsRequest = {
        action: 'ssm:DeleteParameter',
        resource: `arn:${WORLD.partition}:ssm:${call.region ?? WORLD.region}:${WORLD.account}:parameter${call.parameters.Name}`,
      };
      const decision = ctx.authorize(req);
      ctx.calls.push({ ...req, decision });
      if (decision !== 'allowed') throw new Error(`not authorized: ${req.action} on ${req.resource}`);
      return true;
    }
    case 'Custom::CDKBucketDeployment': {
      // aws-cdk-lib's BucketDeployment handler (Python, not run here) empties its destination
      // prefix on Delete unless RetainOnDelete: `aws s3 rm s3://<bucket>/<prefix> --recursive`,
      // which lists the bucket and deletes each object.
      if (props.RetainOnDelete !== false && props.RetainOnDelete !== 'false') return true;
      const bucket = `arn:${WORLD.partition}:s3:::${props.DestinationBucketName}`;
      for (const req of [
        { action: 's3:ListBucket', resource: bucket },
        {
          action: 's3:DeleteObject',
          resource: `${bucket}/${props.DestinationBucketKeyPrefix ?? ''}index.html`,
        },
      ]) {
        const decision = ctx.authorize(req);
        ctx.calls.push({ ...req, decision });
        if (decision !== 'allowed') throw new Error(`not authorized: ${req.action} on ${req.resource}`);
      }
      return true;
    }
    default:
      throw new Error(
        `${id}: the replay cannot run the Delete of ${type}; model it in test/cleanup-replay.ts`,
      );
  }
}
