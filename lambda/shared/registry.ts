import { type ChannelEntry, Env, IngestProtocol, type Registry } from './contract';
import { NotFound } from './errors';

export type { ChannelEntry, Registry };

const STRING_FIELDS = ['ml', 'in', 'key', 'mp', 'app'] as const satisfies readonly (keyof ChannelEntry)[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a registry as the CDK app writes it (lib/constructs/channel/channel-registry.ts). A few explicit
 * checks rather than a schema: the value is the deployment's own, and a mismatch is a deployment
 * error, named here field by field.
 */
export function parseRegistry(value: unknown): Registry {
  if (!isObject(value)) throw new Error(`${Env.CHANNELS} is not a JSON object`);
  for (const [id, entry] of Object.entries(value)) {
    if (!isObject(entry)) throw new Error(`${Env.CHANNELS}: channel "${id}" is not an object`);
    for (const field of STRING_FIELDS) {
      const v = entry[field];
      if (typeof v !== 'string' || v === '')
        throw new Error(
          `${Env.CHANNELS}: ${id}.${field} must be a non-empty string, got ${JSON.stringify(v)}`,
        );
    }
    if (entry.p !== 1 && entry.p !== 2)
      throw new Error(`${Env.CHANNELS}: ${id}.p must be 1 or 2, got ${JSON.stringify(entry.p)}`);
    if (entry.t !== undefined && entry.t !== IngestProtocol.SRT_LISTENER)
      throw new Error(
        `${Env.CHANNELS}: ${id}.t must be absent (RTMP_PUSH) or "${IngestProtocol.SRT_LISTENER}", got ${JSON.stringify(entry.t)}`,
      );
  }
  return value as Registry;
}

/** The input type of a channel. */
export function ingestProtocolOf(entry: ChannelEntry): IngestProtocol {
  return entry.t ?? IngestProtocol.RTMP_PUSH;
}

/** Parses the registry from the environment (throws on a deployment error, not a request error). */
export function loadRegistry(env: NodeJS.ProcessEnv = process.env): Registry {
  const raw = env[Env.CHANNELS];
  if (raw === undefined) throw new Error(`${Env.CHANNELS} is not set`);
  return parseRegistry(JSON.parse(raw));
}

/** The registry entry of a channel id; unknown ids are 404. */
export function channelOf(registry: Registry, channelId: string): ChannelEntry {
  const entry = Object.hasOwn(registry, channelId) ? registry[channelId] : undefined;
  if (entry === undefined) throw new NotFound(`unknown channel "${channelId}"`, { channelId });
  return entry;
}
