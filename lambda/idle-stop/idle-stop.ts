import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { DescribeChannelCommand, type MediaLiveClient, StopChannelCommand } from '@aws-sdk/client-medialive';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../shared/powertools';
import type { ChannelEntry, Registry } from '../shared/registry';
import { readStatus, recordAutoStop } from '../shared/status';
import { decideIdle, type IdleDecision, type InputSample } from './decide';

export interface IdleStopDeps {
  readonly medialive: MediaLiveClient;
  readonly cloudwatch: CloudWatchClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly registry: Registry;
  /** Channel id → idle minutes (0 = never stop). */
  readonly idleMinutes: Readonly<Record<string, number>>;
  readonly statusTable: string;
  readonly log: Log;
}

/** Per-minute maxima of NetworkIn and InputVideoFrameRate for each pipeline over the window. */
export async function inputSamples(
  cloudwatch: CloudWatchClient,
  entry: ChannelEntry,
  minutes: number,
  now: number,
): Promise<InputSample[]> {
  const queries: MetricDataQuery[] = [];
  for (let p = 0; p < entry.p; p++) {
    for (const [id, metric] of [
      [`n${p}`, 'NetworkIn'],
      [`f${p}`, 'InputVideoFrameRate'],
    ] as const) {
      queries.push({
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/MediaLive',
            MetricName: metric,
            Dimensions: [
              { Name: 'ChannelId', Value: entry.ml },
              { Name: 'Pipeline', Value: String(p) },
            ],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      });
    }
  }
  const byKey = new Map<
    string,
    { timestamp: number; pipeline: number; networkInMbps?: number; frameRate?: number }
  >();
  let next: string | undefined;
  do {
    const res = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(now - minutes * 60_000),
        EndTime: new Date(now),
        ScanBy: 'TimestampAscending',
        NextToken: next,
      }),
    );
    for (const r of res.MetricDataResults ?? []) {
      const id = r.Id ?? '';
      const pipeline = Number(id.slice(1));
      (r.Timestamps ?? []).forEach((ts, i) => {
        const t = new Date(ts).getTime();
        const key = `${pipeline}:${t}`;
        const s = byKey.get(key) ?? { timestamp: t, pipeline };
        if (id.startsWith('n')) s.networkInMbps = r.Values?.[i];
        else s.frameRate = r.Values?.[i];
        byKey.set(key, s);
      });
    }
    next = res.NextToken;
  } while (next);
  return [...byKey.values()];
}

export interface ChannelOutcome {
  readonly channelId: string;
  readonly decision: IdleDecision | { readonly stop: false; readonly reason: 'error' };
  readonly stopped: boolean;
}

/** Checks every channel of the deployment and stops those idle for their whole window. */
export async function checkIdleChannels(deps: IdleStopDeps, now = Date.now()): Promise<ChannelOutcome[]> {
  const ids = Object.keys(deps.registry).filter((id) => (deps.idleMinutes[id] ?? 0) > 0);
  if (ids.length === 0) return [];
  const out: ChannelOutcome[] = [];
  for (const channelId of ids) {
    const entry = deps.registry[channelId] as ChannelEntry;
    const minutes = deps.idleMinutes[channelId] ?? 0;
    try {
      const ch = await deps.medialive.send(new DescribeChannelCommand({ ChannelId: entry.ml }));
      const state = ch.State ?? 'UNKNOWN';
      const running = state === 'RUNNING';
      const samples = running ? await inputSamples(deps.cloudwatch, entry, minutes, now) : [];
      // Read last, right before deciding: the health function records input alerts within
      // seconds, so this is the freshest evidence that input has (re)appeared.
      const status = running ? await readStatus(deps.ddb, deps.statusTable, channelId) : undefined;
      const decision = decideIdle({ state, idleMinutes: minutes, now, pipelines: entry.p, status, samples });
      let stopped = false;
      if (decision.stop) {
        await deps.medialive.send(new StopChannelCommand({ ChannelId: entry.ml }));
        stopped = true;
        deps.log.info('stopped an idle channel', { channelId, idleMinutes: minutes });
        // The notice goes out with the health function's notice of the IDLE that follows
        // (StopChannel returns as the channel starts STOPPING; reaching IDLE takes MediaLive
        // far longer than this write). Without the record that notice still goes out, without the why.
        await recordAutoStop(deps.ddb, deps.statusTable, channelId, {
          at: new Date(now).toISOString(),
          idleMinutes: minutes,
        }).catch((err: unknown) =>
          deps.log.error(
            'could not record the auto-stop; the IDLE notice will not say why the channel stopped',
            {
              channelId,
              errorName: (err as Error).name,
            },
          ),
        );
      } else {
        deps.log.info('channel kept running', { channelId, reason: decision.reason });
      }
      out.push({ channelId, decision, stopped });
    } catch (err) {
      // One channel's failure must not keep the others from being checked.
      deps.log.error('idle check failed', { channelId, errorName: (err as Error).name });
      out.push({ channelId, decision: { stop: false, reason: 'error' }, stopped: false });
    }
  }
  return out;
}
