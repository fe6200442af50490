/**
 * The synthesized AWS::CloudFront::Distribution as the edge applies it: behaviors in CloudFront's
 * order (the cache behaviors as listed, then the default), each with its path pattern, methods,
 * viewer-request function, policies and trusted public keys; origins with their resolved domain
 * names, paths and custom headers. Everything comes from the template through the
 * {@link Deployment}; nothing names a channel or a path.
 */
import type { CfnResource, Deployment } from '../deployment';
import {
  compileFunction,
  type FunctionRuntime,
  type KeyValueStores,
  type ViewerRequestHandler,
} from './functions';
import {
  cachePolicyForwarding,
  type Forwarding,
  originRequestForwarding,
  type ResponseHeadersPolicy,
  union,
} from './policies';

type Json = Record<string, unknown>;

export interface EdgeOrigin {
  readonly id: string;
  /** The origin's domain name as deployed (resolved from the template). */
  readonly domainName: string;
  readonly originPath: string;
  /** Origin custom headers (dynamic references resolved). */
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly kind: 's3' | 'custom';
}

export interface EdgeFunction {
  readonly logicalId: string;
  readonly runtime: FunctionRuntime;
  readonly run: ViewerRequestHandler;
}

export interface EdgeBehavior {
  /** Undefined for the default behavior. */
  readonly pathPattern?: string;
  readonly matches: (path: string) => boolean;
  readonly targetOriginId: string;
  readonly allowedMethods: readonly string[];
  readonly viewerRequest?: EdgeFunction;
  readonly forwarding: Forwarding;
  readonly responseHeaders?: ResponseHeadersPolicy;
  /** Public keys of the trusted key groups (id → PEM); undefined when the behavior trusts none. */
  readonly trustedKeys?: ReadonlyMap<string, string>;
}

export interface EdgeDistribution {
  readonly logicalId: string;
  readonly behaviors: readonly EdgeBehavior[];
  readonly origins: ReadonlyMap<string, EdgeOrigin>;
}

/**
 * A CloudFront path pattern as a predicate: `*` any run of characters, `?` exactly one; case
 * sensitive; a pattern without a leading `/` is treated as if it had one.
 */
