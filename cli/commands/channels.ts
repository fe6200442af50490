import type { Command } from 'commander';
import type { Context } from '../context';
import type { ChannelView } from '../model';
import { channelAction, channelStatus, listChannels, waitForState } from '../operator';
import { table } from '../output';
import { type Run, timeoutOption } from './common';

export function ladderLabel(v: ChannelView): string {
  const rungs = v.ladder ?? [];
  if (rungs.length === 0) return '-';
  return rungs.map((r) => r.name || (r.height ? `${r.height}p` : '?')).join('/');
}

const hhmm = (iso?: string) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) : '');

export function liveLabel(v: ChannelView): string {
  if (v.live) return v.liveSince ? `live since ${hhmm(v.liveSince)}Z` : 'live';
  return 'offline';
}

export function alertLabel(v: ChannelView): string {
  const a = v.lastAlert;
  if (a === undefined) return '-';
  return `${a.type}${a.pipeline !== undefined ? ` (pipeline ${a.pipeline})` : ''} ${a.state ?? ''} ${hhmm(a.at)}`.trim();
}

function statusLines(v: ChannelView): string[] {
  const lines = [
    `channel     ${v.channelId}`,
    `state       ${v.state}${v.pipelinesRunning !== undefined ? ` (${v.pipelinesRunning} pipeline(s) running)` : ''}`,
    `class       ${v.channelClass ?? '-'}`,
    `live        ${liveLabel(v)}`,
    `ingest      ${(v.ingestEndpoints ?? []).join('  ') || '-'}`,
    `ladder      ${ladderLabel(v)}`,
  ];
  for (const r of v.ladder ?? [])
    lines.push(
      `  ${r.name.padEnd(8)} ${r.width ?? '?'}x${r.height ?? '?'}  ≤ ${r.maxBitrateKbps ?? '?'} kbit/s${r.framerate ? `  ${Math.round(r.framerate * 100) / 100} fps` : ''}${r.gopSeconds ? `  GOP ${r.gopSeconds} s` : ''}`,
    );
  lines.push(`last alert  ${alertLabel(v)}`);
  for (const a of v.openAlerts ?? [])
    lines.push(
      `open alert  ${a.type}${a.pipeline !== undefined ? ` (pipeline ${a.pipeline})` : ''} since ${hhmm(a.since)}Z: ${a.message}`,
    );
  return lines;
}

export function register(program: Command, run: Run): void {
  program
    .command('channels')
    .description('list the channels: state, class, ladder, live/offline, last alert')
    .action(() =>
      run(async (ctx: Context) => {
        const channels = await listChannels(await ctx.api());
        ctx.out.result({ channels }, () =>
          table(
            ['CHANNEL', 'STATE', 'CLASS', 'LADDER', 'LIVE', 'LAST ALERT'],
            channels.map((v) => [
              v.channelId,
              // GET /channels knows a state once the health function recorded a change.
              v.state ?? '-',
              v.channelClass ?? '-',
              ladderLabel(v),
              liveLabel(v),
              alertLabel(v),
            ]),
          ),
        );
      }),
    );

  program
    .command('status')
    .description("one channel's state, ladder, ingest servers and alerts")
    .argument('<channel>', 'channel id')
    .action((id: string) =>
      run(async (ctx) => {
        const v = await channelStatus(await ctx.api(), id);
        ctx.out.result(v, () => statusLines(v));
      }),
    );

  for (const action of ['start', 'stop'] as const) {
    const target = action === 'start' ? 'RUNNING' : 'IDLE';
    timeoutOption(
      program
        .command(action)
        .description(
          action === 'start' ? 'start a channel (MediaLive bills while it runs)' : 'stop a channel',
        )
        .argument('<channel>', 'channel id')
        .option('--wait', `wait until the channel is ${target}`),
      10,
    ).action((id: string, o: { wait?: boolean; timeout: string }) =>
      run(async (ctx) => {
        const api = await ctx.api();
        const r = await channelAction(api, id, action);
        const b = r.body;
        const said = b.changed
          ? `${id}: ${b.previousState} → ${b.state}${action === 'start' ? ' (MediaLive bills from now on; `onair stop` ends it)' : ''}`
          : `${id}: already ${b.state}`;
        if (!o.wait || b.state === target) return ctx.out.result(b, () => said);
        ctx.out.line(said);
        const v = await waitForState(api, ctx.out, id, target, Number(o.timeout) * 60_000);
        ctx.out.result({ ...b, state: v.state }, () => `${id}: ${v.state}`);
      }),
    );
  }
}
