import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListMetricsCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import {
  ListOriginEndpointsCommand,
  MediaPackageClient,
  type OriginEndpoint,
} from '@aws-sdk/client-mediapackage';
import { edgeStackName, platformStackName } from '../lib/stacks/outputs';
import { authOf, bare, walkFormat, withoutSession } from './check';
import type { Deployment } from './deployment';
import { httpRequest } from './http';
import type { ChannelView } from './model';

/** One smoke step's outcome: what it proved, or what to do. */
export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly skipped?: boolean;
  readonly detail: string;
  readonly remedy?: string;
  readonly ms: number;
}

/**
 * Alarms per channel (lib/constructs/alarms.ts alarmCount: 5 per pipeline + 2 per channel; a
 * unit test holds the two equal). Kept here so the CLI does not load aws-cdk-lib.
 */
export function expectedAlarms(pipelines: number): number {
  return pipelines * 5 + 2;
}

/** MediaLive metrics the alarms and auto-stop read, per pipeline (docs/first-deploy-checks.md). */
export const PIPELINE_METRICS = [
  'ActiveAlerts',
  'InputLossSeconds',
  'InputVideoFrameRate',
  'DroppedFrames',
  'NetworkIn',
] as const;
/** Output error metrics, per pipeline and output group. */
export const OUTPUT_METRICS = ['Output4xxErrors', 'Output5xxErrors'] as const;

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
  const tagged = (xs: MetricAlarm[], scope: string) =>
    xs.filter((x) => (x.AlarmDescription ?? '').startsWith(`[onair:${scope}]`));
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

/** Which of the alarms' MediaLive metrics CloudWatch lists for the channel, with the dimensions the alarms use. */
export async function missingMetrics(
  a: AwsAccess,
  medialiveChannelId: string,
  pipelines: number,
  outputGroups: readonly string[],
): Promise<string[]> {
  const cw = new CloudWatchClient(clientConfig(a));
  const seen = new Set<string>();
  try {
    let token: string | undefined;
    do {
      const r = await cw.send(
        new ListMetricsCommand({
          Namespace: 'AWS/MediaLive',
          Dimensions: [{ Name: 'ChannelId', Value: medialiveChannelId }],
          NextToken: token,
        }),
      );
      for (const m of r.Metrics ?? []) {
        const dims = Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value]));
        seen.add([m.MetricName, dims.Pipeline ?? '-', dims.OutputGroupName ?? '-'].join('|'));
      }
      token = r.NextToken;
    } while (token);
  } finally {
    cw.destroy();
  }
  const missing: string[] = [];
  for (let p = 0; p < pipelines; p++) {
    for (const m of PIPELINE_METRICS) if (!seen.has(`${m}|${p}|-`)) missing.push(`${m} (Pipeline ${p})`);
    for (const g of outputGroups)
      for (const m of OUTPUT_METRICS)
        if (!seen.has(`${m}|${p}|${g}`)) missing.push(`${m} (Pipeline ${p}, ${g})`);
  }
  return missing;
}

/** The channel's MediaPackage endpoints, found by their channel (`<stack>-<channel>`) or description. */
export async function originEndpoints(
  a: AwsAccess,
  d: Deployment,
  channelId: string,
): Promise<OriginEndpoint[]> {
  const mp = new MediaPackageClient(clientConfig(a));
  const out: OriginEndpoint[] = [];
  try {
    let token: string | undefined;
    do {
      const r = await mp.send(new ListOriginEndpointsCommand({ NextToken: token }));
      out.push(...(r.OriginEndpoints ?? []));
      token = r.NextToken;
    } while (token);
  } finally {
    mp.destroy();
  }
  return out.filter(
    (e) =>
      e.ChannelId === `${d.stackName}-${channelId}` ||
      (e.Description ?? '').startsWith(`OnAir ${channelId} `),
  );
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

export type { ChannelView };
export { authOf, bare, walkFormat, withoutSession };
