/**
 * `onair check` as an operator runs it (npx, a child process trusting the local edge's
 * certificate) against the local edge built from the synthesized distribution, the live ffmpeg
 * origin and the real session handler; the operator routes it reads come from the CLI's local
 * stand-in (test/cli/stand-in.ts, SigV4-checked). Then an edge that serves media without a
 * session must fail the check.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../cli/commands/viewer';
import { StandIn } from '../cli/stand-in';
import type { EdgeDistribution } from './edge/distribution';
import { type Stand, startStand } from './stand';

const ROOT = join(__dirname, '..', '..');
const view = (channelId: string) => ({
  channelId,
  sessionUrl: `${stand.edge.url}/api/playback/${channelId}/session`,
  state: 'RUNNING',
  channelClass: 'SINGLE_PIPELINE',
  ladder: [{ name: '360p', width: 640, height: 360, maxBitrateKbps: 600, framerate: 25, gopSeconds: 2 }],
  live: true,
});

let stand: Stand;
let api: StandIn;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stand = await startStand();
  await stand.live.waitUntilLive();
  api = await StandIn.start();
  // No per-channel outputs: the API's views name each channel's session URL.
  api.extraOutputs = { DistributionDomainName: stand.edge.host };
  api.route('GET /channels', { status: 200, body: { channels: [view('main'), view('news')] } });
  api.route('GET /channels/main/status', { status: 200, body: view('main') });
  dir = mkdtempSync(join(tmpdir(), 'onair-check-'));
  writeFileSync(join(dir, 'edge.pem'), stand.cert.cert);
  env = {
    ...process.env,
    ...api.env(),
    ONAIR_STAGE: 'test',
    NODE_EXTRA_CA_CERTS: join(dir, 'edge.pem'),
    AWS_PROFILE: '',
  };
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await stand?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const check = (format: string) =>
  new Promise<{ code: number; result: CheckResult; stderr: string }>((resolve) => {
    execFile(
      'npx',
      ['onair', 'check', 'main', '--format', format, '--json'],
      { cwd: ROOT, env, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err && !stdout) process.stderr.write(`check: ${String(err)}\n${stderr}\n`);
        resolve({
          code: (err as { code?: number } | null)?.code ?? 0,
          result: (() => {
            try {
              return JSON.parse(stdout) as CheckResult;
            } catch {
              return { problems: [`not one JSON document: ${stdout}`] } as unknown as CheckResult;
            }
          })(),
          stderr,
        });
      },
    );
  });

test('check --format all: every rendition and newest segment of HLS, DASH and CMAF, continuity, live edge, refusals', async () => {
  const { code, result, stderr } = await check('all');
  expect(result.problems).toEqual([]);
  expect(code).toBe(0);
  expect(stderr).not.toMatch(/onair:/);
  expect(result.formats.map((f) => [f.format, f.manifestStatus])).toEqual([
    ['hls', 200],
    ['dash', 200],
    ['cmaf', 200],
  ]);
  for (const f of result.formats) {
    expect(f.renditions.length).toBeGreaterThan(0);
    for (const r of f.renditions) expect(r.segmentStatus).toBe(200);
  }
  const hls = result.formats[0];
  expect(hls.renditions[0]).toMatchObject({ resolution: '640x360', continuous: true });
  // ffmpeg's PDT and the wall clock are the same clock here: the live edge is a few seconds old.
  expect(hls.liveEdgeByTimestampSeconds).toBeGreaterThan(-1);
  expect(hls.liveEdgeByTimestampSeconds).toBeLessThan(10);
  expect(result.refusals.map((r) => [r.what, r.status])).toEqual([
    ['without a session', 403],
    ['with a forged signature', 403],
    ["another channel's media with this session", 403],
  ]);
  expect(result.latency).toMatchObject({ mode: 'standard', served: { segment: 2 } });
}, 120_000);

test('an edge that serves media without a session fails the check (exit 1), naming what was served', async () => {
  const dist = (stand.edge as unknown as { distribution: EdgeDistribution }).distribution;
  const saved = dist.behaviors.map((b) => b.trustedKeys);
  for (const b of dist.behaviors) (b as { trustedKeys?: unknown }).trustedKeys = undefined;
  try {
    const { code, result } = await check('hls');
    expect(code).toBe(1);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'a request without a session was SERVED 200, not refused with 403',
        'a request with a forged signature was SERVED 200, not refused with 403',
      ]),
    );
  } finally {
    dist.behaviors.forEach((b, i) => {
      (b as { trustedKeys?: unknown }).trustedKeys = saved[i];
    });
  }
}, 120_000);
