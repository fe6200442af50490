import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../errors';
import type { RecordingView } from '../model';
import { deleteRecording, listRecordings, recording, setPublished } from '../operator';
import { duration, table } from '../output';
import type { Run } from './common';

/** The listing's page size when not --all (the API's default and maximum are 25 and 100). */
const PAGE = 25;

/** A duration ago with its unit: s, m (min), h or d. A bare number is ambiguous (24 hours? seconds?). */
const AGO = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** An ISO 8601 time, or a duration ago ("24h", "90m", "7d"), as the API's ISO time. */
export function timeOption(name: string, value: string, now: Date): string {
  if (/^\d{4}-\d{2}-\d{2}T\d/.test(value)) {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  } else {
    const m = AGO.exec(value.trim());
    if (m)
      return new Date(now.getTime() - Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1) * 1000).toISOString();
  }
  throw new CliError(
    `${name} must be an ISO 8601 time such as 2026-12-01T18:00:00Z, or a duration ago with its unit (90m, 24h, 7d), got "${value}"`,
    ExitCode.USAGE,
  );
}

/** The instant a millisecond before `iso`. */
function justBefore(iso: string | null | undefined): string {
  const t = Date.parse(iso ?? '');
  return Number.isNaN(t) ? String(iso) : new Date(t - 1).toISOString();
}

const minute = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

function size(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

function lengthOf(r: RecordingView): string {
  return r.durationSeconds === null ? '-' : duration(r.durationSeconds * 1000);
}

function detailLines(r: RecordingView): string[] {
  const lines = [
    `recording   ${r.recordingId}`,
    `channel     ${r.channelId}`,
    `status      ${r.status}${r.failure ? ` (${r.failure})` : ''}`,
    `published   ${r.published ? 'yes: viewers can get a session for it' : 'no'}`,
    `session     ${minute(r.sessionStart)}Z → ${r.sessionEnd ? `${minute(r.sessionEnd)}Z` : 'still live'}`,
    `length      ${lengthOf(r)}`,
    `size        ${size(r.sizeBytes)}`,
    `manifest    ${r.manifestKey ?? '-'}`,
    `poster      ${r.posterKey ?? '-'}`,
  ];
  for (const p of r.parts ?? [])
    lines.push(`  part ${p.part.padEnd(4)} ${p.status.padEnd(11)} ${p.start} → ${p.end}`);
  return lines;
}

/** Asks on the terminal; without one, only --yes deletes. */
async function confirmed(question: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new CliError(
      'not deleting without confirmation: pass --yes (no terminal to ask on)',
      ExitCode.USAGE,
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export function register(program: Command, run: Run): void {
  program
    .command('recordings')
    .description("a channel's recordings, newest first")
    .argument('<channel>', 'channel id')
    .option('--since <time>', 'sessions started at or after: ISO 8601, or a duration ago (90m, 24h, 7d)')
    .option('--until <time>', 'sessions started at or before: ISO 8601, or a duration ago')
    .option('--all', `every page (default: the newest ${PAGE})`)
    .action((id: string, o: { since?: string; until?: string; all?: boolean }) =>
      run(async (ctx) => {
        const now = new Date();
        const from = o.since === undefined ? undefined : timeOption('--since', o.since, now);
        const to = o.until === undefined ? undefined : timeOption('--until', o.until, now);
        if (from !== undefined && to !== undefined && to < from)
          throw new CliError(`--until (${to}) is before --since (${from})`, ExitCode.USAGE);
        const api = await ctx.api();
        const recordings: RecordingView[] = [];
        let next: string | undefined;
        do {
          const page = await listRecordings(api, id, { from, to, limit: o.all ? 100 : PAGE, next });
          recordings.push(...page.recordings);
          next = page.next;
          if (o.all && next) ctx.out.progress(`${recordings.length} recordings so far`);
        } while (o.all && next !== undefined);
        ctx.out.endProgress();
        ctx.out.result({ channelId: id, recordings, ...(next ? { more: true } : {}) }, () => {
          if (recordings.length === 0) return `no recordings of ${id}${from || to ? ' in that range' : ''}`;
          return [
            table(
              ['RECORDING', 'STATUS', 'PUBLISHED', 'STARTED (UTC)', 'LENGTH', 'SIZE'],
              recordings.map((r) => [
                r.recordingId,
                r.status,
                r.published ? 'yes' : 'no',
                minute(r.sessionStart),
                lengthOf(r),
                size(r.sizeBytes),
              ]),
            ),
            // --until is inclusive ("at or before"): a millisecond before the last one shown, so
            // the next listing starts with the one after it.
            ...(next
              ? [
                  `… older ones too: --all, or --until ${justBefore(recordings[recordings.length - 1]?.sessionStart)}`,
                ]
              : []),
          ];
        });
      }),
    );

  program
    .command('recording')
    .description('one recording: status, session, length, size, files, parts')
    .argument('<recording>', 'recording id (from `onair recordings`)')
    .action((rid: string) =>
      run(async (ctx) => {
        const r = await recording(await ctx.api(), rid);
        ctx.out.result(r, () => detailLines(r));
      }),
    );

  for (const published of [true, false]) {
    const name = published ? 'publish' : 'unpublish';
    program
      .command(name)
      .description(
        published
          ? 'let viewers get a session for a recording'
          : 'stop new viewer sessions for a recording (sessions already issued run to their expiry)',
      )
      .argument('<recording>', 'recording id')
      .action((rid: string) =>
        run(async (ctx) => {
          const r = await setPublished(await ctx.api(), rid, published);
          ctx.out.result(
            r,
            () => `recording ${r.recordingId}: ${r.published ? 'published' : 'not published'}`,
          );
        }),
      );
  }

  program
    .command('delete-recording')
    .description("delete a recording's files and entry (asks first unless --yes)")
    .argument('<recording>', 'recording id')
    .option('--yes', 'do not ask')
    .action((rid: string, o: { yes?: boolean }) =>
      run(async (ctx) => {
        const api = await ctx.api();
        // Read it first, --yes too: DELETE answers 204 for an unknown id, which would print
        // "deleted"; the GET's 404 says there is no such recording (exit 5).
        const r = await recording(api, rid);
        if (!o.yes) {
          const what = `${r.recordingId} (${r.channelId}, ${minute(r.sessionStart)}Z, ${lengthOf(r)}, ${size(r.sizeBytes)})`;
          if (!(await confirmed(`delete recording ${what} and its files?`)))
            throw new CliError('not deleted', ExitCode.FAILED);
        }
        await deleteRecording(api, rid);
        ctx.out.result({ recordingId: rid, deleted: true }, () => `recording ${rid}: deleted`);
      }),
    );
}
