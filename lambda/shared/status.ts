import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { STATUS_TABLE_KEY } from './contract';

/** One open MediaLive alert or CloudWatch alarm on a channel. */
export interface OpenAlert {
  readonly type: string;
  /** "0"/"1" for a pipeline alert; absent for channel-wide alarms. */
  readonly pipeline?: string;
  readonly message: string;
  /** ISO time the alert was set. */
  readonly since: string;
}

/** The last alert raised or cleared on a channel. */
export interface LastAlert {
  readonly type: string;
  readonly pipeline?: string;
  readonly message: string;
  readonly state: 'SET' | 'CLEARED';
  readonly at: string;
}

/** An automatic stop by the idle-stop function, for the health function to announce. */
export interface AutoStop {
  /** ISO time of the StopChannel call. */
  readonly at: string;
  /** The channel's idle window. */
  readonly idleMinutes: number;
}

/**
 * A channel's status record in the status table (key `channelId`), written by the health
 * function from MediaLive events and alarm notifications.
 */
export interface StatusRecord {
  readonly channelId: string;
  readonly state?: string;
  /** ISO time the channel last reached RUNNING; absent while not running. */
  readonly liveSince?: string;
  readonly pipelinesRunning?: number;
  /** Open alerts keyed by MediaLive alarm id or `alarm:<CloudWatch alarm name>`. */
  readonly openAlerts?: Record<string, OpenAlert>;
  readonly lastAlert?: LastAlert;
  /** ISO time a MediaLive input alert was last cleared (input returned); idle auto-stop reads it. */
  readonly inputClearedAt?: string;
  /** ISO time of the state change `state` comes from (older events are ignored). */
  readonly stateAt?: string;
  /** ISO time of the last change to this record. */
  readonly lastChange?: string;
  /** Epoch milliseconds of the last automatic pipeline restart. */
  readonly lastRestartAt?: number;
  /**
   * Set by the idle-stop function when it stops the channel; the health function announces the
   * stop (and why) when the channel reaches IDLE, and removes it.
   */
  readonly autoStop?: AutoStop;
}

/** The key of a channel's status record. */
export function statusKey(channelId: string): Record<string, string> {
  return { [STATUS_TABLE_KEY]: channelId };
}

/**
 * Alerts that mean the streamer's input is missing or undecodable (a restart does not fix these):
 * RTMP and SRT connection alerts among them.
 */
export function isInputAlert(type: string): boolean {
  return /input|rtmp|srt|not detected|probe|source/i.test(type);
}

/** DynamoDB BatchGetItem's limit of keys per request. */
export const BATCH_GET_MAX_KEYS = 100;

/** Reads the status records of the given channels (missing records are simply absent). */
export async function readStatuses(
  ddb: DynamoDBDocumentClient,
  table: string,
  channelIds: readonly string[],
): Promise<Map<string, StatusRecord>> {
  const out = new Map<string, StatusRecord>();
  // BatchGetItem takes at most 100 keys: a deployment of more channels reads in chunks.
  for (let i = 0; i < channelIds.length; i += BATCH_GET_MAX_KEYS) {
    let keys: Record<string, unknown>[] = channelIds.slice(i, i + BATCH_GET_MAX_KEYS).map(statusKey);
    for (let attempt = 0; keys.length > 0 && attempt < 3; attempt++) {
      const res = await ddb.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } }));
      for (const item of res.Responses?.[table] ?? [])
        out.set(String(item[STATUS_TABLE_KEY]), item as StatusRecord);
      keys = (res.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return out;
}

/** Reads one channel's status record with a strongly consistent read (undefined if it has none). */
export async function readStatus(
  ddb: DynamoDBDocumentClient,
  table: string,
  channelId: string,
): Promise<StatusRecord | undefined> {
  const res = await ddb.send(
    new GetCommand({ TableName: table, Key: statusKey(channelId), ConsistentRead: true }),
  );
  return res.Item as StatusRecord | undefined;
}

/**
 * Records an automatic stop on the channel's status record (the idle-stop function, right after
 * StopChannel): the health function's notice of the IDLE that follows says why the channel stopped.
 */
export async function recordAutoStop(
  ddb: DynamoDBDocumentClient,
  table: string,
  channelId: string,
  autoStop: AutoStop,
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: table,
      Key: statusKey(channelId),
      UpdateExpression: 'SET autoStop = :a',
      ExpressionAttributeValues: { ':a': autoStop },
    }),
  );
}
