import {
  type CloudFrontKeyValueStoreClient,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { DescribeOriginEndpointCommand, type MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  CHANNEL_ID_PATTERN,
  CHANNEL_ID_RULE,
  type EndpointLocation,
  IngestProtocol,
  KVS_MAX_KEYS_PER_UPDATE,
  parseEndpointUrl,
  REGISTRY_TABLE_KEY,
  ViewerAuth,
} from '../shared/contract';
import type { Format } from '../shared/manifests';
import type { Log } from '../shared/powertools';
import { parseLadder, parseRegisteredChannel, type RegisteredChannel } from '../shared/registry';

const FORMATS: readonly Format[] = ['hls', 'dash', 'cmaf'];

/** A channel's registration, from the custom resource's properties. */
export interface RegistrationProperties {
  readonly ChannelId: string;
  /** The registry item's channel fields. */
  readonly Entry: Omit<RegisteredChannel, 'channelId' | 'media' | 'owner' | 'registeredAt'>;
  readonly Endpoints: {
    /** HLS and DASH: CloudFormation's Url attribute names the manifest. */
    readonly hls: { readonly Id: string; readonly Url: string };
    readonly dash: { readonly Id: string; readonly Url: string };
    /** CMAF: CloudFormation's Url is empty (each HLS manifest has its own); read with DescribeOriginEndpoint. */
    readonly cmaf: { readonly Id: string };
  };
}

const AUTH_MODES: readonly unknown[] = Object.values(ViewerAuth);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` at `path` as an object, else an error naming the path. */
function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) throw new Error(`${path} must be an object, got ${JSON.stringify(value)}`);
  return value;
}

/** `value` at `path` as a non-empty string, else an error naming the path. */
function nonEmptyAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '')
    throw new Error(`${path} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

/** A number CloudFormation passed as a string ("45"), or as a number. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
}

/**
 * Checks the custom resource's properties: CloudFormation passes every leaf as a string, so
 * numbers and booleans are read from theirs. A few explicit checks rather than a schema (a schema
 * library would weigh on the bundle); a mismatch names the first field that does not fit, and
 * fields not listed here are left out of the result.
 */
export function parseRegistrationProperties(props: unknown): RegistrationProperties {
  try {
    const root = objectAt(props, 'properties');
    const channelId = root.ChannelId;
    if (typeof channelId !== 'string' || !CHANNEL_ID_PATTERN.test(channelId))
      throw new Error(
        `ChannelId must be a channel id (${CHANNEL_ID_RULE}), got ${JSON.stringify(channelId)}`,
      );

    const e = objectAt(root.Entry, 'Entry');
    const names = {
      ml: nonEmptyAt(e.ml, 'Entry.ml'),
      in: nonEmptyAt(e.in, 'Entry.in'),
      key: nonEmptyAt(e.key, 'Entry.key'),
      mp: nonEmptyAt(e.mp, 'Entry.mp'),
      app: nonEmptyAt(e.app, 'Entry.app'),
    };
    const p = numberOf(e.p);
    if (p !== 1 && p !== 2) throw new Error(`Entry.p must be 1 or 2, got ${JSON.stringify(e.p)}`);
    if (e.t !== undefined && e.t !== IngestProtocol.SRT_LISTENER)
      throw new Error(
        `Entry.t must be absent (RTMP_PUSH) or "${IngestProtocol.SRT_LISTENER}", got ${JSON.stringify(e.t)}`,
      );
    if (!AUTH_MODES.includes(e.auth))
      throw new Error(`Entry.auth must be one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(e.auth)}`);
    const idleMinutes = numberOf(e.idleMinutes);
    if (!Number.isInteger(idleMinutes) || idleMinutes < 0)
      throw new Error(`Entry.idleMinutes must be a whole number ≥ 0, got ${JSON.stringify(e.idleMinutes)}`);
    if (e.autoRestart !== 'true' && e.autoRestart !== 'false')
      throw new Error(`Entry.autoRestart must be "true" or "false", got ${JSON.stringify(e.autoRestart)}`);
    // Only for channels that are not recorded (an absent one is recorded).
    if (e.record !== undefined && e.record !== 'false')
      throw new Error(`Entry.record must be absent (recorded) or "false", got ${JSON.stringify(e.record)}`);

    const endpoints = objectAt(root.Endpoints, 'Endpoints');
    const withUrl = (f: 'hls' | 'dash') => {
      const ep = objectAt(endpoints[f], `Endpoints.${f}`);
      return { Id: nonEmptyAt(ep.Id, `Endpoints.${f}.Id`), Url: nonEmptyAt(ep.Url, `Endpoints.${f}.Url`) };
    };
    const cmaf = objectAt(endpoints.cmaf, 'Endpoints.cmaf');

    return {
      ChannelId: channelId,
      Entry: {
        ...names,
        p,
        ...(e.t === undefined ? {} : { t: IngestProtocol.SRT_LISTENER }),
        auth: e.auth as ViewerAuth,
        idleMinutes,
        autoRestart: e.autoRestart === 'true',
        ...(e.record === undefined ? {} : { record: false as const }),
        ...(e.ladder === undefined ? {} : { ladder: parseLadder(e.ladder, 'Entry.ladder', numberOf) }),
      },
      Endpoints: {
        hls: withUrl('hls'),
        dash: withUrl('dash'),
        cmaf: { Id: nonEmptyAt(cmaf.Id, 'Endpoints.cmaf.Id') },
      },
    };
  } catch (err) {
    throw new Error(`invalid registration properties: ${(err as Error).message}`);
  }
}

export interface RegistrationDeps {
  readonly kvs: CloudFrontKeyValueStoreClient;
  /** The route table (the live router's KeyValueStore). */
  readonly kvsArn: string;
  readonly mediapackage: MediaPackageClient;
  readonly ddb: DynamoDBDocumentClient;
  /** The channel registry table. */
  readonly tableName: string;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** [0, 1), for the backoff jitter. */
  readonly random: () => number;
  readonly log: Log;
  /**
   * Conflicting writes to retry before giving up.
   * @default - {@link MAX_WRITE_ATTEMPTS}
   */
  readonly maxAttempts?: number;
}

export interface ProviderResponse {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

/**
 * Every write to a KeyValueStore names the store's current ETag (If-Match), and the ETag is
 * store-wide: channel stacks deployed in parallel conflict even on different keys. A conflicting
 * write is retried with exponential backoff and full jitter; 100 channels created at once
 * settle well within the function's timeout.
 */
export const MAX_WRITE_ATTEMPTS = 20;
export const BACKOFF_BASE_MS = 200;
export const BACKOFF_CAP_MS = 5_000;

/** Full jitter: a uniform wait in [0, min(cap, base * 2^attempt)). */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

/**
 * A stale ETag. The KeyValueStore API reference lists ConflictException (409) and
 * ValidationException (400) for UpdateKeys without saying which one a stale If-Match raises:
 * a 409 is always retried, a 400 only when it speaks of the ETag or If-Match.
 */
export function isStaleEtag(err: unknown): boolean {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'ConflictException' || e?.$metadata?.httpStatusCode === 409) return true;
  if (e?.$metadata?.httpStatusCode === 412) return true;
  return e?.name === 'ValidationException' && /etag|if-match/i.test(e.message ?? '');
}

export interface KeyChanges {
  readonly puts: ReadonlyMap<string, string>;
  readonly deletes: readonly string[];
}

/**
 * Applies puts and deletes to the route table in one all-or-nothing UpdateKeys (Describe for the
 * ETag, then the write), retrying stale ETags. Nothing to change sends nothing.
 */
export async function writeRouteTable(d: RegistrationDeps, changes: KeyChanges): Promise<void> {
  const puts = [...changes.puts].map(([Key, Value]) => ({ Key, Value }));
  const deletes = changes.deletes.filter((k) => !changes.puts.has(k)).map((Key) => ({ Key }));
  if (puts.length === 0 && deletes.length === 0) return;
  if (puts.length + deletes.length > KVS_MAX_KEYS_PER_UPDATE)
    throw new Error(
      `${puts.length + deletes.length} keys in one update; UpdateKeys takes ${KVS_MAX_KEYS_PER_UPDATE}`,
    );
  const max = d.maxAttempts ?? MAX_WRITE_ATTEMPTS;
  for (let attempt = 0; ; attempt++) {
    const { ETag } = await d.kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: d.kvsArn }));
    try {
      await d.kvs.send(
        new UpdateKeysCommand({
          KvsARN: d.kvsArn,
          IfMatch: ETag,
          ...(puts.length > 0 ? { Puts: puts } : {}),
          ...(deletes.length > 0 ? { Deletes: deletes } : {}),
        }),
      );
      return;
    } catch (err) {
      if (!isStaleEtag(err) || attempt + 1 >= max) {
        if (isStaleEtag(err))
          throw new Error(
            `the route table stayed busy: ${max} conflicting writes (other channel stacks write it at the same time); retry the deployment`,
          );
        throw err;
      }
      const wait = backoffMs(attempt, d.random);
      d.log.info('route table changed under us; retrying', { attempt: attempt + 1, waitMs: wait });
      await d.sleep(wait);
    }
  }
}

