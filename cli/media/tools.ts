import { spawn, spawnSync } from 'node:child_process';
import { CliError, ExitCode } from '../errors';

/** ffmpeg or ffprobe: ONAIR_FFMPEG / ONAIR_FFPROBE, else the one on PATH. */
export function toolPath(tool: 'ffmpeg' | 'ffprobe'): string {
  return process.env[tool === 'ffmpeg' ? 'ONAIR_FFMPEG' : 'ONAIR_FFPROBE'] ?? tool;
}

/** Whether a tool runs (`-version`). */
export function hasTool(tool: 'ffmpeg' | 'ffprobe'): boolean {
  const r = spawnSync(toolPath(tool), ['-version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** Fails with a message naming the tool and how to get it when it cannot run. */
export function requireTool(tool: 'ffmpeg' | 'ffprobe', why: string): string {
  const path = toolPath(tool);
  const r = spawnSync(path, ['-version'], { stdio: 'ignore' });
  if (r.error !== undefined || r.status !== 0)
    throw new CliError(
      `${why} needs ${tool}, and "${path}" cannot be run: install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg), ` +
        `or point ${tool === 'ffmpeg' ? 'ONAIR_FFMPEG' : 'ONAIR_FFPROBE'} at it`,
      ExitCode.MISSING_TOOL,
    );
  return path;
}

/** Runs a tool to completion, collecting stdout (bytes) and stderr. */
export function run(
  path: string,
  args: readonly string[],
  opts: { timeoutMs?: number; input?: Buffer } = {},
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
  });
}
