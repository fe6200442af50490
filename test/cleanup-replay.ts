/**
 * Replays what CloudFormation does to custom resources it deletes, with the permissions their
 * handlers have at that moment, against synthesized templates.
 *
 * CloudFormation updates a stack in two phases (CloudFormation User Guide, "Monitor the progress
 * of a stack update", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html):
 * it creates and updates resources first (an IAM policy that changed is
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
import { deregister, type RegistrationDeps } from '../lambda/channel-registration/registration';
import { parseLadder } from '../lambda/shared/registry';
import { type Clients, onEvent as signingKeyOnEvent } from '../lambda/signing-key/index';
import {
  dependencies,
  handlerFunction,
  handlerRole,
  type Json,
  type Resolver,
  roleStatements,
  WORLD,
} from './cfn-template';
import { type AwsRequest, type Decision, evaluate } from './iam-policy';
import { quietLogger } from './lambda/fixtures';

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
    const environment = old.resolve(
      old.template.Resources[handlerFunction(old.template, id)]?.Properties?.Environment?.Variables ?? {},
    );
    let completed = false;
    let error: string | undefined;
    try {
      completed = await replayDelete(res.Type, id, props, {
        channels,
        endpoints: originEndpoints(old),
        environment,
        authorize,
        calls,
      });
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

/** MediaPackage origin endpoints by id (their Ref), with ARN and tags as the template sets them. */
function originEndpoints(
  r: Resolver,
): Map<string, { arn: string; tags: Record<string, string>; pathId: string }> {
  const out = new Map<string, { arn: string; tags: Record<string, string>; pathId: string }>();
  let n = 0;
  for (const [id, res] of Object.entries(r.template.Resources)) {
    if (res.Type !== 'AWS::MediaPackage::OriginEndpoint') continue;
    const tags: { Key: string; Value: string }[] = r.resolve(res.Properties?.Tags ?? []);
    out.set(r.ref(id), {
      arn: r.arn(id),
      tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
      pathId: (n++).toString(16).padStart(32, '0'),
    });
  }
  return out;
}

/** A call authorized like the service would, or the service's access-denied error. */
function authorized(ctx: ReplayContext, req: AwsRequest, denial = 'AccessDeniedException'): void {
  const decision = ctx.authorize(req);
  ctx.calls.push({ ...req, decision });
  if (decision !== 'allowed')
    throw Object.assign(new Error(`not authorized: ${req.action} on ${req.resource}`), {
      name: denial,
      $metadata: { httpStatusCode: 403 },
    });
}

interface ReplayContext {
  readonly channels: Map<string, FakeChannel>;
  readonly endpoints: ReturnType<typeof originEndpoints>;
  /** The handler function's environment, resolved. */
  readonly environment: Record<string, string>;
  readonly authorize: Authorize;
  readonly calls: ReplayedCall[];
}

/**
 * lambda/channel-registration's Delete against fakes of MediaPackage (the CMAF endpoint's URL),
 * the route table (a KeyValueStore holding the endpoints' keys) and the registry table (holding
 * the channel's item, written by this resource), each call authorized.
 */
async function replayDeregistration(id: string, props: Json, ctx: ReplayContext): Promise<boolean> {
  const kvsArn = ctx.environment.ONAIR_ROUTE_TABLE_ARN ?? '';
  const table = ctx.environment.ONAIR_REGISTRY_TABLE ?? '';
  const tableArn = `arn:${WORLD.partition}:dynamodb:${WORLD.region}:${WORLD.account}:table/${table}`;
  const stackId = `arn:${WORLD.partition}:cloudformation:${WORLD.region}:${WORLD.account}:stack/channel/1`;
  const hostOf = 'mp.example.amazonaws.com';
  const endpointsOfChannel = [...ctx.endpoints.entries()].filter(([ref]) =>
    ref.includes(String(props.ChannelId)),
  );
  const keys = new Set(ctx.endpoints.size > 0 ? endpointsOfChannel.map(([, e]) => e.pathId) : []);
  const media = Object.fromEntries(
    ['hls', 'dash', 'cmaf'].map((f, i) => [
      f,
      { path: `/out/v1/${endpointsOfChannel[i]?.[1].pathId ?? 'f'.repeat(32)}/index.m3u8`, host: hostOf },
    ]),
  );
  const item = {
    channelId: props.ChannelId,
    ...Object.fromEntries(Object.entries(props.Entry ?? {})),
    p: 1,
    idleMinutes: 0,
    autoRestart: false,
    // The registration writes the ladder's numbers as numbers (its properties carry strings).
    ...(props.Entry?.ladder === undefined
      ? {}
      : { ladder: parseLadder(props.Entry.ladder, 'ladder', Number) }),
    media,
    owner: `${stackId}/${id}`,
    registeredAt: '2026-12-01T00:00:00Z',
  };
  const send = (service: string) => async (command: { constructor: { name: string }; input: Json }) => {
    const op = command.constructor.name.replace(/Command$/, '');
    if (service === 'mediapackage') {
      const e = ctx.endpoints.get(command.input.Id);
      authorized(
        ctx,
        { action: `mediapackage:${op}`, resource: e?.arn ?? 'unknown-endpoint', resourceTags: e?.tags ?? {} },
        'ForbiddenException',
      );
      return { CmafPackage: { HlsManifests: [{ Id: 'hls', Url: `https://${hostOf}${media.cmaf?.path}` }] } };
    }
    if (service === 'kvs') {
      authorized(ctx, { action: `cloudfront-keyvaluestore:${op}`, resource: kvsArn });
      if (op === 'DescribeKeyValueStore') return { ETag: 'etag' };
      if (op === 'GetKey') {
        if (keys.has(command.input.Key)) return { Key: command.input.Key, Value: hostOf };
        throw Object.assign(new Error('no key'), { name: 'ResourceNotFoundException' });
      }
      if (op === 'UpdateKeys') {
        for (const d of command.input.Deletes ?? []) keys.delete(d.Key);
        return { ETag: 'etag-2' };
      }
    }
    if (service === 'dynamodb') {
      const action = op === 'Get' ? 'GetItem' : op === 'Delete' ? 'DeleteItem' : op;
      authorized(ctx, { action: `dynamodb:${action}`, resource: tableArn });
      if (op === 'Get') return { Item: item };
      if (op === 'Delete') return {};
    }
    throw new Error(`the replay's ${service} does not model ${op}`);
  };
  const deps = {
    kvs: { send: send('kvs') },
    kvsArn,
    mediapackage: { send: send('mediapackage') },
    ddb: { send: send('dynamodb') },
    tableName: table,
    now: () => new Date(),
    sleep: async () => {},
    random: () => 0,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  } as unknown as RegistrationDeps;
  const event = {
    RequestType: 'Delete',
    StackId: stackId,
    LogicalResourceId: id,
    PhysicalResourceId: `onair-channel-${props.ChannelId}`,
    ResourceProperties: props,
  } as unknown as CloudFormationCustomResourceDeleteEvent;
  await deregister(deps, event);
  if (keys.size > 0) throw new Error(`route keys left behind: ${[...keys].join(', ')}`);
  return true;
}

async function replayDelete(type: string, id: string, props: Json, ctx: ReplayContext): Promise<boolean> {
  switch (type) {
    case 'Custom::OnAirChannelRegistration':
      return replayDeregistration(id, props, ctx);
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
