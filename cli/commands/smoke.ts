import { createHash, randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { IngestProtocol } from '../../lambda/shared/contract';
import { type BitrateClass, hourlyCost, PRICES, type Resolution, runCost } from '../../lib/media/estimate';
import { authOf, bare, walkFormat, withoutSession } from '../check';
import type { Context } from '../context';
import { pollMs, sleep } from '../context';
import { ChannelOutput, channelOutput } from '../deployment';
import { CliError, ExitCode } from '../errors';
import { httpRequest } from '../http';
import { glassToGlass, latencyModel } from '../latency';
import { encoderSettings } from '../media/encoder';
import { Push } from '../media/push';
import { requireTool, toolPath } from '../media/tools';
import { credentialsOf, FORMATS, type IngestDetails, isSrt } from '../model';
import {
  channelAction,
  channelStatus,
  createClip,
  ingestDetails,
  listChannels,
  rotateKey,
  waitForState,
} from '../operator';
import { duration } from '../output';
import { createSession, manifestUrl } from '../session';
import {
  alarmMetrics,
  channelAlarms,
  directOriginStatuses,
  expectedAlarms,
  medialiveChannelIdOf,
  metricLabel,
  metricsWithoutData,
  originEndpoints,
  recentlyListed,
  type StepResult,
  wronglyDimensioned,
} from '../smoke';
import { waitForClip } from './clip';
import type { Run } from './common';
import { pickTargets } from './ingest';

/**
 * How long one step may wait (for RUNNING, live, segments, metrics, the clip), at most: its own
 * limit, or ONAIR_SMOKE_STEP_SECONDS when that is set and shorter (a local test bed answers in
 * seconds). The budget bounds every wait too, except the final stop's.
 */
export function stepLimitMs(defaultMs: number): number {
  const s = Number(process.env.ONAIR_SMOKE_STEP_SECONDS ?? '');
  return Number.isFinite(s) && s > 0 ? Math.min(defaultMs, s * 1000) : defaultMs;
}

/**
 * What the run cost, from the channel's status (class, ladder, and the InputSpecification the
 * status route reports as `encoding.input`; MediaLive bills the input by it) and the input type.
 * A channel that was already running is billed for the run's own minutes, without the 10-minute
 * minimum its start paid.
 */
export function smokeCost(
  status: ChannelView,
  run: { inputType?: string; minutes: number; wasRunning: boolean },
): ReturnType<typeof runCost> {
  const input = status.encoding?.input;
  const hourly = hourlyCost({
    channelClass: status.channelClass === 'STANDARD' ? 'STANDARD' : 'SINGLE_PIPELINE',
    inputType:
      run.inputType === IngestProtocol.SRT_LISTENER ? IngestProtocol.SRT_LISTENER : IngestProtocol.RTMP_PUSH,
    inputResolution: (input?.resolution ?? 'HD') as Resolution,
    inputMaximumBitrate: (input?.maximumBitrate ?? 'MAX_10_MBPS') as BitrateClass,
    framerate: encoderSettings(status).framerate,
    renditions: (status.ladder ?? []).map((r) => ({
      height: r.height ?? 720,
      maxBitrateKbps: r.maxBitrateKbps ?? 3000,
    })),
  });
  return runCost(hourly, run.minutes, run.wasRunning ? 0 : undefined);
}

/** A digest of the channel's ingest credentials: compared, never printed. */
function credentialHash(d: IngestDetails): string {
  return createHash('sha256').update(credentialsOf(d).join('\n')).digest('hex');
}

/** Thrown by a step: its message is the detail, `remedy` what to do. */
class StepFailed extends Error {
  constructor(
    message: string,
    readonly remedy: string,
  ) {
    super(message);
  }
}

export function register(program: Command, run: Run): void {
  program
    .command('smoke')
    .description(
      'first-deploy acceptance test: start, push, play every format, refusals, latency, clip, key rotation, alarms, stop',
    )
    .option('--channel <channel>', 'channel to test (default: the first one)')
    .option('--keep-running', 'leave the channel running at the end')
    .option('--budget-minutes <n>', 'give up (and stop the channel) after this many minutes', '20')
    .option('--token <jwt>', 'viewer token, for a channel with jwt viewer auth')
    .option('--clip-seconds <n>', 'length of the test clip', '30')
    .action((o: SmokeOptions) => run((ctx) => smoke(ctx, o)));
}

interface SmokeOptions {
  readonly channel?: string;
  readonly keepRunning?: boolean;
  readonly budgetMinutes: string;
  readonly token?: string;
  readonly clipSeconds: string;
}

async function smoke(ctx: Context, o: SmokeOptions): Promise<void> {
  const started = Date.now();
  const budget = Number(o.budgetMinutes);
  const clipSeconds = Number(o.clipSeconds);
  if (!(budget > 0))
    throw new CliError(`--budget-minutes must be a number > 0, got "${o.budgetMinutes}"`, ExitCode.USAGE);
  if (!(clipSeconds >= 1 && clipSeconds <= 3600))
    throw new CliError(`--clip-seconds must be from 1 to 3600, got "${o.clipSeconds}"`, ExitCode.USAGE);
  const deadline = started + budget * 60_000;
  const left = () => Math.max(0, deadline - Date.now());
  /** A step's wait: its own limit (see stepLimitMs) within what is left of the budget. */
  const limit = (ms: number) => Math.min(left(), stepLimitMs(ms));
  const results: StepResult[] = [];
  const say = (r: StepResult) => {
    results.push(r);
    ctx.out.line(
      `${r.skipped ? 'SKIP' : r.ok ? 'PASS' : 'FAIL'}  ${r.step.padEnd(14)} ${r.detail}${r.remedy && !r.ok ? `\n      → ${r.remedy}` : ''}`,
    );
  };
  const step = async (
    name: string,
    fn: () => Promise<string>,
    opts: { needs?: string[] } = {},
  ): Promise<boolean> => {
    const failed = (opts.needs ?? []).filter((n) => !results.find((r) => r.step === n)?.ok);
    if (failed.length > 0) {
      say({
        step: name,
        ok: false,
        skipped: true,
        detail: `skipped: ${failed.join(', ')} did not pass`,
        ms: 0,
      });
      return false;
    }
    const t0 = Date.now();
    try {
      const detail = await fn();
      say({ step: name, ok: true, detail, ms: Date.now() - t0 });
      return true;
    } catch (err) {
      const remedy = err instanceof StepFailed ? err.remedy : undefined;
      const msg = err instanceof Error ? err.message : String(err);
      say({ step: name, ok: false, detail: msg, remedy, ms: Date.now() - t0 });
      return false;
    } finally {
      ctx.out.endProgress();
    }
  };

  const ffmpeg = requireTool('ffmpeg', 'smoke (push-test)');
  const d = await ctx.deploymentInfo();
  const api = await ctx.api();
  const creds = await ctx.credentials();
  const aws = { region: d.region, credentials: async () => creds, profile: ctx.opts.profile };
  let id = o.channel ?? '';
  let view: ChannelView | undefined;
  let startedAt: number | undefined;
  /** The channel was running before this run: only the run's own minutes are its cost. */
  let wasRunning = false;
  let inputType: string | undefined;
  let stoppedAt: number | undefined;
  /** The credential's hash when rotate-live left a rotation pending (never the credential itself). */
  let pendingFrom: string | undefined;
  let push: Push | undefined;
  let pushStartedAt = 0;

  ctx.out.line(`onair smoke: ${d.stackName} in ${d.region}, budget ${o.budgetMinutes} min`);
  await step('api-iam', async () => {
    const channels = await listChannels(api);
    id ||= channels[0]?.channelId ?? '';
    view = channels.find((c) => c.channelId === id);
    if (view === undefined)
      throw new StepFailed(
        `no channel "${id}" (channels: ${channels.map((c) => c.channelId).join(', ')})`,
        'pass --channel with one of them',
      );
    const unsigned = await httpRequest(api.url('/channels'));
    if (unsigned.status !== 403)
      throw new StepFailed(
        `an unsigned GET /channels answered ${unsigned.status}, not 403`,
        'the operator routes must use AWS_IAM authorization: check lib/constructs/control-api.ts and redeploy',
      );
    return `signed GET /channels: ${channels.length} channel(s); unsigned: 403`;
  });
  if (view === undefined) return await finish();
  const ch = view as ChannelView;
  const settings = encoderSettings(ch);

  await step(
    'start',
    async () => {
      const r = await channelAction(api, id, 'start');
      startedAt = r.body.changed ? Date.now() : startedAt;
      await waitForState(api, ctx.out, id, 'RUNNING', limit(10 * 60_000));
      if (startedAt === undefined) {
        wasRunning = true;
        startedAt = started;
      }
      return `${r.body.previousState} → RUNNING`;
    },
    {},
  ).catch(() => false);

  await step(
    'push-test',
    async () => {
      const details = await ingestDetails(api, id);
      inputType = details.protocol ?? 'RTMP_PUSH';
      const targets = pickTargets(details, details.endpoints.length > 1 ? 'both' : 'a');
      pushStartedAt = Date.now();
      push = new Push(ffmpeg, {
        settings,
        targets,
        seconds: Math.ceil(left() / 1000) + 60,
        startEpochSeconds: pushStartedAt / 1000,
        label: `OnAir smoke ${id}`,
      });
      const early = await Promise.race([push.done, sleep(5000).then(() => undefined)]);
      if (early !== undefined)
        throw new StepFailed(
          `ffmpeg stopped at once (exit ${early.code}): ${early.log.split('\n').slice(-2).join(' | ')}`,
          'is your address inside channels[].input.allowedCidrs? does `onair ingest` show a server?',
        );
      return `pushing ${settings.width}x${settings.height} ${settings.framerate} fps, GOP ${settings.keyframeSeconds} s to ${targets.length} endpoint(s)`;
    },
    { needs: ['start'] },
  );

  await step(
    'live',
    async () => {
      const t0 = Date.now();
      for (;;) {
        const v = await channelStatus(api, id);
        if (v.live && v.liveSince)
          return `live since ${v.liveSince} (status record from the state-change event)`;
        if (Date.now() - t0 > limit(3 * 60_000))
          throw new StepFailed(
            `status still says ${v.live ? 'live without liveSince' : 'offline'} (open alerts: ${(v.openAlerts ?? []).map((a) => a.type).join(', ') || 'none'})`,
            'the health function records state changes from EventBridge: check its logs and the MediaLive alerts (`onair status`)',
          );
        ctx.out.progress(`waiting for ${id} to be live (${duration(Date.now() - t0)})`);
        await sleep(pollMs(5));
      }
    },
    { needs: ['push-test'] },
  );

  const session = await createSession(d, api, id, { token: o.token }, ch).catch((err: Error) => err);
  let hlsEdge: { segment?: number; picture?: number; timestamp?: number } = {};
  for (const format of FORMATS) {
    await step(
      `play-${format}`,
      async () => {
        if (session instanceof Error)
          throw new StepFailed(`no viewer session: ${session.message}`, 'see `onair play` for the same call');
        const s = session.urls[format]
          ? session
          : await createSession(d, api, id, { token: o.token, format }, ch);
        const url = manifestUrl(s, format);
        // Wait for the first segments: MediaPackage publishes once a few segments are packaged.
        const t0 = Date.now();
        for (;;) {
          const byCookie = await walkFormat(format, url, authOf(s, format, 'cookie'), {
            ffmpeg: format === 'hls' ? toolPath('ffmpeg') : undefined,
          });
          const bySigned = await walkFormat(format, url, authOf(s, format, 'signed'));
          const problems = [...byCookie.problems, ...bySigned.problems];
          if (problems.length === 0) {
            if (format === 'hls')
              hlsEdge = {
                segment: byCookie.segmentSeconds,
                picture: byCookie.liveEdgeByPictureSeconds,
                timestamp: byCookie.liveEdgeByTimestampSeconds,
              };
            return `${byCookie.renditions.length} rendition(s), newest segments 200 with cookies and with the signed URL`;
          }
          if (Date.now() - t0 > limit(90_000) || problems.some((p) => / 403/.test(p)))
            throw new StepFailed(
              problems.slice(0, 3).join('; '),
              problems.some((p) => / 403/.test(p))
                ? 'CloudFront refused a signed session: check the key group and the behavior (docs/first-deploy-checks.md); `onair check` shows every request'
                : 'the origin serves nothing: is the stream arriving (`onair status`, MediaLive alerts)? MediaPackage needs a few segments first',
            );
          ctx.out.progress(`${format}: waiting for segments (${duration(Date.now() - t0)})`);
          await sleep(pollMs(4));
        }
      },
      { needs: ['live'] },
    );
  }

  await step('no-session', async () => {
    if (session instanceof Error) throw new StepFailed('no viewer session', 'see play-hls');
    const url = manifestUrl(session, 'hls');
    const r = await withoutSession(url);
    if (!r.refused)
      throw new StepFailed(
        `the manifest without a session answered ${r.status}, not 403`,
        'the live behavior must trust the key group (lib/constructs/delivery.ts); redeploy',
      );
    return `${bare(url).replace(/^https:\/\/[^/]+/, '')} without a session: 403`;
  });

  await step(
    'unrouted-404',
    async () => {
      if (session instanceof Error) throw new StepFailed('no viewer session', 'see play-hls');
      const url = manifestUrl(session, 'hls');
      // A file name the live router does not route, inside the session's signed path (a session is
      // scoped to its endpoint's /out/v1/<id>/, so an unknown endpoint id is CloudFront's 403, not
      // the router's): the viewer-request function answers 404 itself, without an origin request.
      const unrouted = new URL(url);
      unrouted.pathname = unrouted.pathname.replace(
        /[^/]+$/,
        `~onair-smoke-${randomBytes(8).toString('hex')}.m3u8`,
      );
      const probe = await httpRequest(unrouted.toString()).catch(() => ({ status: 0 }));
      if (probe.status !== 404)
        throw new StepFailed(
          `a path the live router does not route, signed, answered ${probe.status || 'nothing'}, not 404`,
          "the live behavior's viewer-request function must answer 404 for anything it does not route (lib/constructs/delivery/functions/live-router.ts); redeploy",
        );
      return `${bare(unrouted.toString()).replace(/^https:\/\/[^/]+/, '')}, signed: 404 at the edge`;
    },
    { needs: ['play-hls'] },
  );

  await step('origin-direct', async () => {
    const endpoints = await originEndpoints(aws, d, id);
    if (endpoints.length === 0)
      throw new StepFailed(
        `no MediaPackage endpoints found for ${id}`,
        'your credentials need mediapackage:ListOriginEndpoints (docs/cli.md#permissions)',
      );
    const statuses = await directOriginStatuses(endpoints);
    const unreachable = statuses.filter((s) => s.status === 0);
    if (unreachable.length > 0)
      throw new StepFailed(
        `unreachable (no HTTP answer): ${unreachable.map((s) => bare(s.url)).join(', ')}`,
        'the MediaPackage endpoint did not answer at all: check your network (a proxy or firewall), then the endpoint in the MediaPackage console',
      );
    const open = statuses.filter((s) => s.status !== 403);
    if (open.length > 0)
      throw new StepFailed(
        `served without the CDN header: ${open.map((s) => `${s.status} ${bare(s.url)}`).join(', ')}`,
        'every endpoint needs CDN authorization (lib/constructs/channel/packaging.ts); redeploy',
      );
    return `${statuses.length} MediaPackage manifest(s) without the CDN identifier header: 403`;
  });

  await step(
    'latency',
    async () => {
      const seg = hlsEdge.segment;
      const edge = hlsEdge.picture ?? hlsEdge.timestamp;
      if (seg === undefined || edge === undefined)
        throw new StepFailed('no live edge measured', 'see play-hls');
      const model = latencyModel(settings.keyframeSeconds, seg);
      const measured = glassToGlass(edge, seg);
      const text = `measured ~${measured.toFixed(1)} s glass-to-glass (${hlsEdge.picture !== undefined ? 'picture clock' : 'program date-time'}); model with ${seg} s segments ~${model.served.expected} s, up to ${model.served.worst} s${model.summary ? `; synth summary (${model.mode}) ~${model.summary.expected} s` : ''}`;
      if (measured > model.served.worst)
        throw new StepFailed(
          text,
          'slower than the model: check the encoder keyframe interval (`onair ingest`), CloudFront caching of manifests, and MediaPackage segment length (#EXT-X-TARGETDURATION)',
        );
      return text;
    },
    { needs: ['play-hls'] },
  );

  await step(
    'clip',
    async () => {
      const wait = pushStartedAt + (clipSeconds + 5) * 1000 - Date.now();
      if (wait > 0) {
        ctx.out.progress(`clip: letting ${clipSeconds} s of stream accumulate`);
        await sleep(wait);
      }
      const now = new Date();
      const clip = await createClip(api, id, {
        start: new Date(now.getTime() - clipSeconds * 1000).toISOString(),
        end: now.toISOString(),
      });
      const done = await waitForClip(api, ctx.out, id, clip, limit(10 * 60_000));
      if (done.status !== 'SUCCEEDED')
        throw new StepFailed(
          `clip ${done.clipId} ${done.status}`,
          'MediaPackage harvest failed: check the harvest role and the archive bucket policy (docs/archive-and-clips.md)',
        );
      return `${clipSeconds} s clip ${done.clipId} SUCCEEDED → ${done.manifest ?? ''}`;
    },
    { needs: ['live'] },
  );

  await step(
    'metrics',
    async () => {
      const alarms = (await channelAlarms(aws, d.stage, id)).channel;
      const ml = medialiveChannelIdOf(alarms) ?? channelOutput(d, ChannelOutput.MEDIALIVE_CHANNEL_ID, id);
      if (ml === undefined)
        throw new StepFailed(
          `no alarm of ${id} names its MediaLive channel (and the stack has no channel output)`,
          'deploy both stacks of this version (npx cdk deploy --all)',
        );
      const expected = alarmMetrics(alarms).filter((m) => m.dimensions.ChannelId === ml);
      if (expected.length === 0)
        throw new StepFailed(
          `no alarm of ${id} reads a MediaLive metric of channel ${ml}`,
          'deploy both stacks of this version (npx cdk deploy --all)',
        );
      // This run's datapoints only (from when it started the channel, at most 15 min back), so an
      // earlier run's data does not pass; MediaLive publishes its metrics once a minute.
      const since = new Date(Math.max(startedAt ?? 0, Date.now() - 15 * 60_000));
      const t0 = Date.now();
      const wait = limit(5 * 60_000);
      for (;;) {
        const missing = await metricsWithoutData(aws, expected, since);
        if (missing.length === 0)
          return `${expected.length} MediaLive metrics the alarms read have datapoints since ${since.toISOString()} (GetMetricData, the alarms' dimensions)`;
        if (Date.now() - t0 >= wait) {
          const wrong = wronglyDimensioned(missing, expected, await recentlyListed(aws, ml));
          if (wrong.length > 0)
            throw new StepFailed(
              `no datapoints for ${wrong.map((w) => `${metricLabel(w.metric)}, but CloudWatch has ${w.published.map(metricLabel).join(', ')}`).join('; ')}`,
              'an alarm reads dimensions MediaLive does not publish and will never fire: fix the metric in lib/constructs/channel/transcode.ts (lib/constructs/operations/alarms.ts) and redeploy',
            );
          throw new StepFailed(
            `no datapoints yet after ${duration(Date.now() - t0)} for: ${missing.map(metricLabel).join(', ')}`,
            "MediaLive publishes each metric once a minute while the channel runs, and a new channel's first datapoints can take minutes to reach CloudWatch: the data is not there yet, which says nothing against the alarms; run smoke again (--budget-minutes for a longer wait) or watch the metric in the CloudWatch console",
          );
        }
        ctx.out.progress(`metrics: waiting for ${missing.length} (${duration(Date.now() - t0)})`);
        await sleep(Math.min(pollMs(15), Math.max(0, wait - (Date.now() - t0))));
      }
    },
    { needs: ['live'] },
  );

  await step(
    'rotate-live',
    async () => {
      const before = await ingestDetails(api, id);
      const r = await rotateKey(api, id);
      const after = await ingestDetails(api, id);
      if (r.rotated)
        throw new StepFailed(
          'the key rotated while the channel was live',
          'a live rotation must answer 409 pending (lambda/shared/stream-key.ts)',
        );
      const same = credentialHash(before) === credentialHash(after);
      if (!same) throw new StepFailed('409, but the key changed', 'the rotation must wait for IDLE');
      pendingFrom = credentialHash(after);
      const push409 =
        push !== undefined &&
        (await Promise.race([push.done.then(() => false), sleep(100).then(() => true)]));
      return `409 pending, key unchanged${push409 ? ', the push still runs' : ''}; the new key applies at the next stop (then \`onair ingest ${id}\`)`;
    },
    { needs: ['start'] },
  );

  await step('alarms', async () => {
    const { channel, cdn } = await channelAlarms(aws, d.stage, id);
    const want = expectedAlarms(ch.channelClass === 'STANDARD' ? 2 : 1);
    const notOk = [...channel, ...cdn].filter((a) => a.StateValue !== 'OK');
    if (channel.length < want || cdn.length < 2 || notOk.length > 0)
      throw new StepFailed(
        `${channel.length}/${want} channel alarms, ${cdn.length} CDN alarms${notOk.length ? `; not OK: ${notOk.map((a) => `${a.AlarmName} ${a.StateValue}`).join(', ')}` : ''}`,
        notOk.length
          ? 'read the alarm reason in the CloudWatch console; INSUFFICIENT_DATA right after a deploy turns OK within minutes'
          : 'deploy both stacks (npx cdk deploy --all)',
      );
    return `${channel.length} channel alarms and ${cdn.length} CDN alarms, all OK`;
  });

  if (push !== undefined) await (push as Push).stop();
  if (o.keepRunning)
    say({
      step: 'stop',
      ok: true,
      skipped: true,
      detail: '--keep-running: the channel keeps running (and billing)',
      ms: 0,
    });
  else
    await step('stop', async () => {
      const r = await channelAction(api, id, 'stop');
      await waitForState(api, ctx.out, id, 'IDLE', Math.max(left(), stepLimitMs(5 * 60_000)));
      stoppedAt = Date.now();
      if (pendingFrom === undefined) return `${r.body.previousState} → IDLE`;
      // The stream-key function applies a pending rotation when MediaLive's state-change event
      // says the channel stopped (an EventBridge rule): it lands seconds after IDLE.
      const t0 = Date.now();
      for (;;) {
        const now = await ingestDetails(api, id);
        if (credentialHash(now) !== pendingFrom)
          return `${r.body.previousState} → IDLE; the rotation requested while live ran (new ${isSrt(now) ? 'passphrase' : 'key'}: \`onair ingest ${id}\`)`;
        if (Date.now() - t0 > stepLimitMs(60_000))
          throw new StepFailed(
            `${r.body.previousState} → IDLE, but the rotation requested while live did not run within ${duration(Date.now() - t0)}${now.rotationPending ? ' (still pending)' : ''}`,
            "the stream-key function applies it on MediaLive's state change to STOPPED: check the StreamKeys ChannelStateRule (EventBridge, MediaLive Channel State Change) targets it and may invoke it, and the function's logs (lib/constructs/stream-keys/stream-keys.ts); `onair rotate-key` rotates by hand while idle",
          );
        ctx.out.progress(`stop: waiting for the pending rotation (${duration(Date.now() - t0)})`);
        await sleep(pollMs(2));
      }
    });
  return await finish();

  async function finish(): Promise<void> {
    const minutes = startedAt === undefined ? 0 : ((stoppedAt ?? Date.now()) - startedAt) / 60_000;
    let cost: ReturnType<typeof smokeCost> | undefined;
    let costNote = '';
    if (view && startedAt !== undefined) {
      // GET /channels has no encoding: the status route reads the channel's InputSpecification.
      const status = await channelStatus(api, id).catch(() => undefined);
      if (status?.encoding?.input === undefined) costNote = ' (input class unknown: HD ≤10 Mbit/s assumed)';
      cost = smokeCost({ ...view, ...status }, { inputType, minutes, wasRunning });
      if (wasRunning)
        costNote += `; the channel was already running: this run's ${Math.ceil(minutes)} min only, no 10-min minimum`;
    }
    const failed = results.filter((r) => !r.ok && !r.skipped);
    const summary = {
      channelId: id,
      passed: failed.length === 0 && results.length > 0,
      steps: results,
      runningMinutes: Math.round(minutes * 10) / 10,
      ...(cost
        ? {
            costUsd: {
              ...cost,
              ...(wasRunning ? { thisRunOnly: true } : {}),
              rates: `${PRICES.source} (compiled ${PRICES.compiled}${PRICES.verified ? '' : ', unverified'})`,
            },
          }
        : {}),
      elapsed: duration(Date.now() - started),
    };
    ctx.out.result(summary, () => [
      cost
        ? `cost: ~$${cost.totalUsd.toFixed(2)} (MediaLive ${cost.billedMinutes} billed min $${cost.medialiveUsd.toFixed(2)}${wasRunning ? '' : ', 10-min minimum'}; MediaPackage ingest $${cost.mediapackageUsd.toFixed(2)}; CDN extra) at lib/media/prices.json rates${costNote}`
        : 'cost: the channel was not started by this run',
      `${summary.passed ? 'smoke PASSED' : `smoke FAILED: ${failed.map((f) => f.step).join(', ')}`} in ${summary.elapsed}`,
    ]);
    if (!summary.passed)
      throw new CliError(
        `smoke failed at ${failed.map((f) => f.step).join(', ') || 'the start'}`,
        ExitCode.FAILED,
        { reported: true },
      );
  }
}

type ChannelView = import('../model').ChannelView;
