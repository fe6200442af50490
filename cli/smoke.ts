import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricAlarm,
  RecentlyActive,
} from '@aws-sdk/client-cloudwatch';
import {
  ListOriginEndpointsCommand,
  MediaPackageClient,
  type OriginEndpoint,
} from '@aws-sdk/client-mediapackage';
import { edgeStackName, platformStackName } from '../lib/stacks/outputs';
import type { Deployment } from './deployment';
import { httpRequest } from './http';

/**
 * Alarms per channel (lib/constructs/alarms.ts alarmCount: 5 per pipeline + 2 per channel; a
 * unit test holds the two equal). Kept here so the CLI does not load aws-cdk-lib.
 */
export function expectedAlarms(pipelines: number): number {
  return pipelines * 5 + 2;
}

export interface AwsAccess {
  readonly region: string;
  readonly credentials: () => Promise<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }>;
  readonly profile?: string;
}

const clientConfig = (a: AwsAccess, region = a.region) => ({
  region,
  credentials: a.credentials,
  maxAttempts: 3,
  ...(a.profile ? { profile: a.profile } : {}),
});

/** The channel's alarms (by description prefix `[onair:<channel>]`) and the CDN's (us-east-1), with their states. */
export async function channelAlarms(
  a: AwsAccess,
  stage: string,
  channelId: string,
): Promise<{ channel: MetricAlarm[]; cdn: MetricAlarm[] }> {
  const list = async (region: string, prefix: string) => {
    const cw = new CloudWatchClient(clientConfig(a, region));
    const out: MetricAlarm[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await cw.send(
          new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, NextToken: token, MaxRecords: 100 }),
        );
        out.push(...(r.MetricAlarms ?? []));
        token = r.NextToken;
      } while (token);
    } finally {
      cw.destroy();
    }
    return out;
  };
  const regional = await list(a.region, `${platformStackName(stage)}-`);
  const edge = await list('us-east-1', `${edgeStackName(stage)}-`);
  // In us-east-1 the platform prefix may also match the edge stack's alarms: one entry per ARN.
  const unique = (xs: MetricAlarm[]) => [...new Map(xs.map((x) => [x.AlarmArn ?? x.AlarmName, x])).values()];
  const tagged = (xs: MetricAlarm[], scope: string) =>
    unique(xs.filter((x) => (x.AlarmDescription ?? '').startsWith(`[onair:${scope}]`)));
  return { channel: tagged(regional, channelId), cdn: tagged([...edge, ...regional], 'cdn') };
}

/**
 * The MediaLive channel id a channel's alarms watch (the `ChannelId` dimension of their AWS/MediaLive
 * metrics): the platform stack has no per-channel outputs since channels live in nested stacks.
 */
export function medialiveChannelIdOf(alarms: readonly MetricAlarm[]): string | undefined {
  for (const a of alarms) {
    const metrics = [
      { Namespace: a.Namespace, Dimensions: a.Dimensions },
      ...(a.Metrics ?? []).map((m) => m.MetricStat?.Metric ?? {}),
    ];
    for (const m of metrics) {
      if (m.Namespace !== 'AWS/MediaLive') continue;
      const id = m.Dimensions?.find((d) => d.Name === 'ChannelId')?.Value;
      if (id) return id;
    }
  }
  return undefined;
}

