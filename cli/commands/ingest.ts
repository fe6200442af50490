import type { Command } from 'commander';
import { CliError, ExitCode } from '../errors';
import { describeSettings, encoderSettings, writeObsProfile } from '../media/encoder';
import { Push, type PushTarget } from '../media/push';
import { requireTool } from '../media/tools';
import type { IngestDetails } from '../model';
import { channelStatus, ingestDetails, rotateKey } from '../operator';
import { duration, maskKey } from '../output';
import type { Run } from './common';

const endpointName = (i: number) => (i === 0 ? 'A' : 'B');

function endpointLines(d: IngestDetails, reveal: boolean): string[] {
  return d.endpoints.flatMap((e, i) => [
    `endpoint ${endpointName(i)}`,
    `  Server       ${e.server ?? '(MediaLive reports no address)'}`,
    `  Stream Key   ${reveal ? e.streamKey : maskKey(e.streamKey)}`,
  ]);
}

/** Which endpoints a push goes to: a, b or both (B exists on STANDARD channels). */
export function pickTargets(d: IngestDetails, which: string): PushTarget[] {
  const all = d.endpoints.map((e, i) => {
    if (e.server === undefined)
      throw new CliError(
        `endpoint ${endpointName(i)} of ${d.channelId} has no RTMP address`,
        ExitCode.FAILED,
      );
    return { server: e.server, streamKey: e.streamKey };
  });
  if (which === 'both') return all;
  const i = which.toLowerCase() === 'b' ? 1 : 0;
  const t = all[i];
  if (t === undefined)
    throw new CliError(
      `channel ${d.channelId} has ${all.length} ingest endpoint(s); --endpoint ${which} does not exist (SINGLE_PIPELINE channels have only A)`,
      ExitCode.USAGE,
    );
  return [t];
}

export function register(program: Command, run: Run): void {
  program
    .command('ingest')
    .description(
      'what OBS needs: RTMP server and stream key per endpoint, and encoder settings matching the ladder',
    )
    .argument('<channel>', 'channel id')
    .option('--reveal', 'show the stream keys (they are masked otherwise)')
    .option('--obs <dir>', 'write an OBS profile (service.json, basic.ini, streamEncoder.json) into <dir>')
    .action((id: string, o: { reveal?: boolean; obs?: string }) =>
      run(async (ctx) => {
        const api = await ctx.api();
        const [details, view] = await Promise.all([ingestDetails(api, id), channelStatus(api, id)]);
        const settings = encoderSettings(view);
        const files = o.obs ? writeObsProfile(o.obs, id, details, settings) : [];
        const shown = {
          ...details,
          endpoints: details.endpoints.map((e) => ({
            ...e,
            streamKey: o.reveal ? e.streamKey : maskKey(e.streamKey),
          })),
        };
        ctx.out.result(
          { ...shown, encoder: settings, ...(files.length ? { obsProfile: files } : {}) },
          () => [
            `channel ${id} (${details.state})${details.rotationPending ? ' — a key rotation is pending: it applies when the channel stops' : ''}`,
            ...(details.inconsistent
              ? [
                  '  the input and the stored key disagree (interrupted rotation): `onair rotate-key` while idle repairs it',
                ]
              : []),
            ...endpointLines(details, o.reveal === true),
            ...(details.endpoints.length > 1
              ? ['push the same stream to A and B (STANDARD: one per pipeline)']
              : []),
            'encoder settings (OBS: Settings → Output, Advanced)',
            ...describeSettings(settings),
            ...(files.length
              ? [
                  `OBS profile written to ${o.obs} (Profile → Import; it holds the stream key, readable only by you): ${files.map((f) => f.split('/').pop()).join(', ')}`,
                ]
              : []),
          ],
        );
      }),
    );

  program
    .command('rotate-key')
    .description('rotate the stream key: now if the channel is idle, else pending until it stops')
    .argument('<channel>', 'channel id')
    .option('--reveal', 'show the new key')
    .action((id: string, o: { reveal?: boolean }) =>
      run(async (ctx) => {
        const r = await rotateKey(await ctx.api(), id);
        if (r.rotated) {
          const shown = r.details.endpoints.map((e) => ({
            ...e,
            streamKey: o.reveal ? e.streamKey : maskKey(e.streamKey),
          }));
          ctx.out.result({ rotated: true, ...r.details, endpoints: shown }, () => [
            `${id}: new stream key in place; the old one stopped working. Update OBS:`,
            ...endpointLines(r.details, o.reveal === true),
          ]);
        } else {
          ctx.out.result(
            { rotated: false, pending: true, state: r.state },
            () =>
              `${id}: rotation pending — the channel is ${r.state}, so nothing changed now; the new key applies when it next stops (then \`onair ingest ${id}\`)`,
          );
        }
      }),
    );

  program
    .command('push-test')
    .description(
      "push a test stream (ffmpeg testsrc2, UTC clock, tone) at the ladder's top resolution to the channel",
    )
    .argument('<channel>', 'channel id')
    .option('--seconds <n>', 'how long to push', '60')
    .option('--endpoint <which>', 'a, b or both (STANDARD channels have two)', 'a')
    .action((id: string, o: { seconds: string; endpoint: string }) =>
      run(async (ctx) => {
        const seconds = Number(o.seconds);
        if (!(seconds > 0))
          throw new CliError(`--seconds must be a positive number, got "${o.seconds}"`, ExitCode.USAGE);
        if (!/^(a|b|both)$/i.test(o.endpoint))
          throw new CliError(`--endpoint must be a, b or both, got "${o.endpoint}"`, ExitCode.USAGE);
        const ffmpeg = requireTool('ffmpeg', 'push-test');
        const api = await ctx.api();
        const [details, view] = await Promise.all([ingestDetails(api, id), channelStatus(api, id)]);
        if (view.state !== 'RUNNING')
          ctx.out.warn(
            `channel ${id} is ${view.state}: MediaLive accepts pushes only while it runs (\`onair start ${id} --wait\`)`,
          );
        const targets = pickTargets(details, o.endpoint);
        const settings = encoderSettings(view);
        const start = Date.now();
        const push = new Push(ffmpeg, {
          settings,
          targets,
          seconds,
          startEpochSeconds: start / 1000,
          label: `OnAir ${id}`,
        });
        const tick = setInterval(
          () => ctx.out.progress(`push-test ${id}: ${duration(Date.now() - start)} of ${seconds} s`),
          2000,
        );
        const end = await push.done.finally(() => clearInterval(tick));
        ctx.out.endProgress();
        const result = {
          channelId: id,
          endpoints: targets.map((t) => t.server),
          seconds: Math.round((Date.now() - start) / 1000),
          video: `${settings.width}x${settings.height} ${settings.framerate} fps, GOP ${settings.keyframeSeconds} s, ${settings.videoKbps} kbit/s`,
          exitCode: end.code,
        };
        if (end.code !== 0)
          throw new CliError(
            `push-test to ${targets.map((t) => t.server).join(' and ')} failed (ffmpeg exit ${end.code}): ${end.log.split('\n').slice(-3).join(' | ') || 'no message'}; is the channel RUNNING and your address in input.allowedCidrs?`,
            ExitCode.FAILED,
            result,
          );
        ctx.out.result(
          result,
          () => `${id}: pushed ${result.seconds} s of ${result.video} to ${result.endpoints.join(' and ')}`,
        );
      }),
    );
}
