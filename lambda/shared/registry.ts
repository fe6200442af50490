import { Env } from './contract';
import { NotFound } from './errors';
import * as z from './zod';

/** What a function knows about one channel; written at synth into {@link Env.CHANNELS}. */
export const channelEntry = z.object({
  /** MediaLive channel id. */
  ml: z.string().check(z.minLength(1)),
  /** MediaLive input id. */
  in: z.string().check(z.minLength(1)),
  /** Stream-key secret ARN. */
  key: z.string().check(z.minLength(1)),
  /** MediaPackage v1 channel id. */
  mp: z.string().check(z.minLength(1)),
  /** RTMP application name. */
  app: z.string().check(z.minLength(1)),
  /** Pipelines (RTMP endpoints): 1 or 2. */
  p: z.union([z.literal(1), z.literal(2)]),
});
export type ChannelEntry = z.infer<typeof channelEntry>;
export const registrySchema = z.record(z.string(), channelEntry);
export type Registry = z.infer<typeof registrySchema>;

/** Parses the registry from the environment (throws on a deployment error, not a request error). */
export function loadRegistry(env: NodeJS.ProcessEnv = process.env): Registry {
  const raw = env[Env.CHANNELS];
  if (raw === undefined) throw new Error(`${Env.CHANNELS} is not set`);
  return registrySchema.parse(JSON.parse(raw));
}

/** The registry entry of a channel id; unknown ids are 404. */
export function channelOf(registry: Registry, channelId: string): ChannelEntry {
  const entry = Object.hasOwn(registry, channelId) ? registry[channelId] : undefined;
  if (entry === undefined) throw new NotFound(`unknown channel "${channelId}"`, { channelId });
  return entry;
}
