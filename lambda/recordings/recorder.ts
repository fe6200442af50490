import { ChannelState } from '@aws-sdk/client-medialive';
import {
  CreateHarvestJobCommand,
  DescribeHarvestJobCommand,
  type HarvestJob,
  type MediaPackageClient,
} from '@aws-sdk/client-mediapackage';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  MAX_HARVEST_ATTEMPTS,
  RecordingStatus,
  recordingExpiresAt,
  recordingIdOf,
  recordingPrefix,
  STARTOVER_MARGIN_SECONDS,
} from '../shared/contract';
import { originEndpointId } from '../shared/manifests';
import type { Log } from '../shared/powertools';
import type { Registry } from '../shared/registry';
import { type StatusRecord, statusKey } from '../shared/status';
import { type PartRange, partKey, partsDue } from './parts';
import { markerKey, type PartRecord, type RecordingRecord, type SessionMarker } from './record';
import { fail, isConditionFailed, readRecording } from './store';

export interface RecorderConfig {
  readonly bucket: string;
  /** Role MediaPackage assumes to write the parts (S3Destination.RoleArn). */
  readonly roleArn: string;
  readonly table: string;
  readonly partSeconds: number;
  readonly startoverSeconds: number;
  readonly publishByDefault: boolean;
  /**
   * Days after which the archive bucket expires objects: each new recording carries its expiry.
   * @default - recordings never expire
   */
  readonly expireAfterDays?: number;
  /** The health function's status table: the sweep reconciles sessions with it (lost events). */
  readonly statusTable: string;
}

export interface RecorderDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly mediapackage: MediaPackageClient;
  /** The deployment's channels; one registered with `record: false` is not recorded. */
  readonly registry: Readonly<Record<string, Registry[string] & { readonly record?: false }>>;
  readonly config: RecorderConfig;
  readonly now: () => Date;
  readonly log: Log;
}

/** The harvest job id of a part's attempt: `<recording>-p01`, then `<recording>-p01-r2`, `-r3`. */
export function harvestJobId(recordingId: string, index: number, attempt: number): string {
  return `${recordingId}-${partKey(index)}${attempt > 1 ? `-r${attempt}` : ''}`;
}

/** Where a part's harvest writes its master playlist: `recordings/<channel>/<id>/p01/index.m3u8`. */
export function partManifestKey(channelId: string, recordingId: string, part: string): string {
  return `${recordingPrefix(channelId, recordingId)}${part}/index.m3u8`;
}

async function putRecording(deps: RecorderDeps, channelId: string, recordingId: string, start: string) {
  const at = deps.now().toISOString();
  const item: RecordingRecord = {
    recordingId,
    channelId,
    sessionStart: start,
    status: RecordingStatus.RECORDING,
    published: deps.config.publishByDefault,
    parts: {},
    ...(deps.config.expireAfterDays === undefined
      ? {}
      : { expiresAt: recordingExpiresAt(start, deps.config.expireAfterDays) }),
    createdAt: at,
    updatedAt: at,
  };
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.config.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(recordingId)',
      }),
    );
    deps.log.info('recording started', { channelId, recordingId, sessionStart: start });
  } catch (err) {
    // The same session seen again (a duplicate event, a second pipeline, a retry): one recording.
    if (!isConditionFailed(err)) throw err;
  }
}

/**
 * A channel went live at `time`: opens its session (the first RUNNING of a session names it; a
 * RUNNING older than the last stop is late and ignored) and creates the recording.
 */
export async function openSession(
  deps: RecorderDeps,
  channelId: string,
  time: string,
): Promise<string | undefined> {
  let marker: SessionMarker;
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.config.table,
        Key: markerKey(channelId),
        UpdateExpression: 'SET openId = if_not_exists(openId, :id), openStart = if_not_exists(openStart, :t)',
        // EventBridge does not deliver in order: a RUNNING from before the last stop opens nothing.
        ConditionExpression: 'attribute_not_exists(lastEnd) OR lastEnd <= :t',
        ExpressionAttributeValues: { ':id': recordingIdOf(channelId, time), ':t': time },
        ReturnValues: 'ALL_NEW',
      }),
    );
    marker = res.Attributes as SessionMarker;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    deps.log.info('late RUNNING ignored: the session had already ended', { channelId, time });
    return undefined;
  }
  const id = marker.openId as string;
  await putRecording(deps, channelId, id, marker.openStart as string);
  return id;
}

