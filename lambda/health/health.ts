import {
  ChannelState,
  DescribeChannelCommand,
  type MediaLiveClient,
  RestartChannelPipelinesCommand,
} from '@aws-sdk/client-medialive';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  apiStateOfEvent,
  channelIdFromArn,
  EventOnlyState,
  pipelineIndex,
  TRANSITIONAL_STATES,
} from '../shared/channel-state';
import { CDN_ALARM_SCOPE, OperatorRoutes, parseAlarmDescription, routeKey } from '../shared/contract';
import { type Notification, type Notifier, notify } from '../shared/notify';
import type { Log } from '../shared/powertools';
import type { Registry } from '../shared/registry';
import {
  type AutoStop,
  isInputAlert,
  type LastAlert,
  type OpenAlert,
  type StatusRecord,
  statusKey,
} from '../shared/status';
import type { AlarmMessage, AlertEvent, StateChangeEvent } from './events';

/** Automatic restarts happen at most once per this many milliseconds per channel. */
export const RESTART_INTERVAL_MS = 15 * 60_000;

/**
 * An IDLE is announced as the idle-stop function's automatic stop only if that stop was recorded
 * at most this long before (MediaLive stops a channel within minutes); an older record is stale.
 */
export const AUTO_STOP_NOTICE_WINDOW_MS = 15 * 60_000;

export interface HealthDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly medialive: MediaLiveClient;
  readonly notifier: Notifier;
  readonly registry: Registry;
  readonly statusTable: string;
  readonly stage: string;
  /** Channels that opted in to automatic pipeline restarts. */
  readonly autoRestart: ReadonlySet<string>;
  readonly log: Log;
}

/** This deployment's channel id for a MediaLive channel ARN; undefined for other channels. */
export function channelIdOf(registry: Registry, channelArn: string): string | undefined {
  const ml = channelIdFromArn(channelArn);
  return Object.entries(registry).find(([, e]) => e.ml === ml)?.[0];
}

function isConditionFailed(err: unknown): boolean {
  return (err as Error).name === 'ConditionalCheckFailedException';
}

function pipelineLabel(p: string | undefined): string {
  return p === undefined ? '' : ` (pipeline ${p})`;
}

/**
 * Applies a channel state change to the status record, in API states (an event's STOPPED or
 * CREATED is recorded as IDLE: see apiStateOfEvent), and notifies on settled states. A channel's
 * creation notifies nobody: a deploy that adds a channel is not news.
 */
