/**
 * Synthesized CloudFormation templates as the cleanup replay (test/cleanup-replay.ts) reads them:
 * intrinsic functions resolved to concrete values, dependencies, the role a custom resource's
 * handler runs as, and the policy statements attached to a role.
 */
import type { PolicyStatement } from './iam-policy';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
export type Json = any;
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
      case 'AWS::DynamoDB::Table':
        return `arn:${p}:dynamodb:${r}:${a}:table/${id}`;
      case 'AWS::CloudFront::KeyValueStore':
        return `arn:${p}:cloudfront::${a}:key-value-store/${id}`;
      case 'AWS::MediaPackage::OriginEndpoint':
        return `arn:${p}:mediapackage:${r}:${a}:origin_endpoints/${id}`;
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
 * The function a custom resource's Delete runs in: the one its service token names, or for the
 * Provider framework the user handler that framework invokes.
 */
export function handlerFunction(template: CfnTemplate, customResource: string): string {
  const cr = template.Resources[customResource];
  let fn = getAttTarget(cr?.Properties?.ServiceToken);
  const env = template.Resources[fn]?.Properties?.Environment?.Variables ?? {};
  if (env.USER_ON_EVENT_FUNCTION_ARN !== undefined) {
    const onEvent = getAttTarget(env.USER_ON_EVENT_FUNCTION_ARN);
    const isComplete = env.USER_IS_COMPLETE_FUNCTION_ARN;
    if (isComplete !== undefined && getAttTarget(isComplete) !== onEvent)
      throw new Error(`${customResource}: onEvent and isComplete run as different functions; replay both`);
    fn = onEvent;
  }
  return fn;
}

/** The role whose permissions a custom resource's Delete runs with (its handler's). */
export function handlerRole(template: CfnTemplate, customResource: string): string {
  return getAttTarget(template.Resources[handlerFunction(template, customResource)]?.Properties?.Role);
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

/**
 * One template holding a stack and the stacks nested in it, for the replay: each nested
 * resource under `<nested stack's logical id><its logical id>`, its parameters replaced by the
 * values the parent passes, and the parent's `Fn::GetAtt [<nested>, Outputs.<name>]` by the
 * output's value. IAM decisions and dependencies read the same as across the stacks.
 */
export function flattenNestedStacks(
  root: CfnTemplate,
  nested: Readonly<Record<string, CfnTemplate & Json>>,
): CfnTemplate {
  const resources: CfnTemplate['Resources'] = {};
  const rewrite = (v: Json, prefix: string, params: Record<string, Json>): Json => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => rewrite(x, prefix, params));
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof v.Ref === 'string') {
      if (v.Ref.startsWith('AWS::')) return v;
      if (Object.hasOwn(params, v.Ref)) return params[v.Ref];
      return { Ref: `${prefix}${v.Ref}` };
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      const inner = nested[id];
      if (prefix === '' && inner !== undefined && attr.startsWith('Outputs.')) {
        const output = inner.Outputs?.[attr.slice('Outputs.'.length)];
        if (output === undefined) throw new Error(`${id} has no output ${attr}`);
        return rewrite(output.Value, id, parameterValues(id));
      }
      return { 'Fn::GetAtt': [`${prefix}${id}`, attr] };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x, prefix, params)]));
  };
  const parameterValues = (stackId: string): Record<string, Json> =>
    rewrite(root.Resources[stackId]?.Properties?.Parameters ?? {}, '', {});
  const dependsOn = (d: string | string[] | undefined, prefix: string) =>
    d === undefined
      ? undefined
      : (typeof d === 'string' ? [d] : d)
          .filter((x) => nested[x] === undefined || prefix !== '')
          .map((x) => `${prefix}${x}`);
  for (const [id, r] of Object.entries(root.Resources)) {
    if (nested[id] !== undefined) continue;
    resources[id] = {
      ...r,
      Properties: rewrite(r.Properties, '', {}),
      DependsOn: dependsOn(r.DependsOn, ''),
    };
  }
  for (const [stackId, t] of Object.entries(nested)) {
    const params = parameterValues(stackId);
    for (const [id, r] of Object.entries(t.Resources as CfnTemplate['Resources'])) {
      resources[`${stackId}${id}`] = {
        ...r,
        Properties: rewrite(r.Properties, stackId, params),
        DependsOn: dependsOn(r.DependsOn, stackId),
      };
    }
  }
  return { Resources: resources };
}
