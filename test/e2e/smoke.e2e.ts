/**
 * `onair smoke` as an operator runs it after the first deploy (npx, a child process), against the
 * whole local stand: the operator API served by the real functions behind a SigV4-checking IAM
 * authorizer, MediaLive and MediaPackage modelled inside those functions, the health function
 * turning the status live from the documented state-change event, DynamoDB in moto, the CLI's
 * CloudFormation, CloudWatch and MediaPackage calls answered from the templates, the local edge
 * built from the synthesized distribution, and a live origin that packages what `push-test`
 * itself pushes to the channel's RTMP input (so the latency step reads the pushed picture clock).
 * Then the same run must fail the right step when the edge refuses signed requests and when the
 * origin is down.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { ControlApi } from '../../cli/api';
import type { StepResult } from '../../cli/commands/smoke/runner';
import { listChannels } from '../../cli/operator';
import { OPERATOR_KEY } from '../cli/stand-in';
import type { EdgeDistribution } from './edge/distribution';
import { type Stand, startStand } from './stand';

const ROOT = join(__dirname, '..', '..');

interface Summary {
  readonly channelId: string;
  readonly passed: boolean;
  readonly steps: StepResult[];
  readonly costUsd?: { readonly billedMinutes: number; readonly thisRunOnly?: boolean };
}

let stand: Stand;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stand = await startStand({ operator: { transitionMs: 1000, harvestMs: 1000 } });
  env = {
    ...process.env,
    ...stand.operator?.env(),
    ONAIR_POLL_SECONDS: '0.5',
    ONAIR_SMOKE_STEP_SECONDS: '25',
  };
}, 120_000);

afterAll(async () => {
  await stand?.stop();
});

function smoke(args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) {
  const started = Date.now();
  return new Promise<{ code: number; summary: Summary; stderr: string; ms: number }>((resolve) => {
    execFile(
      'npx',
      ['onair', 'smoke', '--stage', 'dev', '--channel', 'main', '--clip-seconds', '4', '--json', ...args],
      { cwd: ROOT, env: { ...env, ...extraEnv }, timeout: 150_000 },
      (err, stdout, stderr) => {
        let summary: Summary;
        try {
          summary = JSON.parse(stdout) as Summary;
          if (!Array.isArray(summary.steps)) throw new Error('no steps');
        } catch {
          summary = { channelId: '', passed: false, steps: [] };
          process.stderr.write(`smoke: no summary:\n${stdout}\n${stderr}\n`);
        }
        resolve({
          code: (err as { code?: number } | null)?.code ?? 0,
          summary,
          stderr,
          ms: Date.now() - started,
        });
      },
    );
  });
}

const outcome = (s: Summary) =>
  Object.fromEntries(s.steps.map((r) => [r.step, r.skipped ? 'SKIP' : r.ok ? 'PASS' : 'FAIL']));
const step = (s: Summary, name: string) => s.steps.find((r) => r.step === name);

const EVERY_STEP = [
  'api-iam',
  'start',
  'push-test',
  'live',
  'play-hls',
  'play-dash',
  'play-cmaf',
  'no-session',
  'unrouted-404',
  'origin-direct',
  'latency',
  'metrics',
  'clip',
  'rotate-live',
  'alarms',
  'stop',
];

test('smoke passes every step against the local stand, and leaves the channel IDLE', async () => {
  const keyBefore = stand.operator?.plane.ingest.get('main')?.currentKey;
  const { code, summary, stderr, ms } = await smoke();
  process.stdout.write(`smoke (all steps) took ${(ms / 1000).toFixed(1)} s\n`);
  expect(outcome(summary)).toEqual(Object.fromEntries(EVERY_STEP.map((s) => [s, 'PASS'])));
  expect(summary.passed).toBe(true);
  expect(code).toBe(0);
  expect(stderr).not.toMatch(/onair:/);

  const plane = stand.operator?.plane;
  // The status turned live from the state-change event the health function received.
  expect(plane?.delivered).toEqual(
    expect.arrayContaining([
      { target: 'health', state: 'RUNNING', channelId: 'main' },
      { target: 'health', state: 'STOPPED', channelId: 'main' },
    ]),
  );
  expect(plane?.stateOf('main')).toBe('IDLE');
  // The rotation requested while live (409 pending) ran when the stream-key function got IDLE.
  await plane?.settled();
  expect(plane?.delivered).toContainEqual({
    target: 'stream-keys.stateChange',
    state: 'STOPPED',
    channelId: 'main',
  });
  expect(plane?.ingest.get('main')?.currentKey).not.toBe(keyBefore);
  // The latency step read the clock push-test burned into the picture it pushed.
  expect(step(summary, 'latency')?.detail).toMatch(/\(picture clock\)/);
  expect(step(summary, 'rotate-live')?.detail).toMatch(/^409 pending, key unchanged/);
  // The stop step saw the credential change after IDLE (by its hash; no key is printed).
  expect(step(summary, 'stop')?.detail).toMatch(/→ IDLE; the rotation requested while live ran/);
  expect(step(summary, 'no-session')?.detail).toMatch(/without a session: 403$/);
  expect(step(summary, 'unrouted-404')?.detail).toMatch(
    /\/~onair-smoke-[0-9a-f]{16}\.m3u8, signed: 404 at the edge$/,
  );
  expect(JSON.stringify(summary)).not.toContain(plane?.ingest.get('main')?.currentKey ?? 'no key');
  expect(step(summary, 'api-iam')?.detail).toBe('signed GET /channels: 2 channel(s); unsigned: 403');
  // Every AWS call of the CLI was signed with the operator's key and answered locally.
  const calls = stand.operator?.aws.received ?? [];
  expect(new Set(calls.map((c) => `${c.service} ${c.action}`))).toEqual(
    new Set([
      'cloudformation DescribeStacks',
      'cloudwatch DescribeAlarms',
      'cloudwatch GetMetricData',
      'mediapackage GET /origin_endpoints',
    ]),
  );
  expect(calls.every((c) => c.signedBy === 'AKIAOPERATOREXAMPLE')).toBe(true);
}, 180_000);

test('an alarm that reads a dimension MediaLive does not publish fails the metrics step, naming what CloudWatch has', async () => {
  const aws = stand.operator?.aws;
  if (aws === undefined) throw new Error('no operator stand');
  // As if alarms.ts named the archive output group wrongly: the stand-in publishes what MediaLive does.
  aws.alarmPatch = (a) => JSON.parse(JSON.stringify(a).replace(/"Value":"archive"/g, '"Value":"archive-x"'));
  try {
    const { code, summary } = await smoke(['--keep-running'], { ONAIR_SMOKE_STEP_SECONDS: '3' });
    expect(code).toBe(1);
    expect(summary.steps.filter((s) => !s.ok && !s.skipped).map((s) => s.step)).toEqual(['metrics']);
    expect(step(summary, 'metrics')?.detail).toMatch(
      /^no datapoints for Output4xxErrors \((Pipeline 0, archive-x|archive-x, Pipeline 0)\), but CloudWatch has Output4xxErrors \(.*archive.*\)/,
    );
    expect(step(summary, 'metrics')?.remedy).toMatch(/never fire: fix the metric in lib\/constructs/);
    expect(aws.received.map((c) => c.action)).toContain('ListMetrics');
  } finally {
    aws.alarmPatch = (a) => a;
  }
}, 180_000);

test('--keep-running skips the stop: the channel keeps running', async () => {
  const { code, summary } = await smoke(['--keep-running']);
  expect(step(summary, 'stop')).toMatchObject({ ok: true, skipped: true });
  expect(step(summary, 'stop')?.detail).toMatch(/--keep-running/);
  expect(code).toBe(0);
  expect(stand.operator?.plane.stateOf('main')).toBe('RUNNING');
  // The previous test left the channel running: this run is billed for its own minutes only.
  expect(summary.costUsd).toMatchObject({ thisRunOnly: true, billedMinutes: 1 });
}, 180_000);

test('an edge that trusts another key group refuses the signed session: the play steps fail with the remedy, exit 1', async () => {
  const dist = (stand.edge as unknown as { distribution: EdgeDistribution }).distribution;
  const saved = dist.behaviors.map((b) => b.trustedKeys);
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;
  for (const b of dist.behaviors)
    if (b.trustedKeys) (b as { trustedKeys?: unknown }).trustedKeys = new Map([['KOTHERKEYGROUP', other]]);
  try {
    const { code, summary, stderr } = await smoke();
    expect(code).toBe(1);
    expect(stderr).toMatch(/smoke failed at play-hls, play-dash, play-cmaf/);
    const o = outcome(summary);
    expect([o['play-hls'], o['play-dash'], o['play-cmaf']]).toEqual(['FAIL', 'FAIL', 'FAIL']);
    expect(step(summary, 'play-hls')?.detail).toMatch(/ 403/);
    expect(step(summary, 'play-hls')?.remedy).toMatch(
      /CloudFront refused a signed session: check the key group/,
    );
    // What needs no signature still passes; what needs the played stream is skipped, not failed.
    expect(o).toMatchObject({ 'api-iam': 'PASS', start: 'PASS', live: 'PASS', 'no-session': 'PASS' });
    expect([o.latency, o['unrouted-404']]).toEqual(['SKIP', 'SKIP']);
    expect(summary.steps.filter((s) => !s.ok && !s.skipped).map((s) => s.step)).toEqual([
      'play-hls',
      'play-dash',
      'play-cmaf',
    ]);
  } finally {
    dist.behaviors.forEach((b, i) => {
      (b as { trustedKeys?: unknown }).trustedKeys = saved[i];
    });
  }
}, 180_000);

test('an origin that is down fails the play steps (the origin serves nothing), exit 1', async () => {
  stand.live.serving = false;
  try {
    const { code, summary } = await smoke([], { ONAIR_SMOKE_STEP_SECONDS: '6' });
    expect(code).toBe(1);
    const failed = summary.steps.filter((s) => !s.ok && !s.skipped).map((s) => s.step);
    expect(failed).toEqual(expect.arrayContaining(['play-hls', 'play-dash', 'play-cmaf']));
    // The direct MediaPackage request fails too: the origin answers nothing at all.
    expect(failed.filter((s) => !s.startsWith('play-'))).toEqual(['origin-direct']);
    expect(step(summary, 'play-hls')?.remedy).toMatch(/the origin serves nothing/);
    expect(outcome(summary)).toMatchObject({ live: 'PASS', latency: 'SKIP', stop: 'PASS' });
  } finally {
    stand.live.serving = true;
  }
}, 180_000);

test('a pending rotation that does not run at the stop fails the stop step, naming the rule', async () => {
  const plane = stand.operator?.plane;
  if (plane === undefined) throw new Error('no operator stand');
  const keyBefore = plane.ingest.get('main')?.currentKey;
  plane.unreachable.add('stream-keys.stateChange');
  try {
    const { code, summary } = await smoke([], { ONAIR_SMOKE_STEP_SECONDS: '4' });
    expect(code).toBe(1);
    expect(summary.steps.filter((s) => !s.ok && !s.skipped).map((s) => s.step)).toEqual(['stop']);
    expect(step(summary, 'stop')?.detail).toMatch(
      /→ IDLE, but the rotation requested while live did not run within .* \(still pending\)$/,
    );
    expect(step(summary, 'stop')?.remedy).toMatch(/ChannelStateRule/);
    expect(plane.stateOf('main')).toBe('IDLE');
    expect(plane.ingest.get('main')?.currentKey).toBe(keyBefore);
  } finally {
    plane.unreachable.delete('stream-keys.stateChange');
  }
}, 180_000);

test('channels, recordings, recording, a failing clip and foreign signatures against the real functions', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'npx',
        ['onair', ...args, '--stage', 'dev'],
        { cwd: ROOT, env, timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: (err as { code?: number } | null)?.code ?? 0, stdout, stderr }),
      );
    });
  // The ladder each channel registered at deploy, from GET /channels (no MediaLive call).
  const channels = await run(['channels']);
  expect(channels.code).toBe(0);
  expect(channels.stdout).toMatch(/^main\s+\S+\s+SINGLE_PIPELINE\s+720p\/540p\/360p\/288p\s/m);
  expect(channels.stdout).toMatch(/^news\s+-\s+SINGLE_PIPELINE\s+720p\/540p\/360p\/288p\s+offline\s+-$/m);
  // The recordings routes: the channel's index (moto's byChannel index) is empty here.
  const list = await run(['recordings', 'main', '--since', '24h']);
  expect(list).toMatchObject({ code: 0, stdout: 'no recordings of main in that range\n' });
  const unknown = await run(['recording', 'main-20261201t180000z']);
  expect(unknown.code).toBe(5);
  expect(unknown.stderr).toBe(
    'onair: recording main-20261201t180000z: not found (404): no recording "main-20261201t180000z"; `onair recordings <channel>` lists the recordings\n',
  );
  // A clip of a time the channel was not running: the harvest fails, and the CLI says why.
  expect(stand.operator?.plane.stateOf('main')).toBe('IDLE');
  const clip = await run(['clip', 'main', '--last', '30s', '--wait']);
  expect(clip.code).toBe(1);
  expect(clip.stdout).toMatch(/^clip main-\S+: FAILED, /);
  expect(clip.stderr).toMatch(
    /FAILED: MediaPackage could not harvest the range \(is it inside the startover window and was the channel live\?\)/,
  );
  // Signatures are recomputed: another secret for the operator's key is refused at the first call.
  const forged = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      'npx',
      ['onair', 'channels', '--stage', 'dev'],
      { cwd: ROOT, env: { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-operator-secret' }, timeout: 60_000 },
      (err, _stdout, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr }),
    );
  });
  expect(forged.code).toBe(4);
  expect(forged.stderr).toMatch(/^onair: cannot read stack OnAir-dev \(SignatureDoesNotMatch\)/);
  // The operator API's IAM authorizer too: the same call signed with another secret is a 403.
  const wrong = new ControlApi(stand.api.url, stand.deployment.region, async () => ({
    accessKeyId: OPERATOR_KEY.accessKeyId,
    secretAccessKey: 'not-the-operator-secret',
  }));
  await expect(listChannels(wrong)).rejects.toMatchObject({
    exitCode: 4,
    message: expect.stringMatching(
      /^list channels: the control API refused your credentials \(403: The request signature we calculated does not match/,
    ),
  });
  const unknownChannel = await run(['recordings', 'studio']);
  expect(unknownChannel.code).toBe(5);
  expect(unknownChannel.stderr).toMatch(
    /not found \(404\): unknown channel "studio"; `onair channels` lists/,
  );
}, 120_000);
