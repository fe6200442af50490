import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ChannelEntry,
  Env,
  IngestProtocol,
  type MediaLocation,
  type RegisteredChannel,
  type RegisteredRung,
  type Registry,
  ViewerAuth,
} from './contract';
import { NotFound } from './errors';

export type { ChannelEntry, RegisteredChannel, Registry };

const STRING_FIELDS = ['ml', 'in', 'key', 'mp', 'app'] as const satisfies readonly (keyof ChannelEntry)[];
const FORMATS = ['hls', 'dash', 'cmaf'] as const;
const AUTH_MODES: readonly string[] = Object.values(ViewerAuth);
/** A media path the edge routes: `/out/v1/<32 hex digits>/<file>` (lambda/shared/contract/live-routes.ts). */
const MEDIA_PATH = /^\/out\/v1\/[0-9a-f]{32}\/\S+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a registry item as the channel's registration writes it (lambda/channel-registration).
 * A few explicit checks rather than a schema (a schema library would weigh on every bundle): the
 * value is the deployment's own, and a mismatch names the first field that does not fit.
 *
 * `onBadLadder`, when given, is told about a ladder that does not fit and the item is kept with
 * `ladder: []`: the ladder is only displayed (`GET /channels`), so a reader must not lose the
 * channel's sessions and control over it. Without it (the writer) a bad ladder throws.
 */
export function parseRegisteredChannel(
  item: unknown,
  onBadLadder?: (problem: string) => void,
): RegisteredChannel {
  if (!isObject(item)) throw new Error('not an object');
  if (typeof item.channelId !== 'string' || item.channelId === '')
    throw new Error(`channelId must be a non-empty string, got ${JSON.stringify(item.channelId)}`);
  for (const field of [...STRING_FIELDS, 'owner', 'registeredAt'] as const) {
    const v = item[field];
    if (typeof v !== 'string' || v === '')
      throw new Error(`${field} must be a non-empty string, got ${JSON.stringify(v)}`);
  }
  if (item.p !== 1 && item.p !== 2) throw new Error(`p must be 1 or 2, got ${JSON.stringify(item.p)}`);
  if (item.t !== undefined && item.t !== IngestProtocol.SRT_LISTENER)
    throw new Error(
      `t must be absent (RTMP_PUSH) or "${IngestProtocol.SRT_LISTENER}", got ${JSON.stringify(item.t)}`,
    );
  if (typeof item.auth !== 'string' || !AUTH_MODES.includes(item.auth))
    throw new Error(`auth must be one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(item.auth)}`);
  if (!Number.isInteger(item.idleMinutes) || (item.idleMinutes as number) < 0)
    throw new Error(`idleMinutes must be a whole number ≥ 0, got ${JSON.stringify(item.idleMinutes)}`);
  if (typeof item.autoRestart !== 'boolean')
    throw new Error(`autoRestart must be a boolean, got ${JSON.stringify(item.autoRestart)}`);
  if (item.record !== undefined && item.record !== false)
    throw new Error(`record must be absent (recorded) or false, got ${JSON.stringify(item.record)}`);
  let ladderProblem: string | undefined;
  if (item.ladder !== undefined) {
    try {
      parseLadder(item.ladder, 'ladder', (v) => v);
    } catch (err) {
      if (onBadLadder === undefined) throw err;
      ladderProblem = (err as Error).message;
    }
  }
  const media = item.media;
  if (!isObject(media)) throw new Error('media must be an object');
  for (const f of FORMATS) {
    const m = media[f] as Partial<MediaLocation> | undefined;
    if (!isObject(m) || typeof m.path !== 'string' || !MEDIA_PATH.test(m.path))
      throw new Error(
        `media.${f}.path must be /out/v1/<32 hex digits>/<file>, got ${JSON.stringify(m?.path)}`,
      );
    if (typeof m.host !== 'string' || m.host === '')
      throw new Error(`media.${f}.host must be a non-empty string, got ${JSON.stringify(m.host)}`);
  }
  if (ladderProblem !== undefined) {
    onBadLadder?.(ladderProblem);
    return { ...item, ladder: [] } as unknown as RegisteredChannel;
  }
  return item as unknown as RegisteredChannel;
}

const RUNG_NUMBERS = ['width', 'height', 'maxBitrateKbps', 'framerate', 'gopSeconds'] as const;

/**
 * A ladder: a non-empty list of rungs, each a name and positive numbers. `number` reads a leaf
 * (CloudFormation passes custom resource properties as strings; the registry item holds numbers).
 */
export function parseLadder(
  value: unknown,
  path: string,
  number: (leaf: unknown) => unknown,
): RegisteredRung[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Error(`${path} must be a non-empty list, got ${JSON.stringify(value)}`);
  return value.map((rung, i) => {
    if (!isObject(rung)) throw new Error(`${path}[${i}] must be an object, got ${JSON.stringify(rung)}`);
    if (typeof rung.name !== 'string' || rung.name === '')
      throw new Error(`${path}[${i}].name must be a non-empty string, got ${JSON.stringify(rung.name)}`);
    const out: Record<string, unknown> = { name: rung.name };
    for (const field of RUNG_NUMBERS) {
      const n = number(rung[field]);
      if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0)
        throw new Error(`${path}[${i}].${field} must be a number > 0, got ${JSON.stringify(rung[field])}`);
      out[field] = n;
    }
    return out as unknown as RegisteredRung;
  });
}

