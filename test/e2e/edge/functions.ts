/**
 * CloudFront Functions (cloudfront-js-1.0 and 2.0) in `node:vm`, with the event and result shapes
 * of the CloudFront developer guide ("CloudFront Functions event structure"):
 *
 * - event `{ version: '1.0', context: { distributionDomainName, distributionId, eventType,
 *   requestId }, viewer: { ip }, request: { method, uri, querystring, headers, cookies } }`;
 * - header names lower-case; the Cookie header is not among the headers but parsed into `cookies`;
 *   each query parameter, header and cookie is `{ value }`, with `multiValue: [{ value }, …]` when
 *   it is repeated; query values as the viewer sent them (percent-encoding kept);
 * - the handler returns the (modified) request, or a response `{ statusCode, statusDescription,
 *   headers, cookies, body }` that CloudFront sends without calling the origin; `async` handlers
 *   (js-2.0) are awaited;
 * - js-2.0 `import cf from 'cloudfront'`: KeyValueStore access (when stores are given) and
 *   `cf.updateRequestOrigin(props)` ("Helper methods for origin modification": viewer request only;
 *   any HTTP host; every setting not given is inherited from the behavior's origin, custom headers
 *   included); `import crypto from 'crypto'`.
 *
 * Not emulated: the runtimes' compute-utilization limit (a wall-clock timeout stands in) and the
 * subset of JavaScript they allow (node:vm runs any modern JavaScript).
 */
import * as nodeCrypto from 'node:crypto';
import { Script } from 'node:vm';

export interface ValueObject {
  value: string;
  multiValue?: { value: string }[];
}
export interface CookieObject extends ValueObject {
  attributes?: string;
}
export interface FunctionRequest {
  method: string;
  uri: string;
  querystring: Record<string, ValueObject>;
  headers: Record<string, ValueObject>;
  cookies: Record<string, ValueObject>;
}
export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, ValueObject>;
  cookies?: Record<string, CookieObject>;
  body?: string | { data: string; encoding: 'text' | 'base64' };
}
export interface FunctionEvent {
  version: '1.0';
  context: {
    distributionDomainName: string;
    distributionId: string;
    eventType: 'viewer-request' | 'viewer-response';
    requestId: string;
  };
  viewer: { ip: string };
  request: FunctionRequest;
}

export type FunctionRuntime = 'cloudfront-js-1.0' | 'cloudfront-js-2.0';

/** What `cf.updateRequestOrigin()` set: the settings given; the rest stays the behavior's origin's. */
export interface OriginUpdate {
  readonly domainName?: string;
  readonly hostHeader?: string;
  readonly originPath?: string;
  readonly customHeaders?: Readonly<Record<string, string>>;
}

/** What a run of the function did besides returning: the edge applies it to the origin request. */
export interface FunctionEffects {
  origin?: OriginUpdate;
}

export type ViewerRequestHandler = (
  event: FunctionEvent,
  effects?: FunctionEffects,
) => Promise<FunctionRequest | FunctionResponse>;

/** A KeyValueStore's contents, by the ARN the function association names. */
export type KeyValueStores = Readonly<Record<string, ReadonlyMap<string, string>>>;

export interface CompileOptions {
  readonly runtime: FunctionRuntime;
  /** Stores the function's KeyValueStoreAssociations name (js-2.0), by ARN. */
  readonly keyValueStores?: KeyValueStores;
  /** Receives what the function logs with console.log. */
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
}

