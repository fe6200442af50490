import 'aws-sdk-client-mock-jest';
import { ChannelState, UpdateInputCommand } from '@aws-sdk/client-medialive';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG, SRT_PASSPHRASE_LENGTH } from '../../../lambda/shared/contract';
import { redact } from '../../../lambda/shared/errors';
import type { ChannelEntry } from '../../../lambda/shared/registry';
import { rotate, rotation, stateChange } from '../../../lambda/stream-keys';
import { PromotionPending } from '../../../lambda/stream-keys/errors';
import { pendingConflict } from '../../../lambda/stream-keys/handlers/http';
import { credentialOf } from '../../../lambda/stream-keys/kinds';
import { generatePassphrase, SRT_PASSPHRASE } from '../../../lambda/stream-keys/passphrase';
import { srtEndpoints } from '../../../lambda/stream-keys/srt-endpoints';
import { STREAM_KEY } from '../../../lambda/stream-keys/stream-key';
import { captureLogs } from '../fixtures';
import { stateChangeFromExample } from '../medialive-events';
import { IngestWorld } from './fake';
import { REGISTRY, SRT_CHANNEL_ARN, SRT_SECRET_ARN } from './fixtures';
import { rotateRequest } from './requests';
import { useStreamKeyAws } from './setup';

const { ml, sm } = useStreamKeyAws();
const studio = REGISTRY.studio as ChannelEntry;
const OLD = 'OldPassphrase0123456789OldPassphrase01234567';

test('passphrases are 44 letters and digits (≈262 bits, inside the 10-79 MediaLive and libsrt accept) and differ every time', () => {
  const all = new Set(Array.from({ length: 200 }, generatePassphrase));
  expect(all.size).toBe(200);
  for (const p of all) expect(p).toMatch(new RegExp(`^[A-Za-z0-9]{${SRT_PASSPHRASE_LENGTH}}$`));
  expect(SRT_PASSPHRASE_LENGTH).toBeGreaterThanOrEqual(10);
  expect(SRT_PASSPHRASE_LENGTH).toBeLessThanOrEqual(64); // ffmpeg's SRT help states 10..64
  expect(SRT_PASSPHRASE_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(256);
});

test('the registry decides the kind: an SRT channel rotates its passphrase, an RTMP one its stream key', () => {
  expect(credentialOf('studio', studio).kind).toBe(SRT_PASSPHRASE);
  expect(credentialOf('main', REGISTRY.main as ChannelEntry).kind).toBe(STREAM_KEY);
  expect(SRT_PASSPHRASE.readAtStart).toBe(true);
  expect(STREAM_KEY.readAtStart).toBe(false);
});

describe('the SRT input as the passphrase kind reads and updates it', () => {
  const input = (secretArn: string | undefined) => ({
    SrtSettings: {
      SrtListenerSettings: {
        Decryption: { Algorithm: 'AES192' as const, PassphraseSecretArn: secretArn },
        MinimumLatency: 1500,
        StreamId: 'cam-1',
      },
    },
  });

  test('the update names the channel secret again, keeping what MediaLive reports (never the value)', () => {
    const fields = SRT_PASSPHRASE.inputFields(studio, 'the-new-value', input('arn:other'));
    expect(fields).toEqual({
      SrtSettings: {
        SrtListenerSettings: {
          Decryption: { Algorithm: 'AES192', PassphraseSecretArn: SRT_SECRET_ARN },
          MinimumLatency: 1500,
          StreamId: 'cam-1',
        },
      },
    });
    expect(JSON.stringify(fields)).not.toContain('the-new-value');
  });

  test('an input that reports no SRT settings (an emulator) gets none', () => {
    expect(SRT_PASSPHRASE.inputFields(studio, 'v', {})).toEqual({});
  });

  test('endpoints: naming the channel secret shows no value (nothing to compare); another secret is a mismatch', () => {
    expect(SRT_PASSPHRASE.endpoints(studio, input(SRT_SECRET_ARN))).toEqual([
      { value: undefined, unreported: true },
      { value: undefined, unreported: true },
    ]);
    expect(SRT_PASSPHRASE.endpoints(studio, input('arn:other')).every((e) => !e.unreported)).toBe(true);
  });
});

test('a single-pipeline channel lists one endpoint even when the input reports two', () => {
  const single = { ...studio, p: 1 as const };
  const endpoints = srtEndpoints(
    single,
    {
      Destinations: [
        { Ip: '198.51.100.10', Port: '5000' },
        { Ip: '198.51.100.20', Port: '5000' },
      ],
      SrtSettings: {
        SrtListenerSettings: {
          Decryption: { Algorithm: 'AES128', PassphraseSecretArn: SRT_SECRET_ARN },
          MinimumLatency: 120,
        },
      },
    },
    'p'.repeat(44),
  );
  expect(endpoints).toEqual([
    {
      url: `srt://198.51.100.10:5000?mode=caller&passphrase=${'p'.repeat(44)}&pbkeylen=16&latency=120000`,
      host: '198.51.100.10',
      port: 5000,
      passphrase: 'p'.repeat(44),
      encryption: 'AES128',
      pbkeylen: 16,
      latencyMs: 120,
    },
  ]);
});

describe('POST /channels/{id}/stream-key on an SRT channel rotates its passphrase', () => {
  test('IDLE: UpdateInput names the secret (no stream names, no value), the answer carries the new srt:// URLs', async () => {
    const w = new IngestWorld(studio, OLD).install(ml, sm);

    const { result: res, logs } = await captureLogs(() => rotate(rotateRequest('studio')));

    expect(res.statusCode).toBe(200);
    const passphrase = w.valueOf('AWSCURRENT') as string;
    expect(passphrase).toMatch(/^[A-Za-z0-9]{44}$/);
    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, {
      InputId: '5555555',
      InputSecurityGroups: ['5551212'],
      SrtSettings: {
        SrtListenerSettings: {
          Decryption: { Algorithm: 'AES256', PassphraseSecretArn: SRT_SECRET_ARN },
          MinimumLatency: 1000,
        },
      },
    });
    const update = ml.commandCalls(UpdateInputCommand)[0]?.args[0].input;
    expect(update?.Destinations).toBeUndefined();
    expect(JSON.stringify(update)).not.toContain(passphrase);
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: SRT_SECRET_ARN,
      SecretString: passphrase,
    });
    const body = JSON.parse(res.body as string);
    expect(body).toMatchObject({ channelId: 'studio', protocol: 'SRT_LISTENER', state: 'IDLE' });
    expect(body.endpoints.map((e: { url: string }) => new URL(e.url).searchParams.get('passphrase'))).toEqual(
      [passphrase, passphrase],
    );
    expect(logs).not.toContain(passphrase);
    expect(logs).not.toContain(OLD);
  });

  test('live: 409 pending, naming the passphrase', async () => {
    new IngestWorld(studio, OLD, [ChannelState.RUNNING]).install(ml, sm);
    const res = await rotate(rotateRequest('studio'));
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body as string)).toMatchObject({
      pending: true,
      state: 'RUNNING',
      message: 'channel "studio" is RUNNING; the SRT passphrase rotates when the channel is next idle',
    });
  });
});

