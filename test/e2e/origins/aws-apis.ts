/**
 * The AWS APIs the onair CLI calls itself (besides the control API), on 127.0.0.1, answering from
 * the synthesized templates "as deployed" ({@link Deployment}); the CLI reaches them through
 * AWS_ENDPOINT_URL_<SERVICE>. Every request's SigV4 signature is recomputed for its service
 * (test/support/sigv4.ts): an unsigned or foreign request is refused as AWS refuses it.
 *
 * - CloudFormation DescribeStacks (awsQuery, XML): the platform stack's Outputs, resolved.
 * - CloudWatch DescribeAlarms, GetMetricData and ListMetrics (awsJson1_0): the templates'
 *   AWS::CloudWatch::Alarm resources under the names CloudFormation generates
 *   (`<stack>-<logical id>-<suffix>`), state `alarmState` (OK unless a test says otherwise), in the
 *   Region of their stack (the edge stack's in us-east-1). The metrics are what MediaLive
 *   documents it publishes for a running channel, not what the alarms read (else a wrong alarm
 *   could not fail): {@link mediaLiveMetrics}.
 * - MediaPackage ListOriginEndpoints (restJson): the template's origin endpoints.
 *
 * Addresses only a deployment knows are those of the local stand-ins: `replace` maps each
 * deployed URL prefix (the API's endpoint, the MediaPackage host) to the local server serving it.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KnownKey, verifySigV4 } from '../../support/sigv4';
import type { Deployment } from '../deployment';

type Json = Record<string, unknown>;

export interface AwsApisOptions {
  /** The platform stack as deployed. */
  readonly platform: Deployment;
  /** The us-east-1 stack (CDN alarms) as deployed. */
  readonly edge?: Deployment;
  readonly keys: ReadonlyMap<string, KnownKey>;
  /** Deployed URL prefix → the local URL serving it. */
  readonly replace: ReadonlyMap<string, string>;
  /**
   * The MediaLive channels as the control plane models them now.
   * @default - none: no MediaLive metrics
   */
  readonly medialive?: () => readonly PublishingChannel[];
}

/** A MediaLive channel, as far as its metrics go. */
export interface PublishingChannel {
  /** The MediaLive channel id (the ChannelId dimension). */
  readonly id: string;
  readonly running: boolean;
  readonly pipelines: number;
  /** EncoderSettings.OutputGroups[].Name of the synthesized channel. */
  readonly outputGroups: readonly string[];
}

interface MetricOut {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: { Name: string; Value: string }[];
}

/**
 * What MediaLive publishes for a running channel (MediaLive user guide, "Global metrics" and the
 * output metrics): namespace AWS/MediaLive; dimensions ChannelId + Pipeline, and OutputGroupName
 * + ChannelId + Pipeline for Output4xxErrors and Output5xxErrors. Only the metrics OnAir's alarms
 * may read are modelled; a channel that is not RUNNING publishes nothing.
 */
export function mediaLiveMetrics(channels: readonly PublishingChannel[]): MetricOut[] {
  const out: MetricOut[] = [];
  const metric = (MetricName: string, dims: Record<string, string>): MetricOut => ({
    Namespace: 'AWS/MediaLive',
    MetricName,
    Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
  });
  for (const c of channels.filter((x) => x.running))
    for (let p = 0; p < c.pipelines; p++) {
      const base = { ChannelId: c.id, Pipeline: String(p) };
      for (const m of [
        'ActiveAlerts',
        'InputLossSeconds',
        'InputVideoFrameRate',
        'DroppedFrames',
        'NetworkIn',
      ])
        out.push(metric(m, base));
      for (const g of c.outputGroups)
        for (const m of ['Output4xxErrors', 'Output5xxErrors'])
          out.push(metric(m, { OutputGroupName: g, ...base }));
    }
  return out;
}

const sameSeries = (a: { Namespace?: unknown; MetricName?: unknown; Dimensions?: unknown }, b: MetricOut) => {
  const dims = (x: unknown) =>
    JSON.stringify(((x ?? []) as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]).sort());
  return (
    a.Namespace === b.Namespace && a.MetricName === b.MetricName && dims(a.Dimensions) === dims(b.Dimensions)
  );
};

interface Alarm {
  readonly region: string;
  readonly body: Json;
}