async function readMarker(deps: RecorderDeps, channelId: string): Promise<SessionMarker | undefined> {
  const res = await deps.ddb.send(
    new GetCommand({ TableName: deps.config.table, Key: markerKey(channelId), ConsistentRead: true }),
  );
  return res.Item as SessionMarker | undefined;
}

/**
 * A channel stopped at `time`: ends its open session, harvests every part not harvested yet
 * (the last one up to the stop), then closes the marker. Every step can be repeated: a retry
 * after a failure anywhere finishes the work, and a second stop event finds no open session.
 */
export async function closeSession(
  deps: RecorderDeps,
  channelId: string,
  time: string,
): Promise<string | undefined> {
  const marker = await readMarker(deps, channelId);
  if (marker?.openId === undefined || marker.openStart === undefined) {
    deps.log.info('stop without an open session (already closed, or never live)', { channelId, time });
    return undefined;
  }
  const id = marker.openId;
  await putRecording(deps, channelId, id, marker.openStart);
  let rec: RecordingRecord | undefined;
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.config.table,
        Key: { recordingId: id },
        UpdateExpression:
          'SET sessionEnd = if_not_exists(sessionEnd, :t), #status = :processing, updatedAt = :now',
        ConditionExpression: '#status IN (:recording, :processing)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':t': time,
          ':recording': RecordingStatus.RECORDING,
          ':processing': RecordingStatus.PROCESSING,
          ':now': deps.now().toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    rec = res.Attributes as RecordingRecord;
  } catch (err) {
    // Already FAILED (a part could not be harvested while live): nothing more to harvest.
    if (!isConditionFailed(err)) throw err;
  }
  const due = rec ? partsDue(rec.sessionStart, deps.config.partSeconds, deps.now(), rec.sessionEnd) : [];
  if (rec && due.length === 0) {
    await fail(deps, id, `the session lasted no time (${rec.sessionStart} to ${rec.sessionEnd})`);
  } else if (rec) {
    // The count first: a part's notification may arrive before this function has finished.
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.config.table,
        Key: { recordingId: id },
        UpdateExpression: 'SET partCount = :n',
        ExpressionAttributeValues: { ':n': due.length },
      }),
    );
    await harvestParts(deps, { ...rec, partCount: due.length }, due);
  }
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.config.table,
        Key: markerKey(channelId),
        UpdateExpression: 'REMOVE openId, openStart SET lastEnd = :t',
        ConditionExpression: 'openId = :id',
        ExpressionAttributeValues: { ':id': id, ':t': time },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  deps.log.info('recording session ended', {
    channelId,
    recordingId: id,
    sessionEnd: time,
    parts: due.length,
  });
  return id;
}

/**
 * Every few minutes, per channel: reconciles the session with the channel's status record (kept
 * by the health function from the same state events), so a state event this function lost (its
 * retries exhausted) does not lose a recording, then harvests the finished parts of a session
 * still live (long sessions never outrun the startover window).
 * - open session, channel IDLE since after its start: the stop was lost; end it then;
 * - open session, channel live since after its start: a stop and a start were lost; end the old
 *   session at the new start and open the new one;
 * - no open session, channel live: the start was lost; open it (a start older than the last
 *   stop opens nothing).
 */
export async function sweep(deps: RecorderDeps): Promise<void> {
  for (const [channelId, entry] of Object.entries(deps.registry)) {
    if (entry.record === false) continue;
    let marker = await readMarker(deps, channelId);
    const status = (
      await deps.ddb.send(
        new GetCommand({
          TableName: deps.config.statusTable,
          Key: statusKey(channelId),
          ConsistentRead: true,
        }),
      )
    ).Item as StatusRecord | undefined;
    const openStart = marker?.openStart;
    if (
      openStart !== undefined &&
      status?.state === ChannelState.IDLE &&
      (status.stateAt ?? '') > openStart
    ) {
      deps.log.warn('sweep: the stop of an open session was not seen; ending it', {
        channelId,
        at: status.stateAt,
      });
      await closeSession(deps, channelId, status.stateAt as string);
      continue;
    }
    if (openStart !== undefined && status?.liveSince !== undefined && status.liveSince > openStart) {
      deps.log.warn('sweep: a stop and a start were not seen; ending the session at the new start', {
        channelId,
        at: status.liveSince,
      });
      await closeSession(deps, channelId, status.liveSince);
      marker = undefined;
    }
    if (marker?.openId === undefined) {
      if (status?.state === ChannelState.RUNNING && status.liveSince !== undefined) {
        const opened = await openSession(deps, channelId, status.liveSince);
        if (opened !== undefined)
          deps.log.warn('sweep: opened a session whose start was not seen', {
            channelId,
            recordingId: opened,
          });
        marker = await readMarker(deps, channelId);
      }
      if (marker?.openId === undefined) continue;
    }
    const rec = await readRecording(deps, marker.openId);
    // A recording that already failed (a part could not be harvested) takes no more jobs.
    if (rec === undefined || rec.sessionEnd !== undefined || rec.status !== RecordingStatus.RECORDING)
      continue;
    const due = partsDue(rec.sessionStart, deps.config.partSeconds, deps.now());
    await harvestParts(deps, rec, due);
  }
}

