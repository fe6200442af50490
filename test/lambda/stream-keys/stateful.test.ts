import 'aws-sdk-client-mock-jest';
import { ChannelState, UpdateInputCommand } from '@aws-sdk/client-medialive';
import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { PENDING_ROTATION_TAG } from '../../../lambda/shared/contract';
import type { ChannelEntry } from '../../../lambda/shared/registry';
import { rotate, stateChange } from '../../../lambda/stream-keys';
import { rotationToken } from '../../../lambda/stream-keys/credential';
import { applyPendingRotation, requestRotation } from '../../../lambda/stream-keys/engine';
import { ChannelNotIdleYet, PromotionPending } from '../../../lambda/stream-keys/errors';
import { ingestDetails } from '../../../lambda/stream-keys/ingest-details';
import { DEADLINE_MARGIN_MS, PROMOTION_ATTEMPTS } from '../../../lambda/stream-keys/rotate-idle';
import { STREAM_KEY, streamKeyOf } from '../../../lambda/stream-keys/stream-key';
import { awsError, instantBackoff } from '../fixtures';
import { stateChangeFromExample } from '../medialive-events';
import { StreamKeyWorld } from './fake';
import { CHANNEL_ARN, REGISTRY } from './fixtures';
import { rotateRequest } from './requests';
import { useStreamKeyAws } from './setup';

const { ml, sm, clients, opts } = useStreamKeyAws();
const entry = REGISTRY.main as ChannelEntry;
const OLD_KEY = 'OldKey0123456789OldKey0123456789';
const TOKEN = rotationToken(STREAM_KEY, 'v-old');

function world(...states: string[]): StreamKeyWorld {
  return new StreamKeyWorld(entry, OLD_KEY, states.length ? states : [ChannelState.IDLE]).install(ml, sm);
}

/** The invariant the reviewer's simulation broke: the input accepts exactly the AWSCURRENT key. */
function expectConsistent(w: StreamKeyWorld): void {
  const current = w.valueOf('AWSCURRENT');
  expect(w.inputKeys()).toEqual(Array(entry.p).fill(current));
}

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