/** A custom origin's domainName for updateRequestOrigin: a DNS name, no port or IP address, at most 253 characters. */
const ORIGIN_DOMAIN = /^(?=.{1,253}$)(?!\d+\.\d+\.\d+\.\d+$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/**
 * The `cloudfront` module of js-2.0: `cf.kvs()` reads the function's (one) associated store;
 * `cf.updateRequestOrigin()` records the new origin settings in `effects`.
 */
function cloudfrontModule(stores: KeyValueStores, effects: FunctionEffects) {
  const arns = Object.keys(stores);
  return {
    updateRequestOrigin(props: OriginUpdate) {
      if (props === null || typeof props !== 'object') throw new Error('updateRequestOrigin needs an object');
      if (props.domainName !== undefined && !ORIGIN_DOMAIN.test(props.domainName))
        throw new Error(`updateRequestOrigin: invalid domainName "${props.domainName}"`);
      if (
        props.originPath !== undefined &&
        (!props.originPath.startsWith('/') || props.originPath.endsWith('/'))
      )
        throw new Error(`updateRequestOrigin: originPath must start and must not end with "/"`);
      for (const name of Object.keys(props.customHeaders ?? {})) {
        if (name !== name.toLowerCase())
          throw new Error(`updateRequestOrigin: custom header names must be lower case, got "${name}"`);
      }
      effects.origin = { ...effects.origin, ...props };
    },
    selectRequestOriginById() {
      throw new Error('selectRequestOriginById is not emulated');
    },
    createRequestOriginGroup() {
      throw new Error('createRequestOriginGroup is not emulated');
    },
    kvs(id?: string) {
      const arn = id === undefined ? arns[0] : arns.find((a) => a === id || a.endsWith(`/${id}`));
      const store = arn === undefined ? undefined : stores[arn];
      if (store === undefined) throw new Error(`no KeyValueStore ${id ?? '(default)'} is associated`);
      return {
        async get(key: string, opts?: { format?: 'string' | 'json' | 'bytes' }) {
          const v = store.get(key);
          if (v === undefined) throw new Error(`Key ${key} not found`);
          return opts?.format === 'json' ? JSON.parse(v) : v;
        },
        async exists(key: string) {
          return store.has(key);
        },
        async meta() {
          return {
            creationDateTime: new Date(0).toISOString(),
            lastUpdatedDateTime: new Date(0).toISOString(),
            keyCount: store.size,
          };
        },
      };
    },
  };
}

/** Compiles a function's code; the handler runs in its own context on every call, like at the edge. */
export function compileFunction(code: string, opts: CompileOptions): ViewerRequestHandler {
  const modules = ['cloudfront', 'crypto'];
  // "Helper methods for origin modification": `import cf from 'cloudfront'` on the first line.
  const cfImport = /^\s*import\s+\w+\s+from\s+['"]cloudfront['"]/m.exec(code);
  if (cfImport !== null && code.slice(0, cfImport.index).trim() !== '')
    throw new Error("import cf from 'cloudfront' must be the function's first line");
  const source = code.replace(
    /^\s*import\s+(\w+)\s+from\s+['"]([^'"]+)['"];?/gm,
    (_all, name: string, mod: string) => {
      if (opts.runtime !== 'cloudfront-js-2.0') throw new Error(`${opts.runtime} has no import statement`);
      if (!modules.includes(mod)) throw new Error(`CloudFront Functions have no module "${mod}"`);
      return `var ${name} = __imports[${JSON.stringify(mod)}];`;
    },
  );
  const log = opts.log ?? (() => {});
  const script = new Script(`${source}\n;handler`, { filename: 'cloudfront-function.js' });
  return async (event, effects = {}) => {
    const imports: Record<string, unknown> = {
      cloudfront: cloudfrontModule(opts.keyValueStores ?? {}, effects),
      crypto: { createHash: nodeCrypto.createHash, createHmac: nodeCrypto.createHmac },
    };
    const sandbox = {
      __imports: imports,
      console: { log: (...a: unknown[]) => log(a.map(String).join(' ')) },
    };
    // A copy in and out: the function sees plain data, never objects of this realm.
    const handler = script.runInNewContext(sandbox, { timeout: opts.timeoutMs ?? 1000 }) as (
      e: unknown,
    ) => unknown;
    const result = await handler(JSON.parse(JSON.stringify(event)));
    return JSON.parse(JSON.stringify(result)) as FunctionRequest | FunctionResponse;
  };
}

export function isResponse(r: FunctionRequest | FunctionResponse): r is FunctionResponse {
  return typeof (r as FunctionResponse).statusCode === 'number';
}

function add(target: Record<string, ValueObject>, name: string, value: string): void {
  const existing = target[name];
  if (existing === undefined) target[name] = { value };
  else {
    existing.multiValue ??= [{ value: existing.value }];
    existing.multiValue.push({ value });
  }
}

/** The parameters of a raw query string, as the viewer sent them. */
export function parseQuery(raw: string): [string, string][] {
  if (raw === '') return [];
  return raw.split('&').map((pair) => {
    const i = pair.indexOf('=');
    return i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)];
  });
}

/** Cookie header(s) → name/value pairs in order. */
export function parseCookies(headers: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const h of headers) {
    for (const part of h.split(';')) {
      const s = part.trim();
      if (s === '') continue;
      const i = s.indexOf('=');
      out.push(i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)]);
    }
  }
  return out;
}

/** The event's request object for an HTTP request (headers as Node gives them, distinct values). */
export function toFunctionRequest(
  method: string,
  rawPath: string,
  headers: Readonly<Record<string, readonly string[]>>,
): FunctionRequest {
  const q = rawPath.indexOf('?');
  const request: FunctionRequest = {
    method,
    uri: q < 0 ? rawPath : rawPath.slice(0, q),
    querystring: {},
    headers: {},
    cookies: {},
  };
  for (const [k, v] of parseQuery(q < 0 ? '' : rawPath.slice(q + 1))) add(request.querystring, k, v);
  for (const [name, values] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (key === 'cookie') continue;
    for (const v of values) add(request.headers, key, v);
  }
  for (const [k, v] of parseCookies(headers.cookie ?? [])) add(request.cookies, k, v);
  return request;
}

/** Every value of a `{ value, multiValue }` object. */
export function valuesOf(v: ValueObject): string[] {
  return v.multiValue ? v.multiValue.map((m) => m.value) : [v.value];
}

/** A function's request back in HTTP terms: path with query, headers, Cookie header. */
export function fromFunctionRequest(r: FunctionRequest): {
  path: string;
  query: [string, string][];
  headers: Record<string, string[]>;
  cookies: [string, string][];
} {
  const query: [string, string][] = [];
  for (const [k, v] of Object.entries(r.querystring ?? {})) for (const x of valuesOf(v)) query.push([k, x]);
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = valuesOf(v);
  const cookies: [string, string][] = [];
  for (const [k, v] of Object.entries(r.cookies ?? {})) for (const x of valuesOf(v)) cookies.push([k, x]);
  const qs = query.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&');
  return { path: qs === '' ? r.uri : `${r.uri}?${qs}`, query, headers, cookies };
}