/** The keys among `keys` the route table holds (GetKey; a missing key is ResourceNotFoundException). */
export async function existingKeys(d: RegistrationDeps, keys: Iterable<string>): Promise<string[]> {
  const found: string[] = [];
  for (const Key of new Set(keys)) {
    try {
      await d.kvs.send(new GetKeyCommand({ KvsARN: d.kvsArn, Key }));
      found.push(Key);
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
    }
  }
  return found;
}

/** The CMAF endpoint's HLS manifest URL (CloudFormation's Url is empty for CMAF endpoints). */
export async function cmafManifestUrl(mediapackage: MediaPackageClient, endpointId: string): Promise<string> {
  const r = await mediapackage.send(new DescribeOriginEndpointCommand({ Id: endpointId }));
  const url = r.CmafPackage?.HlsManifests?.[0]?.Url;
  if (url === undefined || url === '')
    throw new Error(`MediaPackage origin endpoint ${endpointId} has no CMAF HLS manifest URL`);
  return url;
}

/** Where each format of the channel is served (host, path id, manifest). */
export async function locateEndpoints(
  d: RegistrationDeps,
  p: RegistrationProperties,
): Promise<Record<Format, EndpointLocation>> {
  const urls: Record<Format, string> = {
    hls: p.Endpoints.hls.Url,
    dash: p.Endpoints.dash.Url,
    cmaf: await cmafManifestUrl(d.mediapackage, p.Endpoints.cmaf.Id),
  };
  const out = {} as Record<Format, EndpointLocation>;
  for (const f of FORMATS) {
    try {
      out[f] = parseEndpointUrl(urls[f]);
    } catch (err) {
      throw new Error(`channel ${p.ChannelId}, ${f} endpoint: ${(err as Error).message}`);
    }
  }
  return out;
}

