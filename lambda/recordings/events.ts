import { ChannelState } from '@aws-sdk/client-medialive';
import type { StateChangeEvent } from '../health/events';
import { apiStateOfEvent, channelIdFromArn } from '../shared/channel-state';
import { closeSession, openSession, type RecorderDeps, retryPart } from './recorder';
import { parseJobId, readRecording } from './store';

/**
 * "MediaPackage HarvestJob Notification" (MediaPackage user guide, "AWS Elemental MediaPackage
 * events", harvest job notification events): the job as MediaPackage reports it, and on failure
 * a `message` saying why.
 */
export interface HarvestNotification {
  readonly 'detail-type': 'MediaPackage HarvestJob Notification';
  readonly source: 'aws.mediapackage';
  readonly detail: {
    readonly harvest_job: {
      readonly id: string;
      readonly status: string;
      readonly start_time?: string;
      readonly end_time?: string;
      readonly s3_destination?: { readonly bucket_name?: string; readonly manifest_key?: string };
    };
    readonly message?: string;
  };
}

/** The scheduled sweep (an EventBridge Scheduler/Rule "Scheduled Event"). */
export interface ScheduledEvent {
  readonly 'detail-type': 'Scheduled Event';
  readonly source: 'aws.events';
}

export type RecorderEvent = StateChangeEvent | HarvestNotification | ScheduledEvent;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The event, or why it is not one this function handles (the first field that does not fit). */
export function parseRecorderEvent(
  event: unknown,
): { ok: true; value: RecorderEvent } | { ok: false; problem: string } {
  if (!isObject(event)) return { ok: false, problem: 'the event is not an object' };
  const detail = event.detail;
  switch (event['detail-type']) {
    case 'Scheduled Event':
      return event.source === 'aws.events'
        ? { ok: true, value: event as unknown as ScheduledEvent }
        : { ok: false, problem: `source: unexpected ${JSON.stringify(event.source)}` };
    case 'MediaLive Channel State Change': {
      if (typeof event.time !== 'string') return { ok: false, problem: 'time: expected a string' };
      if (!isObject(detail)) return { ok: false, problem: 'detail: expected an object' };
      if (typeof detail.channel_arn !== 'string')
        return { ok: false, problem: 'detail.channel_arn: expected a string' };
      if (typeof detail.state !== 'string') return { ok: false, problem: 'detail.state: expected a string' };
      return { ok: true, value: event as unknown as StateChangeEvent };
    }
    case 'MediaPackage HarvestJob Notification': {
      const job = isObject(detail) ? detail.harvest_job : undefined;
      if (!isObject(job)) return { ok: false, problem: 'detail.harvest_job: expected an object' };
      if (typeof job.id !== 'string')
        return { ok: false, problem: 'detail.harvest_job.id: expected a string' };
      if (typeof job.status !== 'string')
        return { ok: false, problem: 'detail.harvest_job.status: expected a string' };
      return { ok: true, value: event as unknown as HarvestNotification };
    }
    default:
      return { ok: false, problem: `detail-type: unexpected ${JSON.stringify(event['detail-type'])}` };
  }
}

/** A MediaLive state change: RUNNING opens the channel's session, IDLE (a stop) ends it; others change nothing. */
export async function onStateChange(deps: RecorderDeps, event: StateChangeEvent): Promise<void> {
  const ml = channelIdFromArn(event.detail.channel_arn);
  const found = Object.entries(deps.registry).find(([, e]) => e.ml === ml);
  // Another deployment's channel, or one of this deployment that is not recorded (archive false).
  if (found === undefined || found[1].record === false) return;
  const channelId = found[0];
  const state = apiStateOfEvent(event.detail.state, event.detail.pipelines_running_count);
  if (state === ChannelState.RUNNING) await openSession(deps, channelId, event.time);
  else if (state === ChannelState.IDLE) await closeSession(deps, channelId, event.time);
}

/** A part's harvest job failed: retried (see retryPart). Other jobs' notifications (clips, superseded attempts) change nothing. */
export async function onHarvestFailed(deps: RecorderDeps, event: HarvestNotification): Promise<void> {
  const job = event.detail.harvest_job;
  const ids = parseJobId(job.id);
  if (ids === undefined || job.status !== 'FAILED') return;
  const rec = await readRecording(deps, ids.recordingId);
  const part = rec?.parts?.[ids.part];
  if (rec === undefined || part === undefined || part.jobId !== job.id) {
    deps.log.info('harvest notification for no current part', { jobId: job.id, status: job.status });
    return;
  }
  await retryPart(deps, rec, ids.part, event.detail.message ?? 'no reason given');
}
