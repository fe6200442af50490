import 'aws-sdk-client-mock-jest';
import { ChannelState, UpdateInputCommand } from '@aws-sdk/client-medialive';
import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../../../lambda/shared/contract';
import type { ChannelEntry } from '../../../lambda/shared/registry';
import { rotate, stateChange } from '../../../lambda/stream-keys';
import { type CredentialKind, rotationToken } from '../../../lambda/stream-keys/credential';
import { applyPendingRotation, requestRotation } from '../../../lambda/stream-keys/engine';
import { ChannelNotIdleYet, PromotionPending, RotationRefused } from '../../../lambda/stream-keys/errors';
import { type IngestDetails, ingestDetails } from '../../../lambda/stream-keys/ingest-details';
import { credentialOf } from '../../../lambda/stream-keys/kinds';
import { SRT_PASSPHRASE } from '../../../lambda/stream-keys/passphrase';
import { RotationStep, runStep } from '../../../lambda/stream-keys/protocol';
import { DEADLINE_MARGIN_MS, PROMOTION_ATTEMPTS } from '../../../lambda/stream-keys/rotate-idle';
import { STREAM_KEY } from '../../../lambda/stream-keys/stream-key';
import { awsError, instantBackoff } from '../fixtures';
import { stateChangeFromExample } from '../medialive-events';
import { IngestWorld } from './fake';
import { CHANNEL_ARN, REGISTRY, SRT_CHANNEL_ARN } from './fixtures';
import { rotateRequest } from './requests';
import { useStreamKeyAws } from './setup';

const { ml, sm, clients, opts } = useStreamKeyAws();
const { logger, sleep: noSleep } = opts;

/**
 * The two kinds of ingest credential, run through one fault matrix by the one rotation engine.
 * Where they differ, the difference is the kind's: an RTMP input holds the key it accepts (so once
 * UpdateInput installed a key, that key must become current), an SRT input names the passphrase
 * secret and MediaLive reads AWSCURRENT when the channel starts (so the passphrase may become
 * current only while the channel is idle, and no endpoint ever shows it).
 */
interface KindCase {
  readonly name: string;
  readonly kind: CredentialKind;
  /** The registry channel with an input of this kind (STANDARD: two endpoints). */
  readonly channelId: string;
  readonly channelArn: string;
  readonly oldValue: string;
  /** The credential an ingest endpoint shows. */
  readonly shown: (endpoint: IngestDetails['endpoints'][number]) => string;
  /** The endpoints an answer lists when the input serves `value` (from the world's input). */
  readonly endpoints: (value: string, reportsNothing?: boolean) => unknown[];
}

const CASES: KindCase[] = [
  {
    name: 'RTMP stream key',
    kind: STREAM_KEY,
    channelId: 'main',
    channelArn: CHANNEL_ARN,
    oldValue: 'OldKey0123456789OldKey0123456789',
    shown: (e) => (e as { streamKey: string }).streamKey,
    endpoints: (value, reportsNothing) =>
      reportsNothing
        ? [{ streamKey: value }, { streamKey: value }]
        : [
            { server: 'rtmp://198.51.100.10:1935/main', streamKey: value },
            { server: 'rtmp://198.51.100.20:1935/main', streamKey: value },
          ],
  },
  {
    name: 'SRT passphrase',
    kind: SRT_PASSPHRASE,
    channelId: 'studio',
    channelArn: SRT_CHANNEL_ARN,
    oldValue: 'OldPassphrase0123456789OldPassphrase01234567',
    shown: (e) => (e as { passphrase: string }).passphrase,
    endpoints: (value, reportsNothing) =>
      reportsNothing
        ? [{ passphrase: value }, { passphrase: value }]
        : ['198.51.100.10', '198.51.100.20'].map((host) => ({
            url: `srt://${host}:5000?mode=caller&passphrase=${value}&pbkeylen=32&latency=1000000`,
            host,
            port: 5000,
            passphrase: value,
            encryption: 'AES256',
            pbkeylen: 32,
            latencyMs: 1000,
          })),
  },
];

function promotions() {
  return sm
    .commandCalls(UpdateSecretVersionStageCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.VersionStage === 'AWSCURRENT');
}

beforeEach(() => {
  instantBackoff(); // the handler's backoff sleeps
});
afterEach(() => jest.restoreAllMocks());