test('the scheduled rotation finds an SRT channel by its passphrase secret and stages a passphrase, logging none', async () => {
  const w = new IngestWorld(studio, OLD).install(ml, sm);
  w.rotationEnabled = true;
  const token = '3f1c2b9a-0d4e-4c4f-9a51-6c2d8e7f1a20';

  const { logs } = await captureLogs(() =>
    rotation({ Step: 'createSecret', SecretId: SRT_SECRET_ARN, ClientRequestToken: token }),
  );

  const staged = w.valueOf('AWSPENDING') as string;
  expect(staged).toMatch(/^[A-Za-z0-9]{44}$/);
  expect(logs).not.toContain(staged);
});

test('a pending passphrase rotation applied at the stop logs no passphrase', async () => {
  const w = new IngestWorld(studio, OLD).install(ml, sm);
  w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');

  const { result, logs } = await captureLogs(() =>
    stateChange(stateChangeFromExample({ channelArn: SRT_CHANNEL_ARN, state: 'STOPPED' })),
  );

  expect(result).toEqual({ channelId: 'studio', result: 'rotated' });
  const current = w.valueOf('AWSCURRENT') as string;
  expect(current).not.toBe(OLD);
  expect(logs).not.toContain(current);
  expect(logs).not.toContain(OLD);
});

test('messages name the kind: a staged passphrase is not "on the input"', () => {
  expect(new PromotionPending('studio', 'SRT passphrase', true).message).toBe(
    'the new SRT passphrase of channel "studio" is staged but could not be made current yet; retry the rotation',
  );
  expect(pendingConflict('studio', 'STARTING', 'SRT passphrase').message).toBe(
    'channel "studio" is STARTING; the SRT passphrase rotates when the channel is next idle',
  );
});

test('an error message quoting an srt:// URL loses the passphrase', () => {
  expect(redact('bad url srt://198.51.100.10:5000?mode=caller&passphrase=Secret0123456789&pbkeylen=32')).toBe(
    'bad url srt://198.51.100.10:5000?mode=caller&passphrase=<redacted>&pbkeylen=32',
  );
});