/** The registry item of a channel (undefined when absent or unreadable). */
async function registryItem(d: RegistrationDeps, channelId: string): Promise<RegisteredChannel | undefined> {
  const r = await d.ddb.send(
    new GetCommand({
      TableName: d.tableName,
      Key: { [REGISTRY_TABLE_KEY]: channelId },
      ConsistentRead: true,
    }),
  );
  if (r.Item === undefined) return undefined;
  try {
    return parseRegisteredChannel(r.Item);
  } catch {
    // An item of another shape (written by an older version): overwritten, its keys unknown.
    return undefined;
  }
}

/** The route table keys (path ids) a registry item lists. */
function keysOf(item: RegisteredChannel | undefined): string[] {
  if (item === undefined) return [];
  return FORMATS.map((f) => item.media[f].path.split('/')[3] as string);
}

/** The path ids named by the HLS and DASH URLs of (old) properties; unusable URLs are skipped. */
function keysOfProperties(props: unknown): string[] {
  const endpoints = isObject(props) ? props.Endpoints : undefined;
  if (!isObject(endpoints)) return [];
  const keys: string[] = [];
  for (const f of ['hls', 'dash'] as const) {
    const endpoint = endpoints[f];
    const url = isObject(endpoint) ? endpoint.Url : undefined;
    try {
      if (typeof url === 'string') keys.push(parseEndpointUrl(url).pathId);
    } catch {
      // Not a routable URL: nothing of it can be in the table.
    }
  }
  return keys;
}

/** `<stack id>/<logical id>`: who wrote a registry item. */
export function ownerOf(event: CloudFormationCustomResourceEvent): string {
  return `${event.StackId}/${event.LogicalResourceId}`;
}