async function createJob(
  deps: RecorderDeps,
  rec: RecordingRecord,
  part: PartRange,
  attempt: number,
): Promise<PartRecord> {
  const entry = deps.registry[rec.channelId];
  if (entry === undefined)
    throw new Error(`recording ${rec.recordingId}: channel ${rec.channelId} is not in the registry`);
  const Id = harvestJobId(rec.recordingId, part.index, attempt);
  const input = {
    Id,
    OriginEndpointId: originEndpointId(entry.mp, 'hls'),
    StartTime: part.start,
    EndTime: part.end,
    S3Destination: {
      BucketName: deps.config.bucket,
      ManifestKey: partManifestKey(rec.channelId, rec.recordingId, partKey(part.index)),
      RoleArn: deps.config.roleArn,
    },
  };
  let status: string | undefined;
  try {
    status = (await deps.mediapackage.send(new CreateHarvestJobCommand(input))).Status;
  } catch (err) {
    // A retry after the job was created but before the index recorded it: the job exists.
    let existing: HarvestJob | undefined;
    try {
      existing = await deps.mediapackage.send(new DescribeHarvestJobCommand({ Id }));
    } catch {
      existing = undefined;
    }
    // Ours only if it writes where this part goes (another deployment in the Region could have
    // used the same id for a session of a channel with the same name, started the same second).
    const ours =
      existing?.S3Destination?.BucketName === input.S3Destination.BucketName &&
      existing.S3Destination.ManifestKey === input.S3Destination.ManifestKey;
    if (!ours) throw err;
    status = existing?.Status;
  }
  return { start: part.start, end: part.end, jobId: Id, attempt, status: status ?? 'IN_PROGRESS' };
}

async function harvestParts(deps: RecorderDeps, rec: RecordingRecord, due: readonly PartRange[]) {
  for (const part of due) {
    const key = partKey(part.index);
    if (rec.parts?.[key] !== undefined) continue;
    const record = await createJob(deps, rec, part, 1);
    try {
      await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.config.table,
          Key: { recordingId: rec.recordingId },
          UpdateExpression: 'SET parts.#p = :part, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(parts.#p)',
          ExpressionAttributeNames: { '#p': key },
          ExpressionAttributeValues: { ':part': record, ':now': deps.now().toISOString() },
        }),
      );
      deps.log.info('part harvest started', { recordingId: rec.recordingId, part: key, jobId: record.jobId });
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
}

/**
 * A part's harvest job failed: a new attempt while its start is still inside the startover
 * window and attempts remain; otherwise the recording fails (the part cannot be harvested again).
 */
export async function retryPart(deps: RecorderDeps, rec: RecordingRecord, key: string, message: string) {
  const part = rec.parts[key];
  const index = Number(key.slice(1));
  const age = (deps.now().getTime() - Date.parse(part.start)) / 1000;
  const inWindow = age < deps.config.startoverSeconds - STARTOVER_MARGIN_SECONDS;
  if (part.attempt >= MAX_HARVEST_ATTEMPTS || !inWindow) {
    await fail(
      deps,
      rec.recordingId,
      `part ${key} (${part.start} to ${part.end}) could not be harvested after ${part.attempt} attempt(s): ${message}` +
        (inWindow ? '' : '; it has left the startover window'),
    );
    return;
  }
  const next = await createJob(deps, rec, { index, start: part.start, end: part.end }, part.attempt + 1);
  await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.config.table,
      Key: { recordingId: rec.recordingId },
      UpdateExpression: 'SET parts.#p = :part, updatedAt = :now',
      // Only the attempt that failed is replaced (a duplicate notification does not start a third).
      ConditionExpression: 'parts.#p.jobId = :failed',
      ExpressionAttributeNames: { '#p': key },
      ExpressionAttributeValues: { ':part': next, ':failed': part.jobId, ':now': deps.now().toISOString() },
    }),
  );
  deps.log.warn('part harvest failed; retrying', {
    recordingId: rec.recordingId,
    part: key,
    jobId: next.jobId,
    message,
  });
}
