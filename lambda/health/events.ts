/**
 * The events the health function reads: EventBridge's MediaLive events and SNS's CloudWatch
 * alarm notifications, AWS's own shapes of which the function reads a few fields. They are
 * checked field by field, each check naming the first field that does not fit: a handful of
 * explicit checks cost a fraction of a schema library in the bundle.
 */

/** "MediaLive Channel State Change" (MediaLive user guide: JSON for a state change event). */
export interface StateChangeEvent {
  readonly 'detail-type': 'MediaLive Channel State Change';
  readonly source: 'aws.medialive';
  readonly time: string;
  readonly detail: {
    readonly channel_arn: string;
    readonly state: string;
    readonly message?: string;
    readonly pipelines_running_count?: number;
  };
}

/** "MediaLive Channel Alert" (MediaLive user guide: JSON for an alert event). */
export interface AlertEvent {
  readonly 'detail-type': 'MediaLive Channel Alert';
  readonly source: 'aws.medialive';
  readonly time: string;
  readonly detail: {
    readonly alarm_state: 'SET' | 'CLEARED';
    readonly alarm_id: string;
    readonly alert_type: string;
    readonly pipeline?: string | number;
    readonly channel_arn: string;
    readonly message?: string;
  };
}

/** A CloudWatch alarm state change as SNS delivers it (the JSON in Sns.Message). */
export interface AlarmMessage {
  readonly AlarmName: string;
  readonly AlarmDescription?: string | null;
  readonly NewStateValue: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly OldStateValue?: string;
  readonly NewStateReason?: string;
  readonly StateChangeTime?: string;
  readonly Region?: string;
}

/** SNS's Lambda event: one record per message. */
export interface SnsEvent {
  readonly Records: readonly {
    readonly EventSource: 'aws:sns';
    readonly Sns: { readonly Message: string };
  }[];
}

export type HealthEvent = StateChangeEvent | AlertEvent | SnsEvent;

/** A checked value, or why it does not fit (the first field that does not). */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

type Check = (value: unknown) => boolean;
/** Expected fields: a check, or the shape of a nested object. */
interface Shape {
  readonly [field: string]: Check | Shape;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const string: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v !== '';
const int: Check = (v) => Number.isInteger(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v);

/** The first field of `value` that does not fit `shape` (`path: unexpected …`); undefined when all fit. */
function mismatch(value: Record<string, unknown>, shape: Shape, at = ''): string | undefined {
  for (const [field, expected] of Object.entries(shape)) {
    const v = value[field];
    const path = `${at}${field}`;
    const problem =
      typeof expected === 'function'
        ? expected(v)
          ? undefined
          : `${path}: unexpected ${JSON.stringify(v) ?? 'undefined'}`
        : isObject(v)
          ? mismatch(v, expected, `${path}.`)
          : `${path}: expected an object`;
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checked<T>(value: Record<string, unknown>, shape: Shape): Checked<T> {
  const problem = mismatch(value, shape);
  return problem === undefined ? { ok: true, value: value as T } : { ok: false, problem };
}

const STATE_CHANGE: Shape = {
  'detail-type': oneOf('MediaLive Channel State Change'),
  source: oneOf('aws.medialive'),
  time: string,
  detail: {
    channel_arn: string,
    state: string,
    message: optional(string),
    pipelines_running_count: optional(int),
  },
};

const ALERT: Shape = {
  'detail-type': oneOf('MediaLive Channel Alert'),
  source: oneOf('aws.medialive'),
  time: string,
  detail: {
    alarm_state: oneOf('SET', 'CLEARED'),
    alarm_id: nonEmpty,
    alert_type: string,
    pipeline: optional((v) => typeof v === 'string' || typeof v === 'number'),
    channel_arn: string,
    message: optional(string),
  },
};

const SNS_RECORD: Shape = { EventSource: oneOf('aws:sns'), Sns: { Message: string } };

const ALARM: Shape = {
  AlarmName: string,
  AlarmDescription: (v) => v === undefined || v === null || typeof v === 'string',
  NewStateValue: oneOf('ALARM', 'OK', 'INSUFFICIENT_DATA'),
  OldStateValue: optional(string),
  NewStateReason: optional(string),
  StateChangeTime: optional(string),
  Region: optional(string),
};

/** A MediaLive state change or alert from EventBridge, or CloudWatch alarm notifications from SNS. */
export function parseHealthEvent(event: unknown): Checked<HealthEvent> {
  if (!isObject(event)) return { ok: false, problem: 'the event is not an object' };
  if ('Records' in event) {
    const records = event.Records;
    if (!Array.isArray(records) || records.length === 0)
      return { ok: false, problem: 'Records: expected SNS records' };
    for (const [i, r] of records.entries()) {
      const problem = isObject(r) ? mismatch(r, SNS_RECORD, `Records.${i}.`) : `Records.${i}: not an object`;
      if (problem !== undefined) return { ok: false, problem };
    }
    return { ok: true, value: event as unknown as SnsEvent };
  }
  switch (event['detail-type']) {
    case 'MediaLive Channel State Change':
      return checked<StateChangeEvent>(event, STATE_CHANGE);
    case 'MediaLive Channel Alert':
      return checked<AlertEvent>(event, ALERT);
    default:
      return { ok: false, problem: `detail-type: unexpected ${JSON.stringify(event['detail-type'])}` };
  }
}

/** A CloudWatch alarm notification (the JSON SNS delivers in Sns.Message). */
export function parseAlarmMessage(value: unknown): Checked<AlarmMessage> {
  return isObject(value) ? checked<AlarmMessage>(value, ALARM) : { ok: false, problem: 'not an object' };
}