export function physicalIdOf(channelId: string): string {
  return `onair-channel-${channelId}`;
}

/**
 * Create and Update: the channel's three endpoints into the route table (path id → host, keys of
 * endpoints it no longer has removed) and its item into the registry table. Idempotent: a repeated
 * event writes the same keys and item.
 */
export async function register(
  d: RegistrationDeps,
  event: CloudFormationCustomResourceEvent,
): Promise<ProviderResponse> {
  const p = parseRegistrationProperties(event.ResourceProperties);
  const located = await locateEndpoints(d, p);
  const previous = await registryItem(d, p.ChannelId);
  const puts = new Map(FORMATS.map((f) => [located[f].pathId, located[f].host]));
  const stale = [
    ...(previous?.owner === ownerOf(event) || previous === undefined ? keysOf(previous) : []),
    ...(event.RequestType === 'Update' ? keysOfProperties(event.OldResourceProperties) : []),
  ].filter((k) => !puts.has(k));
  await writeRouteTable(d, { puts, deletes: await existingKeys(d, stale) });

  const media = Object.fromEntries(
    FORMATS.map((f) => [
      f,
      { path: `/out/v1/${located[f].pathId}/${located[f].file}`, host: located[f].host },
    ]),
  ) as RegisteredChannel['media'];
  const item: RegisteredChannel = {
    channelId: p.ChannelId,
    ...p.Entry,
    media,
    owner: ownerOf(event),
    registeredAt: d.now().toISOString(),
  };
  await d.ddb.send(new PutCommand({ TableName: d.tableName, Item: item }));
  d.log.info('channel registered', {
    channelId: p.ChannelId,
    requestType: event.RequestType,
    routes: [...puts.keys()],
    removed: stale,
  });
  return {
    PhysicalResourceId: physicalIdOf(p.ChannelId),
    Data: { HlsPath: media.hls.path, DashPath: media.dash.path, CmafPath: media.cmaf.path },
  };
}

/**
 * Delete: the channel's keys out of the route table and its item out of the registry, unless
 * another resource has registered the channel since (it then owns both). Idempotent: keys and
 * items already gone are skipped, so a repeated Delete (or one after a failed Create) succeeds.
 */
export async function deregister(
  d: RegistrationDeps,
  event: CloudFormationCustomResourceEvent,
): Promise<ProviderResponse> {
  const props = event.ResourceProperties as { ChannelId?: unknown; Endpoints?: { cmaf?: { Id?: unknown } } };
  const channelId = typeof props.ChannelId === 'string' ? props.ChannelId : undefined;
  const physicalId = (event as { PhysicalResourceId?: string }).PhysicalResourceId ?? '';
  if (channelId === undefined) return { PhysicalResourceId: physicalId };
  const item = await registryItem(d, channelId);
  const mine = item === undefined || item.owner === ownerOf(event);
  const candidates = [...keysOfProperties(props), ...(mine ? keysOf(item) : [])];
  const cmafId = props.Endpoints?.cmaf?.Id;
  if (typeof cmafId === 'string') {
    try {
      candidates.push(parseEndpointUrl(await cmafManifestUrl(d.mediapackage, cmafId)).pathId);
    } catch (err) {
      // The endpoint is gone (or was never created): the registry item named its key, if any.
      d.log.warn('CMAF endpoint not readable on delete', { channelId, reason: (err as Error).name });
    }
  }
  const othersKeys = new Set(mine ? [] : keysOf(item));
  const deletes = await existingKeys(
    d,
    candidates.filter((k) => !othersKeys.has(k)),
  );
  await writeRouteTable(d, { puts: new Map(), deletes });
  if (item !== undefined && mine) {
    try {
      await d.ddb.send(
        new DeleteCommand({
          TableName: d.tableName,
          Key: { [REGISTRY_TABLE_KEY]: channelId },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': ownerOf(event) },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
  d.log.info('channel deregistered', {
    channelId,
    removed: deletes,
    registryItem: mine ? 'deleted' : 'kept',
  });
  return { PhysicalResourceId: physicalId };
}

/** The provider's onEvent. */
export async function onEvent(
  d: RegistrationDeps,
  event: CloudFormationCustomResourceEvent,
): Promise<ProviderResponse> {
  return event.RequestType === 'Delete' ? deregister(d, event) : register(d, event);
}
