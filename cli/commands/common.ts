import type { Command } from 'commander';
import type { Context } from '../context';

/** Runs a command's body with its context; errors become the one-line message and exit code. */
export type Run = (fn: (ctx: Context) => Promise<void>) => Promise<void>;

export function timeoutOption(cmd: Command, minutes: number): Command {
  return cmd.option('--timeout <minutes>', `give up waiting after this many minutes`, String(minutes));
}

/** "60s", "5m", "1h", "90" (seconds) → seconds. */
export function parseSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?$/.exec(text.trim());
  if (m === null) throw new Error(`expected a duration such as 60s, 5m or 1h, got "${text}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit.startsWith('h') ? n * 3600 : unit.startsWith('m') ? n * 60 : n;
}