describe('A: once the input has the new key, the rotation rolls forward', () => {
  test('promotion fails twice, then succeeds: 200, one UpdateInput, no restore', async () => {
    const w = world().fail('UpdateSecretVersionStage', awsError('InternalServiceError', 500, 'server'), {
      count: 2,
      when: (i) => i.VersionStage === 'AWSCURRENT',
    });

    const out = await requestRotation(clients, streamKeyOf('main', entry), opts);

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
    expect(w.valueOf('AWSCURRENT')).not.toBe(OLD_KEY);
    expect(w.versionWith('AWSPENDING')).toBeUndefined();
  });

  test('promotion keeps failing (and a restore would have failed too): 503 + Retry-After, pending; the next POST finishes the staged key', async () => {
    const w: StreamKeyWorld = world()
      .fail('UpdateSecretVersionStage', awsError('InternalServiceError', 500, 'server'), {
        count: PROMOTION_ATTEMPTS,
        when: (i) => i.VersionStage === 'AWSCURRENT',
      })
      // The reviewer's case: the channel starts right after the key reached the input, so
      // restoring the old key (what the code used to do) would have failed as well.
      .once('UpdateSecretVersionStage', () => w.script(ChannelState.STARTING, ChannelState.IDLE));

    const first = await rotate(rotateRequest('main'));

    expect(first.statusCode).toBe(503);
    expect(first.headers?.['retry-after']).toBe('10');
    expect(JSON.parse(first.body as string)).toMatchObject({ channelId: 'main', rotationPending: true });
    expect(w.count('UpdateInput')).toBe(1); // no restore attempt
    const staged = w.valueOf('AWSPENDING') as string;
    expect(w.inputKeys()).toEqual([staged, staged]);
    expect(w.valueOf('AWSCURRENT')).toBe(OLD_KEY);
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);

    // GET …/ingest never serves a key the input rejects: it says so and shows the input's key.
    const details = await ingestDetails(clients, 'main', entry);
    expect(details.inconsistent).toBe(true);
    expect(details.rotationPending).toBe(true);
    expect(details.endpoints.map((e) => e.streamKey)).toEqual([staged, staged]);

    const second = await rotate(rotateRequest('main'));

    expect(second.statusCode).toBe(200);
    expect(w.valueOf('AWSCURRENT')).toBe(staged); // rolled forward: the same key, no third one
    expectConsistent(w);
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
    expect(w.versionWith('AWSPENDING')).toBeUndefined();
    expect(
      JSON.parse(second.body as string).endpoints.map((e: { streamKey: string }) => e.streamKey),
    ).toEqual([staged, staged]);
    expect((await ingestDetails(clients, 'main', entry)).inconsistent).toBe(false);
  });

  test('an interrupted rotation is finished by the channel-state handler at the next IDLE', async () => {
    const w = world().fail('UpdateSecretVersionStage', awsError('ThrottlingException'), {
      count: PROMOTION_ATTEMPTS,
      when: (i) => i.VersionStage === 'AWSCURRENT',
    });
    await expect(requestRotation(clients, streamKeyOf('main', entry), opts)).rejects.toBeInstanceOf(
      PromotionPending,
    );
    const staged = w.valueOf('AWSPENDING');

    await expect(
      applyPendingRotation(clients, streamKeyOf('main', entry), { ...opts, eventState: 'STOPPED' }),
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
      stateChangeFromExample({ channelArn: CHANNEL_ARN, state: 'STOPPED' }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PromotionPending' });
    expect(err).not.toHaveProperty('statusCode');
  });

  test('UpdateInput took effect but its response was lost: the input is read back and the key promoted', async () => {
    const w = world().fail('UpdateInput', awsError('TimeoutError', 0), { afterEffect: true });

    const out = await requestRotation(clients, streamKeyOf('main', entry), opts);

    expect(out.rotated).toBe(true);
    expect(w.valueOf('AWSCURRENT')).not.toBe(OLD_KEY);
    expectConsistent(w);
  });

  test('UpdateInput failed and the input cannot be read: the staged key is kept for the next rotation (503)', async () => {
    const w: StreamKeyWorld = world()
      .fail('UpdateInput', awsError('InternalServerErrorException', 500, 'server'), { afterEffect: true })
      .fail('DescribeInput', awsError('InternalServerErrorException', 500, 'server'), {
        when: () => w.count('UpdateInput') > 0,
      });

    await expect(requestRotation(clients, streamKeyOf('main', entry), opts)).rejects.toMatchObject({
      name: 'InternalServerErrorException',
    });
    const staged = w.valueOf('AWSPENDING');
    expect(staged).toBeDefined();

    await requestRotation(clients, streamKeyOf('main', entry), opts);
    expect(w.valueOf('AWSCURRENT')).toBe(staged);
    expectConsistent(w);
  });

  test('promotion retries stop at the time budget (Lambda remaining time) and pass an abort signal', async () => {
    world().fail('UpdateSecretVersionStage', awsError('InternalServiceError', 500, 'server'), {
      count: 100,
      when: (i) => i.VersionStage === 'AWSCURRENT',
    });

    await expect(
      requestRotation(clients, streamKeyOf('main', entry), {
        ...opts,
        remainingMs: () => DEADLINE_MARGIN_MS + 500,
      }),
    ).rejects.toBeInstanceOf(PromotionPending);

    const n = promotions().length;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(PROMOTION_ATTEMPTS);
    const call = sm.commandCalls(UpdateSecretVersionStageCommand)[0];
    expect(
      ((call?.args as unknown[] | undefined)?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal,
    ).toBeInstanceOf(AbortSignal);
  });

  test('UpdateInput passes the input security groups back', async () => {
    world();
    await requestRotation(clients, streamKeyOf('main', entry), opts);
    expect(ml).toHaveReceivedCommandWith(UpdateInputCommand, { InputSecurityGroups: ['5551212'] });
  });
});

describe('B: a request made while the channel is stopping', () => {
  test('the channel reaches IDLE before the tag is written → rotated now (200), tag removed', async () => {
    const w = world(ChannelState.STOPPING, ChannelState.IDLE);

    const out = await requestRotation(clients, streamKeyOf('main', entry), opts);

    expect(out.rotated).toBe(true);
    expect(w.count('TagResource')).toBe(1);
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
    expect(w.valueOf('AWSCURRENT')).not.toBe(OLD_KEY);
    expectConsistent(w);
  });

  test('still not IDLE after the tag → pending, nothing rotated', async () => {
    const w = world(ChannelState.STOPPING, ChannelState.STOPPING);
    const out = await requestRotation(clients, streamKeyOf('main', entry), opts);
    expect(out).toEqual({ rotated: false, pending: true, state: 'STOPPING' });
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);
    expect(w.count('UpdateInput')).toBe(0);
  });
});

describe('C: UpdateInput refused on a channel that was IDLE', () => {
  test('the channel is still IDLE (input busy) → 409 + Retry-After, no tag, AWSPENDING removed', async () => {
    const w = world().fail('UpdateInput', awsError('ConflictException', 409), { count: 3 });

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(409);
    expect(res.headers?.['retry-after']).toBe('10');
    expect(JSON.parse(res.body as string)).not.toHaveProperty('pending');
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
    expect(w.versionWith('AWSPENDING')).toBeUndefined();
    expect(w.valueOf('AWSCURRENT')).toBe(OLD_KEY);
    expectConsistent(w);
  });

  test('the channel started meanwhile → 409 pending (tag), AWSPENDING removed; the next stop rotates', async () => {
    const w = world(ChannelState.IDLE);
    w.once('PutSecretValue', () => w.script(ChannelState.STARTING));

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body as string)).toMatchObject({ pending: true, state: 'STARTING' });
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);
    expect(w.versionWith('AWSPENDING')).toBeUndefined(); // a RotationSchedule change would not be blocked
    expectConsistent(w);

    w.script(ChannelState.IDLE);
    await expect(
      applyPendingRotation(clients, streamKeyOf('main', entry), { ...opts, eventState: 'STOPPED' }),
    ).resolves.toBe('rotated');
    expect(w.valueOf('AWSCURRENT')).not.toBe(OLD_KEY);
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
    expectConsistent(w);
  });

  test('a throttled UpdateInput on an IDLE channel → 503, AWSPENDING removed, nothing pending', async () => {
    const w = world().fail('UpdateInput', awsError('TooManyRequestsException', 429));
    const res = await rotate(rotateRequest('main'));
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
      applyPendingRotation(clients, streamKeyOf('main', entry), { ...opts, eventState: 'STOPPED' }),
    ).rejects.toBeInstanceOf(ChannelNotIdleYet);
    expect(w.count('UpdateInput')).toBe(0);
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(true);
  });

  test('a RUNNING event on a running channel just waits', async () => {
    const w = world(ChannelState.RUNNING);
    w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');
    await expect(
      applyPendingRotation(clients, streamKeyOf('main', entry), { ...opts, eventState: 'RUNNING' }),
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
      applyPendingRotation(clients, streamKeyOf('main', entry), { ...opts, eventState: 'STOPPED' }),
    ).resolves.toBe('rotated');

    expect(w.tags.get(PENDING_ROTATION_TAG)).toBe('2026-11-25T10:00:05.000Z');
    expect(w.count('UntagResource')).toBe(0);
  });

  test('an unchanged tag is cleared', async () => {
    const w = world();
    w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');
    await applyPendingRotation(clients, streamKeyOf('main', entry), { ...opts, eventState: 'STOPPED' });
    expect(w.tags.has(PENDING_ROTATION_TAG)).toBe(false);
  });
});