/** How long a container trusts its copy of the registry: a new channel is known within a minute. */
export const REGISTRY_TTL_MS = 60_000;
/** An unknown channel id re-reads the registry, at most this often (a flood of unknown ids costs one scan). */
export const REGISTRY_MIN_REFRESH_MS = 5_000;

export interface RegistryReaderOptions {
  /** @default - {@link REGISTRY_TTL_MS} */
  readonly ttlMs?: number;
  /** @default - {@link REGISTRY_MIN_REFRESH_MS} */
  readonly minRefreshMs?: number;
  /** @default - Date.now */
  readonly now?: () => number;
  /**
   * Told about an item that does not parse (it is left out; the others still serve).
   * @default - a line on stderr
   */
  readonly onInvalid?: (channelId: string, problem: string) => void;
  /**
   * Told about an item whose ladder does not parse (the channel is kept, with `ladder: []`).
   * @default - a line on stderr
   */
  readonly onBadLadder?: (channelId: string, problem: string) => void;
}

/**
 * The channel registry as the functions read it: one consistent Scan of the registry table (a
 * few hundred small items at most), cached per container. It replaces the environment variable
 * that held the registry, which Lambda's 4 KiB of environment limited to 16 channels.
 */
export class RegistryReader {
  private cached?: { at: number; channels: Record<string, RegisteredChannel> };
  private pending?: Promise<Record<string, RegisteredChannel>>;
  private readonly ttlMs: number;
  private readonly minRefreshMs: number;
  private readonly now: () => number;
  private readonly onInvalid: (channelId: string, problem: string) => void;
  private readonly onBadLadder: (channelId: string, problem: string) => void;

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    opts: RegistryReaderOptions = {},
  ) {
    if (tableName === '') throw new Error(`${Env.REGISTRY_TABLE} is not set`);
    this.ttlMs = opts.ttlMs ?? REGISTRY_TTL_MS;
    this.minRefreshMs = opts.minRefreshMs ?? REGISTRY_MIN_REFRESH_MS;
    this.now = opts.now ?? Date.now;
    this.onInvalid =
      opts.onInvalid ??
      ((id, problem) => process.stderr.write(`registry item "${id}" left out: ${problem}\n`));
    this.onBadLadder =
      opts.onBadLadder ??
      ((id, problem) => process.stderr.write(`registry item "${id}": ladder ignored: ${problem}\n`));
  }

  /** Every registered channel by id. */
  async all(): Promise<Record<string, RegisteredChannel>> {
    const c = this.cached;
    if (c !== undefined && this.now() - c.at < this.ttlMs) return c.channels;
    return this.refresh();
  }

  /** One channel; an id the registry does not hold is a 404. */
  async channel(channelId: string): Promise<RegisteredChannel> {
    let channels = await this.all();
    if (!Object.hasOwn(channels, channelId) && this.now() - (this.cached?.at ?? 0) >= this.minRefreshMs)
      channels = await this.refresh();
    const found = Object.hasOwn(channels, channelId) ? channels[channelId] : undefined;
    if (found === undefined) throw new NotFound(`unknown channel "${channelId}"`, { channelId });
    return found;
  }

  private refresh(): Promise<Record<string, RegisteredChannel>> {
    this.pending ??= this.scan().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async scan(): Promise<Record<string, RegisteredChannel>> {
    const channels: Record<string, RegisteredChannel> = {};
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        try {
          const channel = parseRegisteredChannel(item, (problem) =>
            this.onBadLadder(String(item.channelId), problem),
          );
          channels[channel.channelId] = channel;
        } catch (err) {
          const id = typeof item.channelId === 'string' ? item.channelId : '(no channelId)';
          this.onInvalid(id, (err as Error).message);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    this.cached = { at: this.now(), channels };
    return channels;
  }
}

/** The registry table named by {@link Env.REGISTRY_TABLE}, read through `ddb`. */
export function environmentRegistry(
  ddb: DynamoDBDocumentClient,
  env: NodeJS.ProcessEnv = process.env,
): RegistryReader {
  return new RegistryReader(ddb, env[Env.REGISTRY_TABLE] ?? '');
}

/** The input type of a channel. */
export function ingestProtocolOf(entry: ChannelEntry): IngestProtocol {
  return entry.t ?? IngestProtocol.RTMP_PUSH;
}

/** The registry entry of a channel id; unknown ids are 404. */
export function channelOf(registry: Registry, channelId: string): ChannelEntry {
  const entry = Object.hasOwn(registry, channelId) ? registry[channelId] : undefined;
  if (entry === undefined) throw new NotFound(`unknown channel "${channelId}"`, { channelId });
  return entry;
}