export function pathPatternMatcher(pattern: string): (path: string) => boolean {
  const p = pattern.startsWith('/') ? pattern : `/${pattern}`;
  const body = [...p]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${body}$`, 's');
  return (path) => re.test(path);
}

/** `{Ref: X}` or `{Fn::GetAtt: [X, …]}` → X. */
function logicalIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Json;
  if (typeof v.Ref === 'string') return v.Ref;
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att)) return String(att[0]);
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}

/** A policy property: a literal (managed) id, or a reference to a policy resource of the template. */
function policyOf(
  deployment: Deployment,
  value: unknown,
  configKey: string,
): { id: string; config: Json | undefined } {
  const logicalId = logicalIdOf(value);
  if (logicalId === undefined) return { id: deployment.resolveString(value), config: undefined };
  const r: CfnResource = deployment.resource(logicalId);
  return {
    id: deployment.resolveString(value),
    config: deployment.resolve(r.Properties?.[configKey]) as Json,
  };
}

export interface ReadOptions {
  /** Logical id of the distribution when the template has several. */
  readonly logicalId?: string;
  readonly keyValueStores?: KeyValueStores;
  readonly log?: (line: string) => void;
}

export function readDistribution(deployment: Deployment, opts: ReadOptions = {}): EdgeDistribution {
  const all = deployment.ofType('AWS::CloudFront::Distribution');
  const found = opts.logicalId ? all.find(([id]) => id === opts.logicalId) : all[0];
  if (found === undefined || (opts.logicalId === undefined && all.length !== 1))
    throw new Error(`expected one AWS::CloudFront::Distribution, found ${all.length}`);
  const [logicalId, resource] = found;
  const config = (resource.Properties?.DistributionConfig ?? {}) as Json;

  const origins = new Map<string, EdgeOrigin>();
  for (const o of (config.Origins ?? []) as Json[]) {
    const headers: Record<string, string> = {};
    for (const h of (o.OriginCustomHeaders ?? []) as Json[])
      headers[deployment.resolveString(h.HeaderName)] = deployment.resolveString(h.HeaderValue);
    const id = deployment.resolveString(o.Id);
    origins.set(id, {
      id,
      domainName: deployment.resolveString(o.DomainName),
      originPath: o.OriginPath === undefined ? '' : deployment.resolveString(o.OriginPath),
      customHeaders: headers,
      kind: o.S3OriginConfig !== undefined ? 's3' : 'custom',
    });
  }

  const functions = new Map<string, EdgeFunction>();
  const functionOf = (arn: unknown): EdgeFunction => {
    const id = logicalIdOf(arn);
    if (id === undefined) throw new Error('a function association names no function of the template');
    let fn = functions.get(id);
    if (fn === undefined) {
      const p = deployment.resource(id).Properties ?? {};
      const runtime = (p.FunctionConfig as Json | undefined)?.Runtime as FunctionRuntime;
      const stores: Record<string, ReadonlyMap<string, string>> = {};
      for (const a of ((p.FunctionConfig as Json | undefined)?.KeyValueStoreAssociations ?? []) as Json[]) {
        const arn = deployment.resolveString(a.KeyValueStoreARN);
        const store = opts.keyValueStores?.[arn];
        if (store === undefined)
          throw new Error(`function ${id}: KeyValueStore ${arn} has no local contents`);
        stores[arn] = store;
      }
      fn = {
        logicalId: id,
        runtime,
        run: compileFunction(deployment.resolveString(p.FunctionCode), {
          runtime,
          keyValueStores: stores,
          log: opts.log,
        }),
      };
      functions.set(id, fn);
    }
    return fn;
  };

  const behaviorOf = (b: Json, pathPattern: string | undefined): EdgeBehavior => {
    if (b.ForwardedValues !== undefined) throw new Error('legacy ForwardedValues are not emulated');
    if (b.CachePolicyId === undefined) throw new Error('a behavior without a cache policy is not emulated');
    const cache = policyOf(deployment, b.CachePolicyId, 'CachePolicyConfig');
    let forwarding = cachePolicyForwarding(cache.id, cache.config);
    if (b.OriginRequestPolicyId !== undefined) {
      const orp = policyOf(deployment, b.OriginRequestPolicyId, 'OriginRequestPolicyConfig');
      const extra = originRequestForwarding(orp.id, orp.config);
      forwarding = {
        headers: union(forwarding.headers, extra.headers),
        cookies: union(forwarding.cookies, extra.cookies),
        query: union(forwarding.query, extra.query),
        acceptEncoding: forwarding.acceptEncoding,
      };
    }
    let responseHeaders: ResponseHeadersPolicy | undefined;
    if (b.ResponseHeadersPolicyId !== undefined) {
      const rhp = policyOf(deployment, b.ResponseHeadersPolicyId, 'ResponseHeadersPolicyConfig');
      if (rhp.config === undefined)
        throw new Error(`managed response headers policy ${rhp.id} is not emulated`);
      responseHeaders = rhp.config;
    }
    let viewerRequest: EdgeFunction | undefined;
    for (const a of (b.FunctionAssociations ?? []) as Json[]) {
      if (a.EventType === 'viewer-request') viewerRequest = functionOf(a.FunctionARN);
      else throw new Error(`${String(a.EventType)} functions are not emulated`);
    }
    if (b.LambdaFunctionAssociations !== undefined) throw new Error('Lambda@Edge is not emulated');
    let trustedKeys: Map<string, string> | undefined;
    if (Array.isArray(b.TrustedKeyGroups) && b.TrustedKeyGroups.length > 0) {
      trustedKeys = new Map();
      for (const group of b.TrustedKeyGroups) {
        const groupId = logicalIdOf(group);
        if (groupId === undefined)
          throw new Error('a trusted key group outside the template is not emulated');
        const kg = deployment.resource(groupId).Properties?.KeyGroupConfig as Json | undefined;
        for (const item of (kg?.Items ?? []) as unknown[]) {
          const keyId = deployment.resolveString(item);
          const pem = deployment.publicKey(keyId);
          if (pem === undefined) throw new Error(`key group ${groupId}: public key ${keyId} has no stand-in`);
          trustedKeys.set(keyId, pem);
        }
      }
    }
    if (b.TrustedSigners !== undefined)
      throw new Error('trusted signers (key pairs of accounts) are not emulated');
    return {
      pathPattern,
      matches: pathPattern === undefined ? () => true : pathPatternMatcher(pathPattern),
      targetOriginId: deployment.resolveString(b.TargetOriginId),
      allowedMethods: ((b.AllowedMethods ?? ['GET', 'HEAD']) as string[]).map((m) => m.toUpperCase()),
      viewerRequest,
      forwarding,
      responseHeaders,
      trustedKeys,
    };
  };

  const behaviors = [
    ...((config.CacheBehaviors ?? []) as Json[]).map((b) =>
      behaviorOf(b, deployment.resolveString(b.PathPattern)),
    ),
    behaviorOf((config.DefaultCacheBehavior ?? {}) as Json, undefined),
  ];
  for (const b of behaviors) {
    if (!origins.has(b.targetOriginId))
      throw new Error(`behavior ${b.pathPattern ?? 'default'} targets unknown origin ${b.targetOriginId}`);
  }
  return { logicalId, behaviors, origins };
}