describe.each(CASES)('$name', (K) => {
  const entry = REGISTRY[K.channelId] as ChannelEntry;
  const OLD = K.oldValue;
  const TOKEN = rotationToken(K.kind, 'v-old');
  const credential = () => credentialOf(K.channelId, entry);

  function world(...states: string[]): IngestWorld {
    return new IngestWorld(entry, OLD, states.length ? states : [ChannelState.IDLE]).install(ml, sm);
  }

  /**
   * The invariant the reviewer's simulation broke: the input accepts exactly the AWSCURRENT value
   * (an SRT input: reads it at the next start); and a value MediaLive reads at start became
   * current only while the channel was idle (a channel starting meanwhile may load the old one).
   */
  function expectConsistent(w: IngestWorld): void {
    expect(w.inputAccepts()).toEqual(Array(entry.p).fill(w.valueOf('AWSCURRENT')));
    if (K.kind.readAtStart) expect(w.promotedWhile.filter((s) => s !== ChannelState.IDLE)).toEqual([]);
  }

  describe('A: once the input has the new key, the rotation rolls forward', () => {
    test('promotion fails twice, then succeeds: 200, one UpdateInput, no restore', async () => {
      const w = world().fail('UpdateSecretVersionStage', awsError('InternalServiceError', 500, 'server'), {
        count: 2,
        when: (i) => i.VersionStage === 'AWSCURRENT',
      });

      const out = await requestRotation(clients, credential(), opts);

      expect(out.rotated).toBe(true);
      expect(w.count('UpdateInput')).toBe(1);
      expect(promotions()).toHaveLength(3);
      for (const p of promotions())
        expect(p).toEqual({
          SecretId: entry.key,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: TOKEN,
          RemoveFromVersionId: 'v-old',
        });
      expectConsistent(w);
      expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
      expect(w.versionWith('AWSPENDING')).toBeUndefined();
    });

    test('promotion keeps failing (and a restore would have failed too): 503 + Retry-After, pending; the next POST finishes the staged key', async () => {
      const w: IngestWorld = world()
        .fail('UpdateSecretVersionStage', awsError('InternalServiceError', 500, 'server'), {
          count: PROMOTION_ATTEMPTS,
          when: (i) => i.VersionStage === 'AWSCURRENT',
        })
        // The reviewer's case: the channel starts right after the key reached the input, so
        // restoring the old key (what the code used to do) would have failed as well.
        .once('UpdateSecretVersionStage', () => w.script(ChannelState.STARTING, ChannelState.IDLE));

      const first = await rotate(rotateRequest(K.channelId));

      expect(first.statusCode).toBe(503);
      expect(first.headers?.['retry-after']).toBe('10');
      expect(JSON.parse(first.body as string)).toMatchObject({
        channelId: K.channelId,
        rotationPending: true,
      });
      expect(w.count('UpdateInput')).toBe(1); // no restore attempt
      const staged = w.valueOf('AWSPENDING') as string;
      // An RTMP input already holds the staged key; an SRT input reads AWSCURRENT when the
      // starting channel loads it, which is still the old passphrase.
      const accepted = K.kind.readAtStart ? OLD : staged;
      expect(w.inputAccepts()).toEqual([accepted, accepted]);
      expect(w.valueOf('AWSCURRENT')).toBe(OLD);
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);

      // GET …/ingest never serves a value the input rejects: for RTMP it says so and shows the
      // input's key; for SRT the old passphrase is still what the channel uses.
      const details = await ingestDetails(clients, K.channelId, entry);
      expect(details.inconsistent).toBe(!K.kind.readAtStart);
      expect(details.rotationPending).toBe(true);
      expect(details.endpoints.map(K.shown)).toEqual([accepted, accepted]);

      const second = await rotate(rotateRequest(K.channelId));

      expect(second.statusCode).toBe(200);
      expect(w.valueOf('AWSCURRENT')).toBe(staged); // rolled forward: the same key, no third one
      expectConsistent(w);
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
      expect(w.versionWith('AWSPENDING')).toBeUndefined();
      expect((JSON.parse(second.body as string) as IngestDetails).endpoints.map(K.shown)).toEqual([
        staged,
        staged,
      ]);
      expect((await ingestDetails(clients, K.channelId, entry)).inconsistent).toBe(false);
    });

    test('an interrupted rotation is finished by the channel-state handler at the next IDLE', async () => {
      const w = world().fail('UpdateSecretVersionStage', awsError('ThrottlingException'), {
        count: PROMOTION_ATTEMPTS,
        when: (i) => i.VersionStage === 'AWSCURRENT',
      });
      await expect(requestRotation(clients, credential(), opts)).rejects.toBeInstanceOf(PromotionPending);
      const staged = w.valueOf('AWSPENDING');

      await expect(
        applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' }),
      ).resolves.toBe('rotated');

      expect(w.valueOf('AWSCURRENT')).toBe(staged);
      expectConsistent(w);
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
    });

    test('the channel-state handler fails with the domain error, never an HTTP one', async () => {
      const w = world().fail('UpdateSecretVersionStage', awsError('ThrottlingException'), {
        count: PROMOTION_ATTEMPTS,
        when: (i) => i.VersionStage === 'AWSCURRENT',
      });
      w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');
      const err = await stateChange(
        stateChangeFromExample({ channelArn: K.channelArn, state: 'STOPPED' }),
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'PromotionPending' });
      expect(err).not.toHaveProperty('statusCode');
    });

    test('UpdateInput took effect but its response was lost: the input is read back (RTMP: key promoted; SRT: nothing to read, nothing changed)', async () => {
      const w = world().fail('UpdateInput', awsError('TimeoutError', 0), { afterEffect: true });

      const out = requestRotation(clients, credential(), opts);

      if (K.kind.readAtStart) {
        // An SRT input never shows the passphrase, so a failed update proves nothing: the error
        // surfaces (503), our staged value is dropped and the old passphrase stays current.
        await expect(out).rejects.toMatchObject({ name: 'TimeoutError' });
        expect(w.valueOf('AWSCURRENT')).toBe(OLD);
        expect(w.versionWith('AWSPENDING')).toBeUndefined();
      } else {
        expect((await out).rotated).toBe(true);
        expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
      }
      expectConsistent(w);
    });

    test('UpdateInput failed and the input cannot be read: the staged key is kept for the next rotation (503)', async () => {
      const w: IngestWorld = world()
        .fail('UpdateInput', awsError('InternalServerErrorException', 500, 'server'), { afterEffect: true })
        .fail('DescribeInput', awsError('InternalServerErrorException', 500, 'server'), {
          when: () => w.count('UpdateInput') > 0,
        });

      await expect(requestRotation(clients, credential(), opts)).rejects.toMatchObject({
        name: 'InternalServerErrorException',
      });
      const staged = w.valueOf('AWSPENDING');
      expect(staged).toBeDefined();

      await requestRotation(clients, credential(), opts);
      expect(w.valueOf('AWSCURRENT')).toBe(staged);
      expectConsistent(w);
    });

    test('promotion retries stop at the time budget (Lambda remaining time) and pass an abort signal', async () => {
      world().fail('UpdateSecretVersionStage', awsError('InternalServiceError', 500, 'server'), {
        count: 100,
        when: (i) => i.VersionStage === 'AWSCURRENT',
      });

      await expect(
        requestRotation(clients, credential(), {
          ...opts,
          remainingMs: () => DEADLINE_MARGIN_MS + 500,
        }),
      ).rejects.toBeInstanceOf(PromotionPending);

      const n = promotions().length;
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThan(PROMOTION_ATTEMPTS);
      const call = sm.commandCalls(UpdateSecretVersionStageCommand)[0];
      expect(
        ((call?.args as unknown[] | undefined)?.[1] as { abortSignal?: AbortSignal } | undefined)
          ?.abortSignal,
      ).toBeInstanceOf(AbortSignal);
    });

    test('UpdateInput passes the input security groups back', async () => {
      world();
      await requestRotation(clients, credential(), opts);
      expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, { InputSecurityGroups: ['5551212'] });
    });
  });

  describe('B: a request made while the channel is stopping', () => {
    test('the channel reaches IDLE before the tag is written → rotated now (200), tag removed', async () => {
      const w = world(ChannelState.STOPPING, ChannelState.IDLE);

      const out = await requestRotation(clients, credential(), opts);

      expect(out.rotated).toBe(true);
      expect(w.count('TagResource')).toBe(1);
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
      expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
      expectConsistent(w);
    });

    test('still not IDLE after the tag → pending, nothing rotated', async () => {
      const w = world(ChannelState.STOPPING, ChannelState.STOPPING);
      const out = await requestRotation(clients, credential(), opts);
      expect(out).toEqual({ rotated: false, pending: true, state: 'STOPPING' });
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);
      expect(w.count('UpdateInput')).toBe(0);
    });
  });

  describe('C: UpdateInput refused on a channel that was IDLE', () => {
    test('the channel is still IDLE (input busy) → 409 + Retry-After, no tag, AWSPENDING removed', async () => {
      const w = world().fail('UpdateInput', awsError('ConflictException', 409), { count: 3 });

      const res = await rotate(rotateRequest(K.channelId));

      expect(res.statusCode).toBe(409);
      expect(res.headers?.['retry-after']).toBe('10');
      expect(JSON.parse(res.body as string)).not.toHaveProperty('pending');
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
      expect(w.versionWith('AWSPENDING')).toBeUndefined();
      expect(w.valueOf('AWSCURRENT')).toBe(OLD);
      expectConsistent(w);
    });

    test('the channel started meanwhile → 409 pending (tag), AWSPENDING removed; the next stop rotates', async () => {
      const w = world(ChannelState.IDLE);
      w.once('PutSecretValue', () => w.script(ChannelState.STARTING));

      const res = await rotate(rotateRequest(K.channelId));

      expect(res.statusCode).toBe(409);
      expect(JSON.parse(res.body as string)).toMatchObject({ pending: true, state: 'STARTING' });
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);
      expect(w.versionWith('AWSPENDING')).toBeUndefined(); // a RotationSchedule change would not be blocked
      expectConsistent(w);

      w.script(ChannelState.IDLE);
      await expect(
        applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' }),
      ).resolves.toBe('rotated');
      expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
      expectConsistent(w);
    });

    test('a throttled UpdateInput on an IDLE channel → 503, AWSPENDING removed, nothing pending', async () => {
      const w = world().fail('UpdateInput', awsError('TooManyRequestsException', 429));
      const res = await rotate(rotateRequest(K.channelId));
      expect(res.statusCode).toBe(503);
      expect(w.versionWith('AWSPENDING')).toBeUndefined();
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
      expectConsistent(w);
    });
  });

  describe('D: a stop event that DescribeChannel does not show yet', () => {
    test('STOPPED event but the channel is STOPPING → throws (Lambda retries), nothing changed', async () => {
      const w = world(ChannelState.STOPPING);
      w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');
      await expect(
        applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' }),
      ).rejects.toBeInstanceOf(ChannelNotIdleYet);
      expect(w.count('UpdateInput')).toBe(0);
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);
    });

    test('a RUNNING event on a running channel just waits', async () => {
      const w = world(ChannelState.RUNNING);
      w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');
      await expect(
        applyPendingRotation(clients, credential(), { ...opts, eventState: 'RUNNING' }),
      ).resolves.toBe('not-idle');
    });
  });

  describe('E: the state-change handler never clears a newer request', () => {
    test('a request recorded during the rotation keeps its tag', async () => {
      const w = world();
      w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');
      // An operator POSTs while the handler is between UpdateInput and untagging.
      w.on('UpdateInput', () => w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:05.000Z'));

      await expect(
        applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' }),
      ).resolves.toBe('rotated');

      expect(w.tags.get(PENDING_ROTATION_TAG)).toBe('2026-11-25T10:00:05.000Z');
      expect(w.count('UntagResource')).toBe(0);
    });

    test('an unchanged tag is cleared', async () => {
      const w = world();
      w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');
      await applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' });
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
    });
  });

  describe('F: a rotation that succeeded is reported as such', () => {
    test('untagging fails → 200 with the installed key and rotationPending: true', async () => {
      const w = world().fail('UntagResource', awsError('InternalServiceError', 500, 'server'));
      w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');

      const res = await rotate(rotateRequest(K.channelId));

      expect(res.statusCode).toBe(200);
      const body = JSON.parse(res.body as string);
      expect(body.rotationPending).toBe(true);
      expect((body as IngestDetails).endpoints.map(K.shown)).toEqual(w.inputAccepts());
      expectConsistent(w);
    });

    test('DescribeInput/DescribeSecret failing after the rotation cannot turn it into an error', async () => {
      const w: IngestWorld = world()
        .fail('DescribeInput', awsError('TooManyRequestsException', 429), {
          count: 10,
          when: () => w.count('UpdateInput') > 0,
        })
        .fail('DescribeSecret', awsError('ThrottlingException'), {
          count: 10,
          when: () => w.count('UpdateInput') > 0,
        });

      const res = await rotate(rotateRequest(K.channelId));

      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body as string).endpoints).toEqual(
        K.endpoints(w.valueOf('AWSCURRENT') as string),
      );
    });
  });

  test('a staged AWSPENDING repeating the current key is not adopted (a real new key is generated)', async () => {
    const w = world();
    w.versions.set('v-dup', { value: OLD, stages: new Set(['AWSPENDING']) });

    await requestRotation(clients, credential(), opts);

    expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
    expect(w.versionWith('AWSCURRENT')).toBe(TOKEN);
    expectConsistent(w);
  });

  test('two concurrent rotations leave the input and AWSCURRENT agreeing, nothing staged', async () => {
    const w = world();
    const [a, b] = await Promise.all([
      requestRotation(clients, credential(), opts),
      requestRotation(clients, credential(), opts),
    ]);
    expect(a.rotated && b.rotated).toBe(true);
    expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
    expectConsistent(w);
    expect(w.versionWith('AWSPENDING')).toBeUndefined();
  });

  test('an emulator that reports destinations without Ip/Url: rotation and ingest details still agree', async () => {
    const w = world();
    w.reportsNoUrls = true;
    const res = await rotate(rotateRequest(K.channelId));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body as string) as IngestDetails;
    const newKey = w.valueOf('AWSCURRENT') as string;
    expect(newKey).not.toBe(OLD);
    expect(body.endpoints).toEqual(K.endpoints(newKey, true));
    expectConsistent(w);
    const details = await ingestDetails(clients, K.channelId, entry);
    expect(details.inconsistent).toBe(false);
    expect(details.endpoints.map(K.shown)).toEqual(Array(entry.p).fill(newKey));
  });

  describe('G: the channel starts while the new value is on its way', () => {
    test('between UpdateInput and the promotion (RTMP: the input holds the new key, promote; SRT: pending, nothing promoted)', async () => {
      // DescribeChannel says IDLE to the request, then STARTING (UpdateInput still found it idle).
      const w = world(ChannelState.IDLE, ChannelState.STARTING);

      const out = await requestRotation(clients, credential(), opts);

      if (K.kind.readAtStart) {
        expect(out).toEqual({ rotated: false, pending: true, state: ChannelState.STARTING });
        expect(w.valueOf('AWSCURRENT')).toBe(OLD);
        expect(w.versionWith('AWSPENDING')).toBeUndefined();
        expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);
        expect(promotions()).toHaveLength(0);
        // The channel's next stop applies the request.
        w.script(ChannelState.IDLE);
        await expect(
          applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' }),
        ).resolves.toBe('rotated');
        expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
        expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
      } else {
        expect(out.rotated).toBe(true);
        expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
      }
      expectConsistent(w);
    });

    test('a pending request applied at IDLE while the channel starts again waits for the next IDLE', async () => {
      const w = world(ChannelState.IDLE, ChannelState.STARTING);
      w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');

      const result = await applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' });

      expect(result).toBe(K.kind.readAtStart ? 'not-idle' : 'rotated');
      expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(K.kind.readAtStart);
      expectConsistent(w);
    });
  });

  describe('H: scheduled rotation (Secrets Manager calls the four steps)', () => {
    const SM_TOKEN = '3f1c2b9a-0d4e-4c4f-9a51-6c2d8e7f1a20';
    const steps = [RotationStep.CREATE, RotationStep.SET, RotationStep.TEST, RotationStep.FINISH];
    const run = (step: RotationStep) =>
      runStep({ clients, logger, sleep: noSleep }, step, { credential: credential(), token: SM_TOKEN });

    test('an idle channel: the four steps stage, install, test and promote the new value', async () => {
      const w = world();
      w.rotationEnabled = true;

      for (const step of steps) await run(step);

      expect(w.versionWith('AWSCURRENT')).toBe(SM_TOKEN);
      expect(w.valueOf('AWSCURRENT')).not.toBe(OLD);
      expect(w.versionWith('AWSPENDING')).toBeUndefined();
      expectConsistent(w);
    });

    test('the channel starts between setSecret and finishSecret (RTMP: finish; SRT: refused, finished at the next IDLE)', async () => {
      const w = world();
      w.rotationEnabled = true;
      await run(RotationStep.CREATE);
      await run(RotationStep.SET);
      await run(RotationStep.TEST);
      w.script(ChannelState.STARTING);

      if (K.kind.readAtStart) {
        await expect(run(RotationStep.FINISH)).rejects.toBeInstanceOf(RotationRefused);
        expect(w.valueOf('AWSCURRENT')).toBe(OLD);
        expectConsistent(w);
        const staged = w.valueOf('AWSPENDING');
        w.script(ChannelState.IDLE);
        await expect(
          applyPendingRotation(clients, credential(), { ...opts, eventState: 'STOPPED' }),
        ).resolves.toBe('rotated');
        expect(w.valueOf('AWSCURRENT')).toBe(staged);
      } else {
        await run(RotationStep.FINISH);
        expect(w.versionWith('AWSCURRENT')).toBe(SM_TOKEN);
      }
      expectConsistent(w);
    });

    test('setSecret refuses while the channel is not idle, for either kind', async () => {
      const w = world(ChannelState.RUNNING);
      w.rotationEnabled = true;
      await run(RotationStep.CREATE);
      await expect(run(RotationStep.SET)).rejects.toBeInstanceOf(RotationRefused);
      expect(w.count('UpdateInput')).toBe(0);
      expect(w.valueOf('AWSCURRENT')).toBe(OLD);
      expectConsistent(w);
    });
  });
});
