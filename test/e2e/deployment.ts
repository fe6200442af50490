/**
 * A synthesized template "as deployed", offline: CloudFormation's intrinsic functions evaluated
 * with deterministic local stand-ins for the values only a deployment knows (generated ids, URLs,
 * secret values, the signing key a custom resource creates). The local edge, the origins and the
 * session function's environment all read their values from here, so every party agrees on them
 * the way the deployed resources would.
 *
 * What it follows (CloudFormation user guide, "Intrinsic function reference" and "Using dynamic
 * references"): Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub and the pseudo
 * parameters; `{{resolve:secretsmanager:<arn>:SecretString:<key>::}}` in any string becomes the
 * secret's value. A Ref or attribute without a stand-in throws, naming the resource type, so a
 * template change that the emulation does not cover fails loudly instead of playing wrongly.
 */
import { createHash, generateKeyPairSync, randomInt } from 'node:crypto';
import {
  type CloudFrontKeyValueStoreClient,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { DescribeOriginEndpointCommand, type MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { onEvent, type ProviderResponse } from '../../lambda/channel-registration/registration';
import { Env, REGISTRATION_RESOURCE_TYPE, REGISTRY_TABLE_KEY } from '../../lambda/shared/contract';
import type { Format } from '../../lambda/shared/manifests';
import type { Log } from '../../lambda/shared/powertools';
import type { StoredSigningKey } from '../../lambda/shared/signing-keys';
import { CDN_IDENTIFIER_KEY } from '../../lib/constructs/channel/cdn-authorization';

type Json = Record<string, unknown>;
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Json;
}

export interface DeploymentOptions {
  /**
   * The distribution's domain name (Fn::GetAtt <Distribution>.DomainName): the local edge's
   * `host:port`, known once it listens.
   */
  readonly distributionDomainName: () => string;
  readonly region?: string;
  readonly accountId?: string;
  readonly stackName?: string;
}

/** A key pair a signing-key custom resource "created" at deploy. */
export interface SigningKeyStandIn {
  /** The CloudFront public key id (Key-Pair-Id). */
  readonly id: string;
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

/** A MediaPackage v1 origin endpoint as deployed: where its content lives below `/out/v1/`. */
export interface MediaPackageEndpoint {
  readonly logicalId: string;
  /** The endpoint's Id property (its Ref). */
  readonly id: string;
  /** The id MediaPackage generates for the URL path: `/out/v1/<pathId>/…`. */
  readonly pathId: string;
  readonly host: string;
  readonly format: Format;
  readonly manifestName: string;
  /** CMAF only: the HLS manifests, each served below `/out/v1/<pathId>/<id>/`. */
  readonly hlsManifests: readonly { readonly id: string; readonly manifestName: string }[];
  /**
   * The CDN identifier the endpoint requires (its CDN authorization secret's
   * MediaPackageCDNIdentifier); undefined without CDN authorization.
   */
  readonly cdnIdentifier?: string;
}

/** A KeyValueStore's contents and ETag, as CloudFront holds them. */
interface KeyValueStoreStandIn {
  readonly items: Map<string, string>;
  etag: number;
}

/** Resource types whose Ref is a generated id (CloudFront ids look like E2QWRUHEXAMPLE). */
const CLOUDFRONT_ID_TYPES = /^AWS::CloudFront::/;
/** Custom resource types that write a signing key (lambda/signing-key): PublicKeyId + the secret. */
const SIGNING_KEY_TYPE = 'Custom::OnAirSigningKey';

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest();
const base32 = (buf: Buffer, n: number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; out.length < n; i++) out += alphabet[buf[i % buf.length] % 32];
  return out;
};
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!#$%&()*+,-./:;<=>?@[]^_`{|}~';

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class Deployment {
  readonly resources: Readonly<Record<string, CfnResource>>;
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** The host every MediaPackage endpoint URL names (one per account and Region). */
  readonly mediaPackageHost: string;
  private readonly opts: DeploymentOptions;
  private readonly secrets = new Map<string, string>();
  private readonly keys = new Map<string, SigningKeyStandIn>();
  /** KeyValueStores by ARN (created empty with the resource; written by registrations). */
  private readonly stores = new Map<string, KeyValueStoreStandIn>();
  /** DynamoDB items by table name, then partition key value. */
  private readonly tables = new Map<string, Map<string, Record<string, unknown>>>();
  /** What each registration's provider answered, by logical id. */
  private readonly registrations = new Map<string, ProviderResponse>();

  /** The template's Outputs, unresolved. */
  private readonly outputValues: Readonly<Record<string, { Value: unknown }>>;

  constructor(template: Json, opts: DeploymentOptions) {
    this.resources = (template.Resources ?? {}) as Record<string, CfnResource>;
    this.outputValues = (template.Outputs ?? {}) as Record<string, { Value: unknown }>;
    this.opts = opts;
    this.region = opts.region ?? 'us-west-2';
    this.accountId = opts.accountId ?? '111122223333';
    this.stackName = opts.stackName ?? 'OnAir-e2e';
    this.mediaPackageHost = `${hash(this.accountId, this.region).toString('hex').slice(0, 10)}.mediapackage.${this.region}.amazonaws.com`;
    // "Deploy" what custom resources create before anything reads the secrets they write.
    for (const [logicalId, r] of Object.entries(this.resources)) {
      if (r.Type === SIGNING_KEY_TYPE) this.deploySigningKey(logicalId);
    }
  }

  /**
   * "Deploys" every channel registration (Custom::OnAirChannelRegistration) by running the real
   * provider code (lambda/channel-registration) with its environment as synthesized, against
   * in-memory stand-ins of the services it calls: the route table (CloudFront KeyValueStore:
   * DescribeKeyValueStore, UpdateKeys with If-Match, GetKey), the registry table (DynamoDB) and
   * MediaPackage's DescribeOriginEndpoint. What it writes is what the live router and the
   * functions then read ({@link keyValueStores}, {@link tableItems}).
   */
  async deployRegistrations(): Promise<void> {
    const registrations = this.ofType(REGISTRATION_RESOURCE_TYPE);
    if (registrations.length === 0) return;
    const provider = this.ofType('AWS::Lambda::Function').find(
      ([id]) => this.functionEnvironment(id).POWERTOOLS_SERVICE_NAME === 'channel-registration',
    );
    if (provider === undefined) throw new Error('no function runs lambda/channel-registration');
    const env = this.functionEnvironment(provider[0]);
    const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Log;
    const deps = {
      kvs: this.keyValueStoreClient(),
      kvsArn: env[Env.ROUTE_TABLE_ARN] as string,
      mediapackage: this.mediaPackageClient(),
      ddb: this.documentClient(),
      tableName: env[Env.REGISTRY_TABLE] as string,
      now: () => new Date(),
      sleep: async () => {},
      random: Math.random,
      log: quiet,
    };
    for (const [logicalId, r] of registrations) {
      const event: CloudFormationCustomResourceCreateEvent = {
        RequestType: 'Create',
        ServiceToken: 'local',
        ResponseURL: 'http://localhost/',
        StackId: this.ref('AWS::StackId'),
        RequestId: logicalId,
        LogicalResourceId: logicalId,
        ResourceType: r.Type,
        ResourceProperties: this.resolve(
          r.Properties ?? {},
        ) as CloudFormationCustomResourceCreateEvent['ResourceProperties'],
      };
      this.registrations.set(logicalId, await onEvent(deps, event));
    }
  }

  /** Every KeyValueStore's contents, by ARN (what functions associated with it read). */
  keyValueStores(): Readonly<Record<string, ReadonlyMap<string, string>>> {
    for (const [id] of this.ofType('AWS::CloudFront::KeyValueStore')) this.store(this.getAtt(id, 'Arn'));
    return Object.fromEntries([...this.stores].map(([arn, s]) => [arn, s.items]));
  }

  /** The items of a DynamoDB table as deployed (written by custom resources), in key order. */
  tableItems(tableName: string): Record<string, unknown>[] {
    const t = this.tables.get(tableName) ?? new Map();
    return [...t.keys()].sort().map((k) => t.get(k) as Record<string, unknown>);
  }

  /** A function's Environment.Variables, every token resolved. */
  functionEnvironment(logicalId: string): Record<string, string> {
    const p = this.resource(logicalId).Properties ?? {};
    return this.resolve(((p.Environment ?? {}) as { Variables?: unknown }).Variables ?? {}) as Record<
      string,
      string
    >;
  }

  private store(arn: string): KeyValueStoreStandIn {
    let s = this.stores.get(arn);
    if (s === undefined) {
      const known = this.ofType('AWS::CloudFront::KeyValueStore').some(
        ([id]) => this.getAtt(id, 'Arn') === arn,
      );
      if (!known)
        throw Object.assign(new Error(`no KeyValueStore ${arn}`), { name: 'ResourceNotFoundException' });
      s = { items: new Map(), etag: 1 };
      this.stores.set(arn, s);
    }
    return s;
  }

  /** CloudFront KeyValueStore's data plane, as far as the registration provider uses it. */
  private keyValueStoreClient(): CloudFrontKeyValueStoreClient {
    const send = async (cmd: unknown) => {
      if (cmd instanceof DescribeKeyValueStoreCommand) {
        const s = this.store(cmd.input.KvsARN as string);
        return { KvsARN: cmd.input.KvsARN, ETag: `E${s.etag}`, ItemCount: s.items.size };
      }
      if (cmd instanceof GetKeyCommand) {
        const s = this.store(cmd.input.KvsARN as string);
        const value = s.items.get(cmd.input.Key as string);
        if (value === undefined)
          throw Object.assign(new Error('The key was not found.'), { name: 'ResourceNotFoundException' });
        return { Key: cmd.input.Key, Value: value, ItemCount: s.items.size };
      }
      if (cmd instanceof UpdateKeysCommand) {
        const s = this.store(cmd.input.KvsARN as string);
        if (cmd.input.IfMatch !== `E${s.etag}`)
          throw Object.assign(new Error('Pre-condition failed: ETag mismatch'), {
            name: 'ConflictException',
          });
        for (const d of cmd.input.Deletes ?? []) s.items.delete(d.Key as string);
        for (const p of cmd.input.Puts ?? []) s.items.set(p.Key as string, p.Value as string);
        s.etag++;
        return { ETag: `E${s.etag}`, ItemCount: s.items.size };
      }
      throw new Error(`KeyValueStore: ${(cmd as object).constructor.name} has no local stand-in`);
    };
    return { send } as unknown as CloudFrontKeyValueStoreClient;
  }

  /** MediaPackage v1's DescribeOriginEndpoint for the template's endpoints. */
  private mediaPackageClient(): MediaPackageClient {
    const send = async (cmd: unknown) => {
      if (!(cmd instanceof DescribeOriginEndpointCommand))
        throw new Error(`MediaPackage: ${(cmd as object).constructor.name} has no local stand-in`);
      const ep = this.mediaPackageEndpoints().find((e) => e.id === cmd.input.Id);
      if (ep === undefined)
        throw Object.assign(new Error(`endpoint ${cmd.input.Id} not found`), { name: 'NotFoundException' });
      const url = ep.format === 'cmaf' ? '' : this.getAtt(ep.logicalId, 'Url');
      return {
        Id: ep.id,
        Url: url,
        ...(ep.format === 'cmaf'
          ? {
              CmafPackage: {
                HlsManifests: ep.hlsManifests.map((m) => ({ Id: m.id, Url: this.cmafManifestUrl(ep, m) })),
              },
            }
          : {}),
      };
    };
    return { send } as unknown as MediaPackageClient;
  }

  /** DynamoDB (document client) Get, Put and Delete on {@link tables}, keyed by the registry key. */
  private documentClient(): DynamoDBDocumentClient {
    const table = (name: string) => {
      let t = this.tables.get(name);
      if (t === undefined) {
        t = new Map();
        this.tables.set(name, t);
      }
      return t;
    };
    const keyOf = (key: Record<string, unknown> | undefined) => String(key?.[REGISTRY_TABLE_KEY]);
    const send = async (cmd: unknown) => {
      if (cmd instanceof GetCommand)
        return { Item: table(cmd.input.TableName as string).get(keyOf(cmd.input.Key)) };
      if (cmd instanceof PutCommand) {
        const item = cmd.input.Item as Record<string, unknown>;
        table(cmd.input.TableName as string).set(keyOf(item), structuredClone(item));
        return {};
      }
      if (cmd instanceof DeleteCommand) {
        table(cmd.input.TableName as string).delete(keyOf(cmd.input.Key));
        return {};
      }
      throw new Error(`DynamoDB: ${(cmd as object).constructor.name} has no local stand-in`);
    };
    return { send } as unknown as DynamoDBDocumentClient;
  }

  /** The stack's outputs as DescribeStacks shows them, every value resolved. */
  outputs(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.outputValues).map(([k, o]) => [k, this.resolveString(o.Value)]),
    );
  }

  /** Logical ids and resources of one type, in template order. */
  ofType(type: string): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  resource(logicalId: string): CfnResource {
    const r = this.resources[logicalId];
    if (r === undefined) throw new Error(`the template has no resource ${logicalId}`);
    return r;
  }

  /** Evaluates every intrinsic function in a value, then dynamic references in its strings. */
  resolve(value: unknown): unknown {
    if (typeof value === 'string') return this.dynamicReferences(value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = value[key];
      if (key === 'Ref') return this.ref(String(arg));
      if (key === 'Fn::GetAtt') {
        const [id, ...attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return this.getAtt(id, attr.join('.'));
      }
      if (key === 'Fn::Join') {
        const [sep, list] = arg as [string, unknown[]];
        return this.dynamicReferences((this.resolve(list) as unknown[]).map(String).join(sep));
      }
      if (key === 'Fn::Select') {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(list) as unknown[];
        const i = Number(this.resolve(index));
        if (!Array.isArray(items) || !(i >= 0 && i < items.length))
          throw new Error(`Fn::Select index ${i} out of range`);
        return items[i];
      }
      if (key === 'Fn::Split') {
        const [sep, str] = arg as [string, unknown];
        return String(this.resolve(str)).split(sep);
      }
      if (key === 'Fn::Sub') return this.sub(arg);
      if (key.startsWith('Fn::') || key === 'Condition')
        throw new Error(`${key} has no local stand-in (used in ${JSON.stringify(value).slice(0, 120)})`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** {@link resolve} for a value that must be a string. */
  resolveString(value: unknown): string {
    const v = this.resolve(value);
    if (typeof v !== 'string') throw new Error(`expected a string, got ${JSON.stringify(v)}`);
    return v;
  }

  ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.region,
      'AWS::AccountId': this.accountId,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
      'AWS::StackId': `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${this.stackName}/0`,
    };
    if (logicalId in pseudo) return pseudo[logicalId];
    const r = this.resource(logicalId);
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${logicalId}-${base32(hash(logicalId), 6)}`;
      case 'AWS::MediaPackage::Channel':
      case 'AWS::MediaPackage::OriginEndpoint':
        return this.resolveString(p.Id);
      case 'AWS::ApiGatewayV2::Api':
        return base32(hash('api', logicalId), 10).toLowerCase();
      case 'AWS::S3::Bucket':
        return `${this.stackName}-${logicalId}-${base32(hash(logicalId), 8)}`.toLowerCase().slice(0, 63);
      case SIGNING_KEY_TYPE:
        return this.signingKey(logicalId).id;
      case REGISTRATION_RESOURCE_TYPE:
        return this.registration(logicalId).PhysicalResourceId;
      default:
        if (CLOUDFRONT_ID_TYPES.test(r.Type)) return `E${base32(hash(logicalId), 13)}`;
        return `${this.stackName}-${logicalId}-${base32(hash(logicalId), 8)}`;
    }
  }

  getAtt(logicalId: string, attr: string): string {
    const r = this.resource(logicalId);
    const p = r.Properties ?? {};
    const fail = () => new Error(`Fn::GetAtt ${logicalId}.${attr} (${r.Type}) has no local stand-in`);
    switch (r.Type) {
      case 'AWS::MediaPackage::OriginEndpoint': {
        if (attr === 'Arn')
          return `arn:aws:mediapackage:${this.region}:${this.accountId}:origin_endpoints/${this.ref(logicalId)}`;
        if (attr !== 'Url') throw fail();
        const ep = this.endpoint(logicalId);
        // CloudFormation returns an empty Url for CMAF endpoints: each HLS manifest has its own.
        if (ep.format === 'cmaf') return '';
        const ext = ep.format === 'dash' ? 'mpd' : 'm3u8';
        return `https://${ep.host}/out/v1/${ep.pathId}/${ep.manifestName}.${ext}`;
      }
      case 'Custom::AWS':
        return this.awsCustomResourceField(logicalId, attr);
      case REGISTRATION_RESOURCE_TYPE: {
        const data = this.registration(logicalId).Data ?? {};
        if (data[attr] === undefined) throw fail();
        return data[attr];
      }
      case SIGNING_KEY_TYPE:
        if (attr !== 'PublicKeyId') throw fail();
        return this.signingKey(logicalId).id;
      case 'AWS::ApiGatewayV2::Api':
        if (attr === 'ApiId') return this.ref(logicalId);
        if (attr === 'ApiEndpoint')
          return `https://${this.ref(logicalId)}.execute-api.${this.region}.amazonaws.com`;
        throw fail();
      case 'AWS::CloudFront::Distribution':
        if (attr === 'DomainName') return this.opts.distributionDomainName();
        if (attr === 'Id') return this.ref(logicalId);
        throw fail();
      case 'AWS::CloudFront::Function':
        if (attr === 'FunctionARN')
          return `arn:aws:cloudfront::${this.accountId}:function/${this.resolveString(p.Name)}`;
        throw fail();
      case 'AWS::S3::Bucket': {
        const name = this.ref(logicalId);
        if (attr === 'Arn') return `arn:aws:s3:::${name}`;
        if (attr === 'RegionalDomainName') return `${name}.s3.${this.region}.amazonaws.com`;
        if (attr === 'DomainName') return `${name}.s3.amazonaws.com`;
        throw fail();
      }
      default:
        if (CLOUDFRONT_ID_TYPES.test(r.Type) && attr === 'Id') return this.ref(logicalId);
        if (attr === 'Arn') {
          const service = r.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
          return `arn:aws:${service}:${this.region}:${this.accountId}:${logicalId}/${this.ref(logicalId)}`;
        }
        throw fail();
    }
  }

  /** What Secrets Manager's GetSecretValue returns as SecretString for a secret ARN or name. */
  secretString(secretId: string): string | undefined {
    for (const [logicalId, r] of this.ofType('AWS::SecretsManager::Secret')) {
      const arn = this.ref(logicalId);
      if (secretId !== arn && secretId !== arn.replace(/-[A-Za-z0-9]{6}$/, '')) continue;
      let value = this.secrets.get(arn);
      if (value === undefined) {
        value = this.generateSecret(r.Properties ?? {});
        this.secrets.set(arn, value);
      }
      return value;
    }
    return undefined;
  }

  /** The key pairs signing-key custom resources created, by logical id. */
  signingKeys(): ReadonlyMap<string, SigningKeyStandIn> {
    return this.keys;
  }

  /** The public key (PEM) CloudFront holds under an id: one a custom resource created, or an AWS::CloudFront::PublicKey. */
  publicKey(id: string): string | undefined {
    for (const k of this.keys.values()) if (k.id === id) return k.publicKeyPem;
    for (const [logicalId, r] of this.ofType('AWS::CloudFront::PublicKey')) {
      if (this.ref(logicalId) === id) {
        return this.resolveString((r.Properties?.PublicKeyConfig as Json | undefined)?.EncodedKey);
      }
    }
    return undefined;
  }

  /** Every MediaPackage v1 origin endpoint of the template. */
  mediaPackageEndpoints(): MediaPackageEndpoint[] {
    return this.ofType('AWS::MediaPackage::OriginEndpoint').map(([id]) => this.endpoint(id));
  }

  private endpoint(logicalId: string): MediaPackageEndpoint {
    const p = this.resource(logicalId).Properties ?? {};
    const format: Format | undefined = p.HlsPackage
      ? 'hls'
      : p.DashPackage
        ? 'dash'
        : p.CmafPackage
          ? 'cmaf'
          : undefined;
    if (format === undefined) throw new Error(`endpoint ${logicalId}: only HLS, DASH and CMAF are emulated`);
    const cmaf = (p.CmafPackage ?? {}) as { HlsManifests?: Json[] };
    const auth = p.Authorization as Json | undefined;
    let cdnIdentifier: string | undefined;
    if (auth?.CdnIdentifierSecret !== undefined) {
      const arn = this.resolveString(auth.CdnIdentifierSecret);
      const value = JSON.parse(this.secretString(arn) ?? '{}') as Json;
      if (typeof value[CDN_IDENTIFIER_KEY] !== 'string')
        throw new Error(`endpoint ${logicalId}: secret ${arn} has no ${CDN_IDENTIFIER_KEY}`);
      cdnIdentifier = value[CDN_IDENTIFIER_KEY] as string;
    }
    return {
      cdnIdentifier,
      logicalId,
      id: this.ref(logicalId),
      pathId: hash('mediapackage', logicalId).toString('hex').slice(0, 32),
      host: this.mediaPackageHost,
      format,
      manifestName: p.ManifestName === undefined ? 'index' : this.resolveString(p.ManifestName),
      hlsManifests: (cmaf.HlsManifests ?? []).map((m) => ({
        id: this.resolveString(m.Id),
        manifestName: m.ManifestName === undefined ? 'index' : this.resolveString(m.ManifestName),
      })),
    };
  }

  /**
   * aws-cdk-lib's AwsCustomResource: the response of its SDK call, of which `attr` is an output
   * path. Only MediaPackage DescribeOriginEndpoint is emulated; its CMAF HLS manifest URL follows
   * the project's contract (lambda/shared/manifests.ts: `/out/v1/<id>/<manifest id>/<name>.m3u8`).
   */
  private awsCustomResourceField(logicalId: string, attr: string): string {
    const call = JSON.parse(this.resolveString(this.resource(logicalId).Properties?.Create)) as {
      service: string;
      action: string;
      parameters: { Id?: string };
    };
    if (call.service !== 'MediaPackage' || call.action !== 'describeOriginEndpoint')
      throw new Error(`Custom::AWS ${logicalId}: ${call.service}.${call.action} has no local stand-in`);
    const found = this.mediaPackageEndpoints().find((e) => e.id === call.parameters.Id);
    if (found === undefined) throw new Error(`Custom::AWS ${logicalId}: no endpoint ${call.parameters.Id}`);
    const m = /^CmafPackage\.HlsManifests\.(\d+)\.Url$/.exec(attr);
    const manifest = m ? found.hlsManifests[Number(m[1])] : undefined;
    if (manifest === undefined) throw new Error(`Custom::AWS ${logicalId}: output ${attr} has no stand-in`);
    return this.cmafManifestUrl(found, manifest);
  }

  /** A CMAF endpoint's HLS manifest URL: `/out/v1/<path id>/<manifest id>/<name>.m3u8`. */
  private cmafManifestUrl(ep: MediaPackageEndpoint, m: MediaPackageEndpoint['hlsManifests'][number]): string {
    return `https://${ep.host}/out/v1/${ep.pathId}/${m.id}/${m.manifestName}.m3u8`;
  }

  private registration(logicalId: string): ProviderResponse {
    const r = this.registrations.get(logicalId);
    if (r === undefined)
      throw new Error(`${logicalId} is not deployed yet: call deployRegistrations() first`);
    return r;
  }

  private signingKey(logicalId: string): SigningKeyStandIn {
    const k = this.keys.get(logicalId);
    if (k === undefined) throw new Error(`${logicalId} is not a ${SIGNING_KEY_TYPE}`);
    return k;
  }

  /**
   * What lambda/signing-key does at deploy: an RSA-2048 key pair, the public key registered under
   * a CloudFront id, the private key written to the version's secret as a StoredSigningKey.
   */
  private deploySigningKey(logicalId: string): void {
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const key = {
      id: `K${base32(hash('public-key', logicalId), 13)}`,
      publicKeyPem: pair.publicKey,
      privateKeyPem: pair.privateKey,
    };
    this.keys.set(logicalId, key);
    const secretArn = this.resolveString(this.resource(logicalId).Properties?.SecretArn);
    // Registered well before "now", so the session function's signing grace does not apply.
    const stored: StoredSigningKey = {
      keyPairId: key.id,
      privateKey: key.privateKeyPem,
      createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    };
    this.secrets.set(secretArn, JSON.stringify(stored));
  }

  /** Secrets Manager's value for a secret's SecretString or GenerateSecretString. */
  private generateSecret(p: Json): string {
    if (typeof p.SecretString === 'string') return this.resolveString(p.SecretString);
    const g = (p.GenerateSecretString ?? {}) as Json;
    const length = typeof g.PasswordLength === 'number' ? g.PasswordLength : 32;
    const exclude = typeof g.ExcludeCharacters === 'string' ? g.ExcludeCharacters : '';
    const chars = [...(g.ExcludePunctuation === true ? ALNUM : ALNUM + PUNCTUATION)].filter(
      (c) => !exclude.includes(c),
    );
    const password = Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
    if (typeof g.SecretStringTemplate === 'string' && typeof g.GenerateStringKey === 'string') {
      return JSON.stringify({ ...JSON.parse(g.SecretStringTemplate), [g.GenerateStringKey]: password });
    }
    return password;
  }

  private sub(arg: unknown): string {
    const [template, vars] = Array.isArray(arg) ? (arg as [string, Json]) : [String(arg), {}];
    const out = template.replace(/\$\{(!?)([^}]+)\}/g, (_all, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      if (name in vars) return String(this.resolve(vars[name]));
      const dot = name.indexOf('.');
      return dot > 0 && !name.startsWith('AWS::')
        ? this.getAtt(name.slice(0, dot), name.slice(dot + 1))
        : this.ref(name);
    });
    return this.dynamicReferences(out);
  }

  private dynamicReferences(s: string): string {
    return s.replace(/\{\{resolve:secretsmanager:(.+?)\}\}/g, (_all, ref: string) => {
      const m = /^(.+?):SecretString:([^:]*):([^:]*):([^:]*)$/.exec(ref);
      const secretId = m?.[1] ?? ref;
      const value = this.secretString(secretId);
      if (value === undefined) throw new Error(`dynamic reference to an unknown secret ${secretId}`);
      const key = m?.[2] ?? '';
      if (key === '') return value;
      const field = (JSON.parse(value) as Json)[key];
      if (typeof field !== 'string') throw new Error(`secret ${secretId} has no string field ${key}`);
      return field;
    });
  }
}