/** One CloudWatch metric: namespace, name and its complete set of dimensions. */
export interface MetricKey {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

const keyOf = (m: MetricKey) =>
  JSON.stringify([m.namespace, m.metricName, Object.entries(m.dimensions).sort()]);

/** `Output4xxErrors (Pipeline 0, archive)`: the metric without its channel id. */
export function metricLabel(m: MetricKey): string {
  const rest = Object.entries(m.dimensions)
    .filter(([k]) => k !== 'ChannelId')
    .map(([k, v]) => (k === 'Pipeline' ? `Pipeline ${v}` : v));
  return rest.length ? `${m.metricName} (${rest.join(', ')})` : m.metricName;
}

/**
 * Every metric the alarms read in `namespace`, with the exact dimensions they read it with: a
 * single-metric alarm's Namespace/MetricName/Dimensions, a metric-math alarm's
 * Metrics[].MetricStat.Metric. What smoke checks is what the deployed alarms watch, not a list.
 */
export function alarmMetrics(alarms: readonly MetricAlarm[], namespace = 'AWS/MediaLive'): MetricKey[] {
  const out = new Map<string, MetricKey>();
  for (const a of alarms) {
    const metrics = [
      { Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions },
      ...(a.Metrics ?? []).map((m) => m.MetricStat?.Metric ?? {}),
    ];
    for (const m of metrics) {
      if (m.Namespace !== namespace || !m.MetricName) continue;
      const k: MetricKey = {
        namespace,
        metricName: m.MetricName,
        dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
      };
      out.set(keyOf(k), k);
    }
  }
  return [...out.values()];
}

/**
 * The metrics that have no datapoint from `since` to now. GetMetricData, not ListMetrics: CloudWatch
 * says to "allow up to 15 minutes" for a new metric to appear in ListMetrics and "to see metric
 * statistics sooner, use GetMetricData" (CloudWatch API Reference, ListMetrics), and ListMetrics
 * lists any series with data in the past two weeks, so a second run would pass on an earlier
 * run's data. GetMetricData asks for the alarms' exact dimensions over this run's minutes only.
 */
export async function metricsWithoutData(
  a: AwsAccess,
  metrics: readonly MetricKey[],
  since: Date,
  now = new Date(),
): Promise<MetricKey[]> {
  const cw = new CloudWatchClient(clientConfig(a));
  const seen = new Set<string>();
  try {
    let token: string | undefined;
    do {
      const r = await cw.send(
        new GetMetricDataCommand({
          StartTime: since,
          EndTime: now,
          NextToken: token,
          MetricDataQueries: metrics.map((m, i) => ({
            Id: `m${i}`,
            ReturnData: true,
            // SampleCount: any datapoint at all, whatever statistic the alarm uses.
            MetricStat: {
              Metric: {
                Namespace: m.namespace,
                MetricName: m.metricName,
                Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
              },
              Period: 60,
              Stat: 'SampleCount',
            },
          })),
        }),
      );
      for (const q of r.MetricDataResults ?? []) if ((q.Values ?? []).length > 0) seen.add(q.Id ?? '');
      token = r.NextToken;
    } while (token);
  } finally {
    cw.destroy();
  }
  return metrics.filter((_, i) => !seen.has(`m${i}`));
}

/**
 * The channel's MediaLive metrics CloudWatch lists with datapoints in the past three hours
 * (ListMetrics RecentlyActive PT3H, "the only valid value"; without it ListMetrics returns two
 * weeks of series): to tell an alarm that reads dimensions MediaLive does not publish from data
 * that has not arrived yet.
 */
export async function recentlyListed(a: AwsAccess, medialiveChannelId: string): Promise<MetricKey[]> {
  const cw = new CloudWatchClient(clientConfig(a));
  const out: MetricKey[] = [];
  try {
    let token: string | undefined;
    do {
      const r = await cw.send(
        new ListMetricsCommand({
          Namespace: 'AWS/MediaLive',
          Dimensions: [{ Name: 'ChannelId', Value: medialiveChannelId }],
          RecentlyActive: RecentlyActive.PT3H,
          NextToken: token,
        }),
      );
      for (const m of r.Metrics ?? [])
        out.push({
          namespace: m.Namespace ?? '',
          metricName: m.MetricName ?? '',
          dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
        });
      token = r.NextToken;
    } while (token);
  } finally {
    cw.destroy();
  }
  return out;
}

/**
 * Of the metrics without data, those CloudWatch lists for the channel under the same name with
 * dimensions no alarm reads (e.g. another OutputGroupName): an alarm that reads the missing one
 * never fires. A series another alarm reads is no evidence (its data may just have come first).
 */
export function wronglyDimensioned(
  missing: readonly MetricKey[],
  expected: readonly MetricKey[],
  listed: readonly MetricKey[],
): { metric: MetricKey; published: MetricKey[] }[] {
  const read = new Set(expected.map(keyOf));
  const exact = new Set(listed.map(keyOf));
  return missing
    .filter((m) => !exact.has(keyOf(m)))
    .map((m) => ({
      metric: m,
      published: listed.filter((l) => l.metricName === m.metricName && !read.has(keyOf(l))),
    }))
    .filter((x) => x.published.length > 0);
}

/**
 * The channel's MediaPackage endpoints: those of its MediaPackage channel, always named
 * `<stack>-<channel>` (lib/constructs/channel/packaging.ts). ListOriginEndpoints with ChannelId
 * "will return only OriginEndpoints associated with the given Channel ID" (MediaPackage API
 * reference); a description (`OnAir <channel> …`) could be another stage's.
 */
export async function originEndpoints(
  a: AwsAccess,
  d: Deployment,
  channelId: string,
): Promise<OriginEndpoint[]> {
  const mp = new MediaPackageClient(clientConfig(a));
  const mpChannel = `${d.stackName}-${channelId}`;
  const out: OriginEndpoint[] = [];
  try {
    let token: string | undefined;
    do {
      const r = await mp.send(new ListOriginEndpointsCommand({ ChannelId: mpChannel, NextToken: token }));
      out.push(...(r.OriginEndpoints ?? []));
      token = r.NextToken;
    } while (token);
  } finally {
    mp.destroy();
  }
  return out.filter((e) => e.ChannelId === mpChannel);
}

/** GETs every endpoint's manifest without the CDN identifier header: each must be 403. */
export async function directOriginStatuses(
  endpoints: readonly OriginEndpoint[],
): Promise<{ url: string; status: number }[]> {
  const urls = endpoints
    .flatMap((e) => [e.Url, ...(e.CmafPackage?.HlsManifests ?? []).map((m) => m.Url)])
    .filter((u): u is string => !!u);
  return Promise.all(
    urls.map(async (url) => {
      try {
        return { url, status: (await httpRequest(url)).status };
      } catch {
        return { url, status: 0 };
      }
    }),
  );
}
