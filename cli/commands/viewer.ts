import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import {
  authOf,
  type FormatReport,
  forgedSignature,
  otherChannel,
  type Refusal,
  walkFormat,
  withoutSession,
} from '../check';
import type { Context } from '../context';
import { CliError, ExitCode } from '../errors';
import { glassToGlass, latencyModel } from '../latency';
import { encoderSettings } from '../media/encoder';
import { hasTool, toolPath } from '../media/tools';
import { FORMATS, type Format } from '../model';
import { channelStatus, listChannels } from '../operator';
import { createSession, manifestUrl, playerUrlOf } from '../session';
import type { Run } from './common';

function parseFormat(f: string, all: boolean): Format[] {
  if (all && f === 'all') return [...FORMATS];
  if ((FORMATS as readonly string[]).includes(f)) return [f as Format];
  throw new CliError(
    `--format must be ${FORMATS.join(', ')}${all ? ' or all' : ''}, got "${f}"`,
    ExitCode.USAGE,
  );
}

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

const s1 = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(1)} s`);

export interface CheckResult {
  readonly channelId: string;
  readonly formats: readonly FormatReport[];
  readonly refusals: readonly Refusal[];
  readonly latency?: ReturnType<typeof latencyModel> & {
    readonly measuredSeconds?: number;
    readonly source?: string;
  };
  readonly problems: readonly string[];
}

/** `onair check`: session → manifests → renditions → newest segments, refusals, latency. */
export async function runCheck(
  ctx: Context,
  id: string,
  formats: readonly Format[],
  opts: { token?: string; continuity?: boolean } = {},
): Promise<CheckResult> {
  const d = await ctx.deploymentInfo();
  const api = await ctx.api();
  const [view, channels] = await Promise.all([channelStatus(api, id), listChannels(api).catch(() => [])]);
  const session = await createSession(d, api, id, { token: opts.token, format: formats[0] }, view);
  const ffmpeg = hasTool('ffmpeg') ? toolPath('ffmpeg') : undefined;
  const reports: FormatReport[] = [];
  for (const f of formats) {
    const s =
      f === formats[0] || session.urls[f]
        ? session
        : await createSession(d, api, id, { token: opts.token, format: f }, view);
    const url = manifestUrl(s, f);
    ctx.out.progress(`check ${id}: ${f}`);
    const r = await walkFormat(f, url, authOf(s, f, 'signed'), {
      ffmpeg,
      continuityAfterMs: opts.continuity === false ? undefined : 1000,
    });
    reports.push(r);
  }
  ctx.out.endProgress();
  const first = manifestUrl(session, formats[0]);
  const refusals = [await withoutSession(first), await forgedSignature(first)];
  const other = channels.find((c) => c.channelId !== id);
  if (other) {
    const os = await createSession(d, api, other.channelId, { format: formats[0] }, other).catch(
      () => undefined,
    );
    const ou = os?.urls[formats[0]];
    if (ou) refusals.push(await otherChannel(ou, session, formats[0]));
  }
  const problems = reports.flatMap((r) => r.problems);
  for (const r of refusals)
    if (!r.refused)
      problems.push(
        `a request ${r.what} was ${r.status >= 200 && r.status < 300 ? 'SERVED' : 'answered'} ${r.status}, not refused with 403`,
      );
  const settings = encoderSettings(view);
  const withEdge = reports.find((r) => r.segmentSeconds !== undefined);
  let latency: CheckResult['latency'];
  if (withEdge?.segmentSeconds !== undefined) {
    const model = latencyModel(settings.keyframeSeconds, withEdge.segmentSeconds);
    const edge = withEdge.liveEdgeByPictureSeconds ?? withEdge.liveEdgeByTimestampSeconds;
    latency = {
      ...model,
      ...(edge !== undefined
        ? {
            measuredSeconds: glassToGlass(edge, withEdge.segmentSeconds),
            source:
              withEdge.liveEdgeByPictureSeconds !== undefined
                ? 'picture clock (push-test)'
                : 'program date-time',
          }
        : {}),
    };
  }
  return { channelId: id, formats: reports, refusals, latency, problems };
}

export function checkLines(r: CheckResult): string[] {
  const lines: string[] = [];
  for (const f of r.formats) {
    lines.push(
      `${f.format.toUpperCase()}  manifest ${f.manifestStatus}${f.manifestCacheAgeSeconds !== undefined ? ` (cached ${f.manifestCacheAgeSeconds} s)` : ''}, live edge ${s1(f.liveEdgeByTimestampSeconds)} behind by timestamps${f.liveEdgeByPictureSeconds !== undefined ? `, ${s1(f.liveEdgeByPictureSeconds)} by the picture clock` : ''}`,
    );
    for (const x of f.renditions)
      lines.push(
        `  ${x.name.padEnd(16)} ${x.bandwidth ? `${Math.round(x.bandwidth / 1000)} kbit/s declared` : ''.padEnd(8)}  playlist ${x.playlistStatus}  segment ${x.segmentStatus ?? '-'}${x.segmentKbps ? ` (${x.segmentKbps} kbit/s)` : ''}  seq ${x.firstSequence ?? '?'}-${x.lastSequence ?? '?'}${x.continuous === true ? ' continuous' : x.continuous === false ? ` ${x.note}` : ''}`,
      );
  }
  for (const x of r.refusals)
    lines.push(`refused ${x.what}: ${x.refused ? 'yes (403)' : `NO (${x.status})`}`);
  if (r.latency) {
    const l = r.latency;
    lines.push(
      `latency  ${l.measuredSeconds !== undefined ? `measured ~${s1(l.measuredSeconds)} glass-to-glass (${l.source}, player ${3} segments behind)` : 'not measured'}; model with the served ${l.served.segment} s segments: ~${l.served.expected} s (up to ${l.served.worst} s)${l.summary ? `; synth summary (${l.mode}): ~${l.summary.expected} s (up to ${l.summary.worst} s)` : ''}`,
    );
  }
  lines.push(
    r.problems.length === 0
      ? 'check passed'
      : `check FAILED:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  return lines;
}

