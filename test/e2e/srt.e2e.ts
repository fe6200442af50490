/**
 * A real SRT contribution, offline: the ingest function answers for an SRT listener input whose
 * passphrase was generated the way Secrets Manager rotations generate it; `onair push-test` builds
 * its ffmpeg from the srt:// URL that answer returns and calls a local SRT listener (ffmpeg's libsrt
 * in listener mode, standing in for MediaLive) with the passphrase and key length of that URL.
 * The right passphrase delivers H.264 and AAC; a wrong one is refused at the handshake.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChannelState, DescribeChannelCommand, DescribeInputCommand } from '@aws-sdk/client-medialive';
import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SRT_PBKEYLEN, SrtEncryption } from '../../lambda/shared/contract';
import { ingest } from '../../lambda/stream-keys';
import { generatePassphrase } from '../../lambda/stream-keys/passphrase';
import { onair } from '../cli/run';
import { StandIn } from '../cli/stand-in';
import { SRT_SECRET_ARN } from '../lambda/stream-keys/fixtures';
import { ingestRequest } from '../lambda/stream-keys/requests';
import { useStreamKeyAws } from '../lambda/stream-keys/setup';
import { type Receiver, receive } from './receiver';

const exec = promisify(execFile);
const { ml, sm } = useStreamKeyAws();

/** A UDP port nobody listens on now. */
const freeUdpPort = () =>
  new Promise<number>((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** ffmpeg's libsrt as MediaLive's SRT listener: decrypts with `passphrase` and records MPEG-TS. */
function listener(port: number, passphrase: string, pbkeylen: number, file: string): Receiver {
  const url = `srt://127.0.0.1:${port}?mode=listener&passphrase=${passphrase}&pbkeylen=${pbkeylen}&listen_timeout=20000000`;
  return receive(['-i', url], 'mpegts', file);
}

const VIEW = {
  channelId: 'studio',
  state: 'RUNNING',
  channelClass: 'SINGLE_PIPELINE',
  ladder: [{ name: '540p', width: 960, height: 540, maxBitrateKbps: 1800, framerate: 30, gopSeconds: 2 }],
  encoding: { input: { maximumBitrate: 'MAX_10_MBPS' }, audio: { codec: 'AAC', sampleRate: 48000 } },
};

/** GET /channels/studio/ingest as the ingest function answers it for an SRT input at 127.0.0.1:<port>. */
async function ingestAnswer(port: number, passphrase: string, encryption: SrtEncryption) {
  ml.on(DescribeInputCommand).resolves({
    Destinations: [{ Ip: '127.0.0.1', Port: String(port), Url: `srt://127.0.0.1:${port}` }],
    SrtSettings: {
      SrtListenerSettings: {
        Decryption: { Algorithm: encryption, PassphraseSecretArn: SRT_SECRET_ARN },
        MinimumLatency: 500,
      },
    },
  });
  ml.on(DescribeChannelCommand).resolves({ State: ChannelState.RUNNING });
  sm.on(GetSecretValueCommand).resolves({ SecretString: passphrase });
  sm.on(DescribeSecretCommand).resolves({ Tags: [] });
  const res = await ingest(ingestRequest('studio'));
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body as string) as {
    protocol: string;
    endpoints: { url: string; pbkeylen: number; passphrase: string }[];
  };
}

let api: StandIn;
let dir: string;
beforeAll(async () => {
  api = await StandIn.start();
  dir = mkdtempSync(join(tmpdir(), 'onair-srt-e2e-'));
});
afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The ingest answer served to the CLI, a listener decrypting with `listenWith`, and `onair push-test`. */
async function pushThroughSrt(encryption: SrtEncryption, listenWith?: string) {
  const port = await freeUdpPort();
  const passphrase = generatePassphrase();
  const answer = await ingestAnswer(port, passphrase, encryption);
  // The input reports one address: endpoint A (the test registry's channel is STANDARD, and its
  // endpoint B has no address, so the CLI is given A only).
  const endpoint = answer.endpoints[0];
  const file = join(dir, `${encryption}-${port}.ts`);
  const rx = listener(port, listenWith ?? passphrase, endpoint.pbkeylen, file);
  await new Promise((r) => setTimeout(r, 500));
  api.route('GET /channels/studio/status', { status: 200, body: VIEW });
  api.route('GET /channels/studio/ingest', { status: 200, body: { ...answer, endpoints: [endpoint] } });
  const r = await onair(['push-test', 'studio', '--seconds', '4'], { ...api.env(), ONAIR_STAGE: 'test' });
  if (r.code !== 0) rx.proc.kill('SIGINT');
  await rx.done;
  return { r, file, log: rx.log(), passphrase, endpoint };
}

test('the ingest answer is a complete srt:// URL with the generated passphrase, its key length and the latency', async () => {
  const passphrase = generatePassphrase();
  const answer = await ingestAnswer(9000, passphrase, SrtEncryption.AES256);
  expect(answer.protocol).toBe('SRT_LISTENER');
  const url = new URL(answer.endpoints[0].url);
  expect(url.protocol).toBe('srt:');
  expect(url.host).toBe('127.0.0.1:9000');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    mode: 'caller',
    passphrase,
    pbkeylen: '32',
    latency: '500000',
  });
});

test.each([SrtEncryption.AES256, SrtEncryption.AES128])(
  '%s: push-test over SRT with the right passphrase delivers H.264 and AAC',
  async (encryption) => {
    const { r, file, log, passphrase, endpoint } = await pushThroughSrt(encryption);

    expect(endpoint.pbkeylen).toBe(SRT_PBKEYLEN[encryption]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('studio: pushed');
    expect(r.stdout).toContain('srt://127.0.0.1:');
    expect(r.stdout + r.stderr).not.toContain(passphrase);
    expect(log).not.toMatch(/Incorrect passphrase|BADSECRET/);
    expect(existsSync(file) && statSync(file).size).toBeGreaterThan(10_000);
    const probe = JSON.parse(
      (await exec('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file])).stdout,
    ) as { streams: { codec_name: string; width?: number; height?: number; sample_rate?: string }[] };
    expect(probe.streams.find((s) => s.codec_name === 'h264')).toMatchObject({ width: 960, height: 540 });
    expect(probe.streams.find((s) => s.codec_name === 'aac')).toMatchObject({ sample_rate: '48000' });
  },
);

test('a wrong passphrase is refused at the handshake: push-test fails, nothing arrives, no passphrase printed', async () => {
  const { r, file, log, passphrase } = await pushThroughSrt(SrtEncryption.AES256, generatePassphrase());

  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/push-test to srt:\/\/127\.0\.0\.1:\d+ failed/);
  expect(r.stdout + r.stderr).not.toContain(passphrase);
  expect(log).toMatch(/Incorrect passphrase|BADSECRET/);
  expect(existsSync(file) && statSync(file).size > 0).toBe(false);
});
