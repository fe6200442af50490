import { type ChildProcess, spawn } from 'node:child_process';

export interface Receiver {
  readonly proc: ChildProcess;
  /** What ffmpeg logged so far (stream names, handshake errors). */
  readonly log: () => string;
  readonly done: Promise<number | null>;
}

/**
 * A local ffmpeg that receives a pushed stream (`input`: an RTMP URL with `-listen 1`, or an SRT
 * listener URL) and copies it to `file` in `format`, for the push tests to probe.
 */
export function receive(inputArgs: readonly string[], format: 'flv' | 'mpegts', file: string): Receiver {
  const proc = spawn(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'info', ...inputArgs, '-c', 'copy', '-f', format, '-y', file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => {
    log += d.toString('utf8');
  });
  return { proc, log: () => log, done: new Promise((r) => proc.on('close', r)) };
}