describe('F: a rotation that succeeded is reported as such', () => {
  test('untagging fails → 200 with the installed key and rotationPending: true', async () => {
    const w = world().fail('UntagResource', awsError('InternalServiceError', 500, 'server'));
    w.tags.set(PENDING_ROTATION_TAG, '2026-11-25T10:00:00.000Z');

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body as string);
    expect(body.rotationPending).toBe(true);
    expect(body.endpoints.map((e: { streamKey: string }) => e.streamKey)).toEqual(w.inputKeys());
    expectConsistent(w);
  });

  test('DescribeInput/DescribeSecret failing after the rotation cannot turn it into an error', async () => {
    const w: StreamKeyWorld = world()
      .fail('DescribeInput', awsError('TooManyRequestsException', 429), {
        count: 10,
        when: () => w.count('UpdateInput') > 0,
      })
      .fail('DescribeSecret', awsError('ThrottlingException'), {
        count: 10,
        when: () => w.count('UpdateInput') > 0,
      });

    const res = await rotate(rotateRequest('main'));

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string).endpoints).toEqual([
      { server: 'rtmp://198.51.100.10:1935/main', streamKey: w.valueOf('AWSCURRENT') },
      { server: 'rtmp://198.51.100.20:1935/main', streamKey: w.valueOf('AWSCURRENT') },
    ]);
  });
});

test('a staged AWSPENDING repeating the current key is not adopted (a real new key is generated)', async () => {
  const w = world();
  w.versions.set('v-dup', { value: OLD_KEY, stages: new Set(['AWSPENDING']) });

  await requestRotation(clients, streamKeyOf('main', entry), opts);

  expect(w.valueOf('AWSCURRENT')).not.toBe(OLD_KEY);
  expect(w.versionWith('AWSCURRENT')).toBe(TOKEN);
  expectConsistent(w);
});

test('two concurrent rotations leave the input and AWSCURRENT agreeing, nothing staged', async () => {
  const w = world();
  const [a, b] = await Promise.all([
    requestRotation(clients, streamKeyOf('main', entry), opts),
    requestRotation(clients, streamKeyOf('main', entry), opts),
  ]);
  expect(a.rotated && b.rotated).toBe(true);
  expect(w.valueOf('AWSCURRENT')).not.toBe(OLD_KEY);
  expectConsistent(w);
  expect(w.versionWith('AWSPENDING')).toBeUndefined();
});

test('an emulator that reports destinations without Ip/Url: rotation and ingest details still agree', async () => {
  const w = world();
  w.reportsNoUrls = true;
  const res = await rotate(rotateRequest('main'));
  expect(res.statusCode).toBe(200);
  const body = JSON.parse(res.body as string) as { endpoints: { server?: string; streamKey: string }[] };
  const newKey = w.valueOf('AWSCURRENT') as string;
  expect(newKey).not.toBe(OLD_KEY);
  expect(body.endpoints).toEqual(Array(entry.p).fill({ streamKey: newKey }));
  expectConsistent(w);
  const details = await ingestDetails(clients, 'main', entry);
  expect(details.inconsistent).toBe(false);
  expect(details.endpoints.map((e) => e.streamKey)).toEqual(Array(entry.p).fill(newKey));
});