export async function onStateChange(deps: HealthDeps, event: StateChangeEvent): Promise<void> {
  const channelId = channelIdOf(deps.registry, event.detail.channel_arn);
  if (channelId === undefined) {
    deps.log.warn('state change for a channel outside this deployment', { arn: event.detail.channel_arn });
    return;
  }
  const eventState = event.detail.state;
  const state = apiStateOfEvent(eventState, event.detail.pipelines_running_count);
  if (state === undefined) {
    deps.log.warn('state change with a state MediaLive is not known to send; not recorded', {
      channelId,
      eventState,
    });
    return;
  }
  const running = state === ChannelState.RUNNING;
  const values: Record<string, unknown> = {
    ':state': state,
    ':t': event.time,
    ':p': event.detail.pipelines_running_count ?? 0,
  };
  let expr = 'SET #state = :state, pipelinesRunning = :p, lastChange = :t, stateAt = :t';
  if (running) {
    expr += ', liveSince = if_not_exists(liveSince, :t)';
  } else if (state === ChannelState.IDLE) {
    // Alerts of a stopped channel are moot; a fresh start begins with a clean slate. The
    // idle-stop function's record of an automatic stop is announced below, once.
    expr += ', openAlerts = :none REMOVE liveSince, autoStop';
    values[':none'] = {};
  } else if (state !== ChannelState.RECOVERING) {
    expr += ' REMOVE liveSince';
  }
  let before: StatusRecord | undefined;
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.statusTable,
        Key: statusKey(channelId),
        UpdateExpression: expr,
        // EventBridge does not deliver in order: a late RUNNING must not overwrite a newer IDLE.
        // Its own attribute, because alerts move lastChange and must not block state changes.
        ConditionExpression: 'attribute_not_exists(stateAt) OR stateAt <= :t',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_OLD',
      }),
    );
    before = res.Attributes as StatusRecord | undefined;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    deps.log.info('older state change ignored', { channelId, state, time: event.time });
    return;
  }
  deps.log.info('channel state recorded', { channelId, state, eventState });
  // STARTING/STOPPING are steps on the way; RECOVERING is a failure worth hearing about.
  if (TRANSITIONAL_STATES.has(state) && state !== ChannelState.RECOVERING) return;
  if (eventState === EventOnlyState.CREATED) return;
  const count = event.detail.pipelines_running_count;
  const reported = eventState === state ? '' : ` (MediaLive reported ${eventState})`;
  const changed =
    `Channel ${channelId} changed to ${state}${reported} at ${event.time}` +
    (count !== undefined ? ` with ${count} pipeline(s) running` : '') +
    (event.detail.message ? `.\nMediaLive says: ${event.detail.message}` : '.');
  const autoStop = state === ChannelState.IDLE ? recentAutoStop(before?.autoStop, event.time) : undefined;
  await notify(
    deps.notifier,
    autoStop === undefined
      ? { subject: `OnAir ${deps.stage}: channel ${channelId} is ${state}`, text: changed }
      : {
          subject: `OnAir ${deps.stage}: channel ${channelId} stopped after ${autoStop.idleMinutes} idle minutes`,
          text:
            `Channel ${channelId} was RUNNING without input for ${autoStop.idleMinutes} minutes and was stopped to save cost.\n` +
            `${changed}\n` +
            `Start it again with ${routeKey(OperatorRoutes.START_CHANNEL)}; set autoStopIdleMinutes to 0 in the config to turn this off.`,
        },
  );
}

/** The idle-stop function's record of an automatic stop, if it belongs to the IDLE reported at `idleAt`. */
function recentAutoStop(autoStop: AutoStop | undefined, idleAt: string): AutoStop | undefined {
  if (autoStop === undefined) return undefined;
  const age = Date.parse(idleAt) - Date.parse(autoStop.at);
  // A minute of slack for the clocks of Lambda and MediaLive's events.
  return age >= -60_000 && age <= AUTO_STOP_NOTICE_WINDOW_MS ? autoStop : undefined;
}

async function setOpenAlert(
  deps: HealthDeps,
  channelId: string,
  id: string,
  alert: OpenAlert,
  last: LastAlert,
) {
  const nested = () =>
    deps.ddb.send(
      new UpdateCommand({
        TableName: deps.statusTable,
        Key: statusKey(channelId),
        UpdateExpression: 'SET openAlerts.#id = :a, lastAlert = :l, lastChange = :t',
        ConditionExpression: 'attribute_exists(openAlerts)',
        ExpressionAttributeNames: { '#id': id },
        ExpressionAttributeValues: { ':a': alert, ':l': last, ':t': last.at },
      }),
    );
  try {
    await nested();
    return;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  // First alert on this record: create the map (a nested SET needs the parent to exist), but
  // only if a concurrent first alert has not created it meanwhile; then the nested SET applies.
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.statusTable,
        Key: statusKey(channelId),
        UpdateExpression: 'SET openAlerts = :m, lastAlert = :l, lastChange = :t',
        ConditionExpression: 'attribute_not_exists(openAlerts)',
        ExpressionAttributeValues: { ':m': { [id]: alert }, ':l': last, ':t': last.at },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    await nested();
  }
}

/**
 * Removes an open alert. `inputReturned` also stamps `inputClearedAt` (a MediaLive input alert
 * cleared: input is back), which idle auto-stop reads before CloudWatch shows the input.
 */
