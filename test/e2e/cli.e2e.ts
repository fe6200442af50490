/**
 * The onair CLI as an operator runs it, against local stand-ins: push-test publishing to a local
 * RTMP receiver (ffmpeg in listen mode, which logs a publish under another application or stream
 * name), then ffprobe on what arrived; and `npx onair` as a new user would start it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeStrip, READ_BYTES, READ_FILTER } from '../../cli/media/timecode';
import { onair } from '../cli/run';
import { StandIn } from '../cli/stand-in';
import { type Receiver, receive } from './receiver';

const exec = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const KEY = 'k3yAbcdefghijklmnopqrstuvwxyz012';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** ffmpeg as an RTMP server for one publish to rtmp://127.0.0.1:<port>/<app>/<stream>, recording FLV. */
function receiver(port: number, app: string, stream: string, file: string): Receiver {
  return receive(
    ['-listen', '1', '-timeout', '30', '-i', `rtmp://127.0.0.1:${port}/${app}/${stream}`],
    'flv',
    file,
  );
}

const VIEW = {
  channelId: 'main',
  state: 'RUNNING',
  channelClass: 'SINGLE_PIPELINE',
  ladder: [{ name: '720p', width: 1280, height: 720, maxBitrateKbps: 3000, framerate: 30, gopSeconds: 2 }],
  encoding: { input: { maximumBitrate: 'MAX_10_MBPS' }, audio: { codec: 'AAC', sampleRate: 48000 } },
};

let api: StandIn;
let dir: string;
beforeAll(async () => {
  api = await StandIn.start();
  dir = mkdtempSync(join(tmpdir(), 'onair-cli-e2e-'));
});
afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function pushTo(app: string, stream: string) {
  const port = await freePort();
  const file = join(dir, `${app}-${stream.slice(0, 4)}-${port}.flv`);
  const rx = receiver(port, app, stream, file);
  await new Promise((r) => setTimeout(r, 500));
  api.route('GET /channels/main/status', { status: 200, body: VIEW });
  api.route('GET /channels/main/ingest', {
    status: 200,
    body: {
      channelId: 'main',
      state: 'RUNNING',
      endpoints: [{ server: `rtmp://127.0.0.1:${port}/main`, streamKey: KEY }],
    },
  });
  const started = Date.now();
  const r = await onair(['push-test', 'main', '--seconds', '5'], { ...api.env(), ONAIR_STAGE: 'test' });
  await rx.done;
  return { r, file, log: rx.log(), started };
}

test('push-test publishes main/<key>: H.264 + AAC 48 kHz stereo, 1280x720 at 30 fps, a keyframe every 2 s, the capture clock in the picture', async () => {
  const { r, file, log, started } = await pushTo('main', KEY);
  expect(r.stderr).not.toContain(KEY);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('main: pushed');
  // ffmpeg's RTMP server logs a publish to another application or stream name.
  expect(log).not.toMatch(/Unexpected stream|App field don't match up/);
  expect(log).toContain(`rtmp://127.0.0.1`);

  const probe = JSON.parse(
    (await exec('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file])).stdout,
  ) as {
    streams: {
      codec_name: string;
      profile?: string;
      width?: number;
      height?: number;
      r_frame_rate?: string;
      sample_rate?: string;
      channels?: number;
    }[];
  };
  const video = probe.streams.find((s) => s.codec_name === 'h264');
  const audio = probe.streams.find((s) => s.codec_name === 'aac');
  expect(video).toMatchObject({ width: 1280, height: 720, r_frame_rate: '30/1' });
  expect(audio).toMatchObject({ sample_rate: '48000', channels: 2 });

  // key_frame,pts_time per video frame: keyframes exactly every 2 s (the channel's GOP).
  const frames = (
    await exec('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v',
      '-show_entries',
      'frame=key_frame,pts_time',
      '-of',
      'csv=p=0',
      file,
    ])
  ).stdout
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number));
  expect(frames.length).toBeGreaterThanOrEqual(140);
  const keyTimes = frames.filter(([k]) => k === 1).map(([, t]) => t);
  expect(keyTimes.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < keyTimes.length; i++) expect(keyTimes[i] - keyTimes[i - 1]).toBeCloseTo(2, 1);

  const first = await exec(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', READ_FILTER, '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer' },
  );
  expect(first.stdout.length).toBe(READ_BYTES);
  const captured = decodeStrip(first.stdout);
  expect(captured).toBeDefined();
  expect(Math.abs((captured ?? 0) - started)).toBeLessThan(3000);
});

test('the receiver notices a publish under another stream name (the assertion above can fail)', async () => {
  const { log } = await pushTo('main', 'another-key');
  expect(log).toMatch(/Unexpected stream k3yA\w+, expecting another-key/);
});

describe('npx onair, as a new user starts it', () => {
  test('--help lists the commands and the exit codes', async () => {
    const { stdout } = await exec('npx', ['onair', '--help'], { cwd: ROOT });
    for (const c of [
      'channels',
      'status',
      'start',
      'stop',
      'ingest',
      'rotate-key',
      'play',
      'clip',
      'push-test',
      'check',
      'smoke',
      'recordings',
      'recording',
      'publish',
      'unpublish',
      'delete-recording',
    ])
      expect(stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(stdout).toContain('Exit codes:');
  });

  test('channels against the local stand-in (AWS_ENDPOINT_URL_CLOUDFORMATION), no warnings', async () => {
    api.route('GET /channels', { status: 200, body: { channels: [VIEW] } });
    const { stdout, stderr } = await exec('npx', ['onair', 'channels', '--stage', 'test'], {
      cwd: ROOT,
      env: { ...process.env, ...api.env(), AWS_PROFILE: '' },
    });
    expect(stdout).toMatch(/^CHANNEL\s+STATE/);
    expect(stdout).toMatch(/^main\s+RUNNING\s+SINGLE_PIPELINE\s+720p\s+offline/m);
    expect(stderr).toBe('');
  });
});