export function register(program: Command, run: Run): void {
  program
    .command('play')
    .description('create a viewer session: the player URL and a signed manifest URL')
    .argument('<channel>', 'channel id')
    .option('--format <format>', 'hls, dash or cmaf', 'hls')
    .option('--token <jwt>', 'viewer token, for channels with jwt viewer auth')
    .option('--open', 'open the demo player in your browser')
    .action((id: string, o: { format: string; token?: string; open?: boolean }) =>
      run(async (ctx) => {
        const [format] = parseFormat(o.format, false);
        const d = await ctx.deploymentInfo();
        const api = await ctx.api();
        const s = await createSession(d, api, id, { format, token: o.token });
        const url = manifestUrl(s, format);
        const player = playerUrlOf(d, id);
        if (o.open && player) openInBrowser(player);
        const headers = `Cookie: ${s.cookie}`;
        ctx.out.result(
          {
            channelId: id,
            format,
            expiresAt: s.expiresAt,
            playerUrl: player,
            manifestUrl: url,
            cookie: s.cookie,
          },
          () => [
            `player        ${player ?? '(the stack has no PlayerUrl output)'}`,
            `${format} URL${' '.repeat(10 - format.length)}${url}`,
            `expires       ${s.expiresAt}`,
            'ffplay (sends the session cookies with every playlist and segment):',
            `  ffplay -headers '${headers}\r\n' '${url.split('?')[0]}'`.replace('\r\n', '\\r\\n'),
            'The signed URL works in players that append its query to every request (hls.js xhrSetup, ExoPlayer);',
            'players that request child playlists without it (VLC, ffplay without -headers) get 403 after the first playlist.',
          ],
        );
      }),
    );

  program
    .command('check')
    .description(
      'play a channel as a player does and report renditions, continuity, live-edge delay and refusals',
    )
    .argument('<channel>', 'channel id')
    .option('--format <format>', 'hls, dash, cmaf or all', 'hls')
    .option('--token <jwt>', 'viewer token, for channels with jwt viewer auth')
    .action((id: string, o: { format: string; token?: string }) =>
      run(async (ctx) => {
        const r = await runCheck(ctx, id, parseFormat(o.format, true), { token: o.token });
        ctx.out.result(r, () => checkLines(r));
        if (r.problems.length > 0)
          throw new CliError(`check of ${id} found ${r.problems.length} problem(s)`, ExitCode.FAILED, {
            reported: true,
          });
      }),
    );
}