async function clearOpenAlert(
  deps: HealthDeps,
  channelId: string,
  id: string,
  last: LastAlert,
  inputReturned = false,
) {
  const stamp = inputReturned ? ', inputClearedAt = :t' : '';
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.statusTable,
        Key: statusKey(channelId),
        UpdateExpression: `REMOVE openAlerts.#id SET lastAlert = :l, lastChange = :t${stamp}`,
        ConditionExpression: 'attribute_exists(openAlerts)',
        ExpressionAttributeNames: { '#id': id },
        ExpressionAttributeValues: { ':l': last, ':t': last.at },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.statusTable,
        Key: statusKey(channelId),
        UpdateExpression: `SET lastAlert = :l, lastChange = :t${stamp}`,
        ExpressionAttributeValues: { ':l': last, ':t': last.at },
      }),
    );
  }
}

/** Alerts that mean a pipeline's encoding or output failed (a restart can fix these; input problems it cannot). */
export function isRestartableAlert(type: string): boolean {
  return !isInputAlert(type) && /output|socket|destination|muxer|encod|pipeline|fail/i.test(type);
}

export type RestartOutcome = 'restarted' | 'rate-limited' | 'not-running' | 'not-eligible' | 'failed';

/** Pipelines are restarted only on a channel in one of these states (never one stopping or stopped). */
const RESTARTABLE_STATES: ReadonlySet<string> = new Set([ChannelState.RUNNING, ChannelState.RECOVERING]);

/**
 * Restarts one pipeline of an opted-in channel, at most once per {@link RESTART_INTERVAL_MS}:
 * the slot is claimed with a conditional write first, so concurrent alerts cannot both restart.
 */
export async function maybeRestart(
  deps: HealthDeps,
  channelId: string,
  alert: { type: string; pipeline?: string },
  now: number,
): Promise<RestartOutcome> {
  const pipeline = pipelineIndex(alert.pipeline);
  if (!deps.autoRestart.has(channelId) || pipeline === undefined || !isRestartableAlert(alert.type))
    return 'not-eligible';
  const entry = deps.registry[channelId];
  if (entry === undefined) return 'not-eligible';
  // An alert can arrive while the channel stops (or after): restarting then would start
  // pipelines nobody wants, and claiming the slot would block a real restart later.
  let state: string;
  try {
    const ch = await deps.medialive.send(new DescribeChannelCommand({ ChannelId: entry.ml }));
    state = ch.State ?? 'UNKNOWN';
  } catch (err) {
    deps.log.warn('could not describe the channel before an automatic restart', {
      channelId,
      errorName: (err as Error).name,
    });
    return 'failed';
  }
  if (!RESTARTABLE_STATES.has(state)) {
    deps.log.info('automatic restart skipped: channel not running', { channelId, state });
    return 'not-running';
  }
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.statusTable,
        Key: statusKey(channelId),
        UpdateExpression: 'SET lastRestartAt = :now',
        ConditionExpression: 'attribute_not_exists(lastRestartAt) OR lastRestartAt <= :cutoff',
        ExpressionAttributeValues: { ':now': now, ':cutoff': now - RESTART_INTERVAL_MS },
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) return 'rate-limited';
    throw err;
  }
  try {
    await deps.medialive.send(
      new RestartChannelPipelinesCommand({
        ChannelId: entry.ml,
        PipelineIds: [pipeline === 0 ? 'PIPELINE_0' : 'PIPELINE_1'],
      }),
    );
    return 'restarted';
  } catch (err) {
    deps.log.warn('automatic pipeline restart failed', {
      channelId,
      pipeline,
      errorName: (err as Error).name,
    });
    return 'failed';
  }
}

const RESTART_NOTE: Record<RestartOutcome, string> = {
  restarted: 'Automatic restart: the pipeline was restarted (autoRestart is on for this channel).',
  'rate-limited': 'Automatic restart skipped: this channel was restarted less than 15 minutes ago.',
  'not-running': 'Automatic restart skipped: the channel is not running (stopping or stopped).',
  failed: 'Automatic restart failed; check the channel in the MediaLive console.',
  'not-eligible': '',
};

