/**
 * The environment variables the CDK app sets on functions and the functions read, and which of
 * them each function reads (its environment contract). lib/ builds each function's environment
 * from these names; test/lambda/shared/contract/env.test.ts checks every synthesized function against
 * its contract.
 */

/** Every OnAir environment variable. */
export enum Env {
  /**
   * The channel registry table (lambda/shared/registry.ts): one item per channel, written by the
   * channel's own stack at deploy, so a function's configuration does not grow with channels.
   */
  REGISTRY_TABLE = 'ONAIR_REGISTRY_TABLE',
  /** The live router's route table (a CloudFront KeyValueStore's ARN; the registration provider writes it). */
  ROUTE_TABLE_ARN = 'ONAIR_ROUTE_TABLE_ARN',
  /** The deployment's stage (notification subjects). */
  STAGE = 'ONAIR_STAGE',
  /** The health status table (lambda/shared/status.ts). */
  STATUS_TABLE = 'ONAIR_STATUS_TABLE',
  /** The alert topic notifications are published to. */
  TOPIC_ARN = 'ONAIR_TOPIC_ARN',
  /** The secret holding the Slack-compatible webhook URL (alarms.webhook). */
  WEBHOOK_SECRET_ARN = 'ONAIR_WEBHOOK_SECRET_ARN',
  /** Host name viewers play from (the distribution or the custom domain). */
  PLAYBACK_DOMAIN = 'ONAIR_PLAYBACK_DOMAIN',
  /** The current playback signing key's secret (lambda/shared/signing-keys.ts StoredSigningKey). */
  SIGNING_KEY_SECRET_ARN = 'ONAIR_SIGNING_KEY_SECRET_ARN',
  /** The current signing key's CloudFront public key id. */
  SIGNING_KEY_ID = 'ONAIR_SIGNING_KEY_ID',
  /** The previous signing key's secret (signing key version 2 and later). */
  PREVIOUS_SIGNING_KEY_SECRET_ARN = 'ONAIR_PREVIOUS_SIGNING_KEY_SECRET_ARN',
  /** The previous signing key's CloudFront public key id (signing key version 2 and later). */
  PREVIOUS_SIGNING_KEY_ID = 'ONAIR_PREVIOUS_SIGNING_KEY_ID',
  /** Lifetime of a playback session, in seconds ({@link SESSION_TTL_SECONDS}). */
  SESSION_TTL_SECONDS = 'ONAIR_SESSION_TTL_SECONDS',
  /** "true" binds each session to the viewer's IPv4 address. */
  BIND_SOURCE_IP = 'ONAIR_BIND_SOURCE_IP',
  /** The origin-verify secret (lambda/shared/origin-verify.ts). */
  ORIGIN_SECRET_ARN = 'ONAIR_ORIGIN_SECRET_ARN',
  /** The archive bucket clips are harvested into. */
  ARCHIVE_BUCKET = 'ONAIR_ARCHIVE_BUCKET',
  /** The role MediaPackage assumes to write clips. */
  HARVEST_ROLE_ARN = 'ONAIR_HARVEST_ROLE_ARN',
  /** The packaging endpoints' startover window, in seconds (how far back a clip may start). */
  STARTOVER_SECONDS = 'ONAIR_STARTOVER_SECONDS',
  /** The recordings index (DynamoDB). */
  RECORDINGS_TABLE = 'ONAIR_RECORDINGS_TABLE',
  /** Seconds per harvested part of a recording (recordingPartSeconds of the startover window). */
  RECORDING_PART_SECONDS = 'ONAIR_RECORDING_PART_SECONDS',
  /** "true" publishes new recordings (config recordings.publishByDefault). */
  PUBLISH_BY_DEFAULT = 'ONAIR_PUBLISH_BY_DEFAULT',
  /** "true" when MediaLive captures frames into thumbnails/ (config thumbnails.enabled): recordings get posters. */
  THUMBNAILS = 'ONAIR_THUMBNAILS',
  /** Days after which the archive expires recordings (config archive.expireAfterDays); unset: never. */
  RECORDING_EXPIRE_DAYS = 'ONAIR_RECORDING_EXPIRE_DAYS',
}

/** The variables one function reads. */
export interface EnvContract {
  /** Always set (possibly to an empty value). */
  readonly required: readonly Env[];
  /** Set only when a feature of the config needs them. */
  readonly optional: readonly Env[];
}

export const CHANNEL_CONTROL_ENV = {
  required: [Env.REGISTRY_TABLE, Env.STATUS_TABLE, Env.PLAYBACK_DOMAIN],
  optional: [],
} as const satisfies EnvContract;

export const CLIPS_ENV = {
  required: [Env.REGISTRY_TABLE, Env.ARCHIVE_BUCKET, Env.HARVEST_ROLE_ARN, Env.STARTOVER_SECONDS],
  optional: [],
} as const satisfies EnvContract;