const suffix = (s: string) =>
  createHash('sha256')
    .update(s)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 12)
    .toUpperCase();

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export class AwsApis {
  /** State of every alarm (a test may set ALARM or INSUFFICIENT_DATA). */
  alarmState = 'OK';
  /** Edits an alarm as DescribeAlarms returns it (a test may deploy a wrong dimension). */
  alarmPatch: (alarm: Json) => Json = (a) => a;
  readonly received: { service: string; action: string; signedBy?: string }[] = [];
  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });

  private constructor(private readonly opts: AwsApisOptions) {}

  static async start(opts: AwsApisOptions): Promise<AwsApis> {
    const s = new AwsApis(opts);
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', () => r()));
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Variables that send the CLI's CloudFormation, CloudWatch and MediaPackage calls here. */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_CLOUDFORMATION: `${this.url}/cloudformation`,
      AWS_ENDPOINT_URL_CLOUDWATCH: `${this.url}/cloudwatch`,
      AWS_ENDPOINT_URL_MEDIAPACKAGE: `${this.url}/mediapackage`,
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private local(value: string): string {
    let v = value;
    for (const [from, to] of this.opts.replace) v = v.split(from).join(to);
    return v;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    const [, service = ''] = /^\/([a-z]+)/.exec(url) ?? [];
    const signingName = {
      cloudformation: 'cloudformation',
      cloudwatch: 'monitoring',
      mediapackage: 'mediapackage',
    }[service];
    if (signingName === undefined) {
      res.writeHead(404);
      return void res.end();
    }
    const verdict = await verifySigV4(
      { method: req.method ?? 'GET', url, headers: req.headers, body },
      this.opts.keys,
      signingName,
    );
    const region =
      /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const action =
      service === 'cloudformation'
        ? (new URLSearchParams(body.toString('utf8')).get('Action') ?? '')
        : service === 'cloudwatch'
          ? String(req.headers['x-amz-target'] ?? '').replace(/^.*\./, '')
          : `${req.method} ${url.replace(/^\/mediapackage/, '').split('?')[0]}`;
    this.received.push({ service, action, signedBy: verdict.ok ? verdict.accessKeyId : undefined });
    if (!verdict.ok) return this.refuse(service, verdict.message, res);
    if (service === 'cloudformation') return this.cloudFormation(action, body.toString('utf8'), res);
    if (service === 'cloudwatch') return this.cloudWatch(action, region, body.toString('utf8'), res);
    return this.mediaPackage(action, new URL(url, 'http://x').searchParams, res);
  }

  /** 403 in the service's protocol, with the error code AWS gives a bad signature or key. */
  private refuse(service: string, message: string, res: http.ServerResponse): void {
    const code = /security token/.test(message)
      ? 'InvalidClientTokenId'
      : /signature|expired/i.test(message)
        ? 'SignatureDoesNotMatch'
        : 'MissingAuthenticationToken';
    if (service === 'cloudformation') {
      res.writeHead(403, { 'content-type': 'text/xml' });
      return void res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    }
    res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': code });
    res.end(JSON.stringify({ __type: code, message }));
  }

  private cloudFormation(action: string, form: string, res: http.ServerResponse): void {
    const d = this.opts.platform;
    const name = new URLSearchParams(form).get('StackName') ?? '';
    if (action !== 'DescribeStacks' || name !== d.stackName) {
      res.writeHead(400, { 'content-type': 'text/xml' });
      return void res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xml(name)} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    }
    const outputs = Object.entries(d.outputs())
      .map(
        ([k, v]) =>
          `<member><OutputKey>${k}</OutputKey><OutputValue>${xml(this.local(v))}</OutputValue></member>`,
      )
      .join('');
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>` +
        `<StackName>${name}</StackName><StackId>${d.ref('AWS::StackId')}</StackId>` +
        `<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${outputs}</Outputs>` +
        `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  }

  /** Every alarm of both stacks as DescribeAlarms returns it, with its Region. */
  private alarms(): Alarm[] {
    const out: Alarm[] = [];
    const stacks = [
      { d: this.opts.platform, region: this.opts.platform.region },
      ...(this.opts.edge ? [{ d: this.opts.edge, region: 'us-east-1' }] : []),
    ];
    for (const { d, region } of stacks) {
      for (const [logicalId, r] of d.ofType('AWS::CloudWatch::Alarm')) {
        const p = (r.Properties ?? {}) as Json;
        const name =
          typeof p.AlarmName === 'string'
            ? p.AlarmName
            : `${d.stackName}-${logicalId}-${suffix(logicalId)}`.slice(0, 255);
        const field = (k: string) => {
          if (p[k] === undefined) return {};
          try {
            return { [k]: d.resolve(p[k]) };
          } catch {
            return {};
          }
        };
        out.push({
          region,
          body: {
            AlarmName: name,
            AlarmArn: `arn:aws:cloudwatch:${region}:${d.accountId}:alarm:${name}`,
            ...field('AlarmDescription'),
            ...field('MetricName'),
            ...field('Namespace'),
            ...field('Dimensions'),
            ...field('Statistic'),
            ...field('Period'),
            ...field('EvaluationPeriods'),
            ...field('Threshold'),
            ...field('ComparisonOperator'),
            ...field('TreatMissingData'),
            ...field('Metrics'),
            StateValue: this.alarmState,
            StateReason: 'local stand-in',
            StateUpdatedTimestamp: Math.floor(Date.now() / 1000),
          },
        });
      }
    }
    return out.map((a) => ({ ...a, body: this.alarmPatch(a.body) }));
  }

  private cloudWatch(action: string, region: string, body: string, res: http.ServerResponse): void {
    const input = (body ? JSON.parse(body) : {}) as Json;
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(payload));
    };
    if (action === 'DescribeAlarms') {
      const prefix = String(input.AlarmNamePrefix ?? '');
      const alarms = this.alarms().filter(
        (a) => a.region === region && String(a.body.AlarmName).startsWith(prefix),
      );
      return void send(200, { MetricAlarms: alarms.map((a) => a.body), CompositeAlarms: [] });
    }
    const published =
      region === this.opts.platform.region ? mediaLiveMetrics(this.opts.medialive?.() ?? []) : [];
    if (action === 'GetMetricData') {
      // One datapoint a minute per published series over the range asked (awsJson timestamps are
      // epoch seconds); a series nobody publishes answers no values, as CloudWatch does.
      const queries = (input.MetricDataQueries ?? []) as { Id: string; MetricStat?: { Metric?: Json } }[];
      const end = Number(input.EndTime);
      return void send(200, {
        MetricDataResults: queries.map((q) => {
          const found = published.some((m) => sameSeries(q.MetricStat?.Metric ?? {}, m));
          return {
            Id: q.Id,
            Label: String(q.MetricStat?.Metric?.MetricName ?? q.Id),
            Timestamps: found ? [Math.floor(end / 60) * 60] : [],
            Values: found ? [1] : [],
            StatusCode: 'Complete',
          };
        }),
        Messages: [],
      });
    }
    if (action === 'ListMetrics') {
      const want = (input.Dimensions ?? []) as { Name: string; Value?: string }[];
      const found = published.filter((m) => {
        if (input.Namespace !== undefined && m.Namespace !== input.Namespace) return false;
        if (input.MetricName !== undefined && m.MetricName !== input.MetricName) return false;
        return want.every((w) =>
          m.Dimensions.some((d) => d.Name === w.Name && (w.Value === undefined || d.Value === w.Value)),
        );
      });
      return void send(200, { Metrics: found });
    }
    send(400, { __type: 'UnknownOperationException', message: `${action} has no local stand-in` });
  }

  private mediaPackage(action: string, query: URLSearchParams, res: http.ServerResponse): void {
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (action !== 'GET /origin_endpoints')
      return void send(404, { message: `${action} has no local stand-in` });
    const d = this.opts.platform;
    const endpoints = d.mediaPackageEndpoints().map((ep) => {
      const p = (d.resource(ep.logicalId).Properties ?? {}) as Json;
      const base = `https://${ep.host}/out/v1/${ep.pathId}`;
      return {
        id: ep.id,
        arn: d.getAtt(ep.logicalId, 'Arn'),
        channelId: d.resolveString(p.ChannelId),
        ...(p.Description !== undefined ? { description: d.resolveString(p.Description) } : {}),
        manifestName: ep.manifestName,
        ...(ep.format === 'cmaf'
          ? {
              url: '',
              cmafPackage: {
                hlsManifests: ep.hlsManifests.map((m) => ({
                  id: m.id,
                  manifestName: m.manifestName,
                  url: this.local(`${base}/${m.id}/${m.manifestName}.m3u8`),
                })),
              },
            }
          : { url: this.local(d.getAtt(ep.logicalId, 'Url')) }),
      };
    });
    // ListOriginEndpoints' channelId query parameter: only that channel's endpoints.
    const channelId = query.get('channelId');
    send(200, { originEndpoints: endpoints.filter((e) => channelId === null || e.channelId === channelId) });
  }
}