/** Records a MediaLive alert (set or cleared), notifies, and applies the opt-in restart. */
export async function onAlert(
  deps: HealthDeps,
  event: AlertEvent,
  now = Date.now(),
): Promise<RestartOutcome> {
  const channelId = channelIdOf(deps.registry, event.detail.channel_arn);
  if (channelId === undefined) {
    deps.log.warn('alert for a channel outside this deployment', { arn: event.detail.channel_arn });
    return 'not-eligible';
  }
  const d = event.detail;
  const pipeline = d.pipeline === undefined ? undefined : String(d.pipeline);
  const message = d.message ?? '';
  const last: LastAlert = { type: d.alert_type, pipeline, message, state: d.alarm_state, at: event.time };
  let outcome: RestartOutcome = 'not-eligible';
  if (d.alarm_state === 'SET') {
    await setOpenAlert(
      deps,
      channelId,
      d.alarm_id,
      { type: d.alert_type, pipeline, message, since: event.time },
      last,
    );
    outcome = await maybeRestart(deps, channelId, { type: d.alert_type, pipeline }, now);
  } else {
    await clearOpenAlert(deps, channelId, d.alarm_id, last, isInputAlert(d.alert_type));
  }
  deps.log.info('channel alert recorded', {
    channelId,
    alertType: d.alert_type,
    state: d.alarm_state,
    outcome,
  });
  const verb = d.alarm_state === 'SET' ? 'ALERT' : 'cleared';
  const note = RESTART_NOTE[outcome];
  await notify(deps.notifier, {
    subject: `OnAir ${deps.stage}: ${verb} on ${channelId}${pipelineLabel(pipeline)}: ${d.alert_type}`,
    text:
      `${d.alarm_state === 'SET' ? 'Alert raised' : 'Alert cleared'} on channel ${channelId}${pipelineLabel(pipeline)} at ${event.time}: ${d.alert_type}.` +
      (message ? `\nMediaLive says: ${message}` : '') +
      (note ? `\n${note}` : ''),
  });
  return outcome;
}

/** Records a CloudWatch alarm state change (delivered by SNS) and forwards it to the webhook. */
export async function onAlarm(deps: HealthDeps, alarm: AlarmMessage): Promise<void> {
  const { scope, what: description } = parseAlarmDescription(alarm.AlarmDescription);
  const at = alarm.StateChangeTime ? new Date(alarm.StateChangeTime).toISOString() : new Date().toISOString();
  if (
    scope !== undefined &&
    Object.hasOwn(deps.registry, scope) &&
    alarm.NewStateValue !== 'INSUFFICIENT_DATA'
  ) {
    const id = `alarm:${alarm.AlarmName}`;
    const set = alarm.NewStateValue === 'ALARM';
    const last: LastAlert = {
      type: description || alarm.AlarmName,
      message: alarm.NewStateReason ?? '',
      state: set ? 'SET' : 'CLEARED',
      at,
    };
    if (set) await setOpenAlert(deps, scope, id, { type: last.type, message: last.message, since: at }, last);
    else await clearOpenAlert(deps, scope, id, last);
  }
  if (alarm.NewStateValue === 'INSUFFICIENT_DATA') return;
  const msg: Notification = {
    subject: `OnAir ${deps.stage}: ${alarm.NewStateValue === 'ALARM' ? 'ALARM' : 'OK'} ${description || alarm.AlarmName}`,
    text: `${alarm.AlarmName} is ${alarm.NewStateValue}${scope ? ` (${scope === CDN_ALARM_SCOPE ? 'CDN' : `channel ${scope}`})` : ''}.\n${alarm.NewStateReason ?? ''}`,
    // SNS already emailed the alarm itself.
    email: false,
  };
  await notify(deps.notifier, msg);
}