export const RECORDINGS_ENV = {
  required: [
    Env.REGISTRY_TABLE,
    Env.ARCHIVE_BUCKET,
    Env.HARVEST_ROLE_ARN,
    Env.STARTOVER_SECONDS,
    Env.RECORDINGS_TABLE,
    Env.RECORDING_PART_SECONDS,
    Env.PUBLISH_BY_DEFAULT,
    Env.STATUS_TABLE,
  ],
  // Set only when the archive expires objects: new recordings then carry their expiry.
  optional: [Env.RECORDING_EXPIRE_DAYS],
} as const satisfies EnvContract;

/** The recordings' files (joining parts, posters, deletion) and the operator routes. */
export const RECORDING_FILES_ENV = {
  required: [Env.REGISTRY_TABLE, Env.ARCHIVE_BUCKET, Env.RECORDINGS_TABLE, Env.THUMBNAILS],
  optional: [],
} as const satisfies EnvContract;

export const HEALTH_ENV = {
  required: [Env.REGISTRY_TABLE, Env.STATUS_TABLE, Env.TOPIC_ARN, Env.STAGE],
  optional: [Env.WEBHOOK_SECRET_ARN],
} as const satisfies EnvContract;

export const IDLE_STOP_ENV = {
  required: [Env.REGISTRY_TABLE, Env.STATUS_TABLE],
  optional: [],
} as const satisfies EnvContract;

export const PLAYBACK_SESSION_ENV = {
  required: [
    Env.PLAYBACK_DOMAIN,
    Env.SIGNING_KEY_SECRET_ARN,
    Env.SIGNING_KEY_ID,
    Env.SESSION_TTL_SECONDS,
    Env.BIND_SOURCE_IP,
    Env.ORIGIN_SECRET_ARN,
    Env.REGISTRY_TABLE,
  ],
  // The recordings table exists only when a channel records (config channels[].archive).
  optional: [Env.PREVIOUS_SIGNING_KEY_SECRET_ARN, Env.PREVIOUS_SIGNING_KEY_ID, Env.RECORDINGS_TABLE],
} as const satisfies EnvContract;

/** The four stream-key functions (one bundle, lambda/stream-keys) read the registry only. */
export const STREAM_KEYS_ENV = {
  required: [Env.REGISTRY_TABLE],
  optional: [],
} as const satisfies EnvContract;

/** The registration provider writes the route table and the registry table. */
export const CHANNEL_REGISTRATION_ENV = {
  required: [Env.ROUTE_TABLE_ARN, Env.REGISTRY_TABLE],
  optional: [],
} as const satisfies EnvContract;

/** Functions that read no OnAir variable (custom resources, whose input is the resource's properties). */
export const NO_ENV = { required: [], optional: [] } as const satisfies EnvContract;

/**
 * Every function's contract, by bundle (`lambda/<bundle>/index.ts`) and handler export: what the
 * environment test checks the synthesized functions against.
 */
export const FUNCTION_ENV: Readonly<Record<string, Readonly<Record<string, EnvContract>>>> = {
  channels: { control: CHANNEL_CONTROL_ENV, lifecycle: NO_ENV, idleStop: IDLE_STOP_ENV },
  'channel-registration': { handler: CHANNEL_REGISTRATION_ENV },
  archive: { clips: CLIPS_ENV, recorder: RECORDINGS_ENV },
  health: { handler: HEALTH_ENV },
  'playback-session': { handler: PLAYBACK_SESSION_ENV },
  'signing-key': { handler: NO_ENV },
  'recording-files': { harvested: RECORDING_FILES_ENV, api: RECORDING_FILES_ENV },
  'stream-keys': {
    ingest: STREAM_KEYS_ENV,
    rotate: STREAM_KEYS_ENV,
    stateChange: STREAM_KEYS_ENV,
    rotation: STREAM_KEYS_ENV,
  },
};

/** The values of a contract's variables: required ones always, optional ones when set and not empty. */
export type EnvOf<C extends EnvContract> = { readonly [K in C['required'][number]]: string } & {
  readonly [K in C['optional'][number]]?: string;
};

/**
 * Reads a function's variables. A required one that is not set is a deployment error (the CDK
 * app sets every one), so this throws naming it; an empty optional one counts as not set.
 */
export function readEnv<C extends EnvContract>(contract: C, env: NodeJS.ProcessEnv = process.env): EnvOf<C> {
  const out: Record<string, string> = {};
  for (const name of contract.required) {
    const value = env[name];
    if (value === undefined) throw new Error(`${name} is not set`);
    out[name] = value;
  }
  for (const name of contract.optional) {
    const value = env[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out as EnvOf<C>;
}
