import type { Command } from 'commander';
import { CliError, ExitCode } from '../errors';
import { describeSettings, encoderSettings, writeObsProfile } from '../media/encoder';
import { Push, type PushTarget, rtmpTarget, srtTarget } from '../media/push';
import { requireTool } from '../media/tools';
import { type IngestDetails, isSrt, type SrtEndpoint } from '../model';
import { channelStatus, ingestDetails, rotateKey } from '../operator';
import { duration, maskKey } from '../output';
import type { Run } from './common';

const endpointName = (i: number) => (i === 0 ? 'A' : 'B');

/** An srt:// URL with its passphrase replaced by `hidden` (the URL's other settings kept). */
export function maskSrtUrl(url: string, passphrase: string, hidden = '<hidden>'): string {
  return url.split(encodeURIComponent(passphrase)).join(hidden);
}

const AES_LABEL: Readonly<Record<string, string>> = {
  AES128: 'AES-128',
  AES192: 'AES-192',
  AES256: 'AES-256',
};

function srtLines(e: SrtEndpoint, reveal: boolean): string[] {
  return [
    `  URL          ${e.url ? (reveal ? e.url : maskSrtUrl(e.url, e.passphrase)) : '(MediaLive reports no address)'}`,
    '               OBS: Settings → Stream → Service Custom…, Server = this URL, Stream Key empty',
    `  Address      ${e.host ?? '?'}, UDP port ${e.port ?? '?'} (mode caller)`,
    `  Passphrase   ${reveal ? e.passphrase : maskKey(e.passphrase)}`,
    `  Encryption   ${e.encryption ? `${AES_LABEL[e.encryption] ?? e.encryption} (pbkeylen ${e.pbkeylen})` : '(not reported)'}`,
    `  Latency      ${e.latencyMs !== undefined ? `${e.latencyMs} ms` : '(not reported)'}`,
    ...(e.streamId !== undefined ? [`  Stream ID    ${e.streamId}`] : []),
  ];
}

function endpointLines(d: IngestDetails, reveal: boolean): string[] {
  if (isSrt(d))
    return d.endpoints.flatMap((e, i) => [`endpoint ${endpointName(i)} (SRT)`, ...srtLines(e, reveal)]);
  return d.endpoints.flatMap((e, i) => [
    `endpoint ${endpointName(i)}`,
    `  Server       ${e.server ?? '(MediaLive reports no address)'}`,
    `  Stream Key   ${reveal ? e.streamKey : maskKey(e.streamKey)}`,
  ]);
}

/** The ingest details with every stream key or passphrase masked (unless `reveal`), for printing. */
function shownDetails(d: IngestDetails, reveal: boolean): IngestDetails {
  if (reveal) return d;
  if (isSrt(d))
    return {
      ...d,
      endpoints: d.endpoints.map((e) => ({
        ...e,
        ...(e.url !== undefined ? { url: maskSrtUrl(e.url, e.passphrase) } : {}),
        passphrase: maskKey(e.passphrase),
      })),
    };
  return { ...d, endpoints: d.endpoints.map((e) => ({ ...e, streamKey: maskKey(e.streamKey) })) };
}

/** Which endpoints a push goes to: a, b or both (B exists on STANDARD channels). */
export function pickTargets(d: IngestDetails, which: string): PushTarget[] {
  const all: PushTarget[] = isSrt(d)
    ? d.endpoints.map((e, i) => {
        if (e.url === undefined)
          throw new CliError(
            `endpoint ${endpointName(i)} of ${d.channelId} has no SRT address`,
            ExitCode.FAILED,
          );
        return srtTarget(e.url, e.passphrase);
      })
    : d.endpoints.map((e, i) => {
        if (e.server === undefined)
          throw new CliError(
            `endpoint ${endpointName(i)} of ${d.channelId} has no RTMP address`,
            ExitCode.FAILED,
          );
        return rtmpTarget(e.server, e.streamKey);
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
      'what an encoder needs: RTMP server and stream key, or the srt:// URL and SRT settings, per endpoint, and encoder settings matching the ladder',
    )
    .argument('<channel>', 'channel id')
    .option('--reveal', 'show the stream keys or SRT passphrases (they are masked otherwise)')
    .option('--obs <dir>', 'write an OBS profile (service.json, basic.ini, streamEncoder.json) into <dir>')
    .action((id: string, o: { reveal?: boolean; obs?: string }) =>
      run(async (ctx) => {
        const api = await ctx.api();
        const [details, view] = await Promise.all([ingestDetails(api, id), channelStatus(api, id)]);
        const settings = encoderSettings(view);
        const files = o.obs ? writeObsProfile(o.obs, id, details, settings) : [];
        const shown = shownDetails(details, o.reveal === true);
        const credential = isSrt(details) ? 'passphrase' : 'key';
        ctx.out.result(
          { ...shown, encoder: settings, ...(files.length ? { obsProfile: files } : {}) },
          () => [
            `channel ${id} (${details.state})${isSrt(details) ? ', SRT listener' : ''}${details.rotationPending ? ` — a ${credential} rotation is pending: it applies when the channel stops` : ''}`,
            ...(details.inconsistent
              ? [
                  isSrt(details)
                    ? '  the SRT input names another secret than the channel passphrase: redeploy'
                    : '  the input and the stored key disagree (interrupted rotation): `onair rotate-key` while idle repairs it',
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
                  `OBS profile written to ${o.obs} (Profile → Import; it holds the stream ${credential === 'key' ? 'key' : 'passphrase'}, readable only by you): ${files.map((f) => f.split('/').pop()).join(', ')}`,
                ]
              : []),
          ],
        );
      }),
    );

  program
    .command('rotate-key')
    .description(
      'rotate the stream key (the passphrase on SRT channels): now if the channel is idle, else pending until it stops',
    )
    .argument('<channel>', 'channel id')
    .option('--reveal', 'show the new key or passphrase')
    .action((id: string, o: { reveal?: boolean }) =>
      run(async (ctx) => {
        const r = await rotateKey(await ctx.api(), id);
        if (r.rotated) {
          const shown = shownDetails(r.details, o.reveal === true);
          ctx.out.result({ rotated: true, ...shown }, () => [
            isSrt(r.details)
              ? `${id}: new SRT passphrase in place; the channel uses it from its next start. Update the encoder:`
              : `${id}: new stream key in place; the old one stopped working. Update OBS:`,
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
      "push a test stream (ffmpeg testsrc2, UTC clock, tone) at the ladder's top resolution to the channel (RTMP, or SRT on SRT channels)",
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
          endpoints: targets.map((t) => t.address),
          seconds: Math.round((Date.now() - start) / 1000),
          video: `${settings.width}x${settings.height} ${settings.framerate} fps, GOP ${settings.keyframeSeconds} s, ${settings.videoKbps} kbit/s`,
          exitCode: end.code,
        };
        if (end.code !== 0)
          throw new CliError(
            `push-test to ${targets.map((t) => t.address).join(' and ')} failed (ffmpeg exit ${end.code}): ${end.log.split('\n').slice(-3).join(' | ') || 'no message'}; is the channel RUNNING and your address in input.allowedCidrs?`,
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
