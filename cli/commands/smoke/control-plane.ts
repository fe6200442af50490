/** Smoke's control-plane steps: the signed API, start, the test push, live, key rotation, stop. */
import { createHash } from 'node:crypto';
import { pollMs, sleep } from '../../context';
import { httpRequest } from '../../http';
import { Push } from '../../media/push';
import { credentialsOf, type IngestDetails, isSrt } from '../../model';
import {
  channelAction,
  channelStatus,
  ingestDetails,
  listChannels,
  rotateKey,
  waitForState,
} from '../../operator';
import { duration } from '../../output';
import { pickTargets } from '../ingest';
import { type Smoke, type SmokeChannel, StepFailed, stepLimitMs } from './runner';

/** A digest of the channel's ingest credentials: compared, never printed. */
function credentialHash(d: IngestDetails): string {
  return createHash('sha256').update(credentialsOf(d).join('\n')).digest('hex');
}

/** Finds the channel (--channel, else the first): sets `state.id` and, when it exists, `state.view`. */
export function apiIam(s: Smoke): Promise<boolean> {
  const { api, state } = s;
  return s.run.step('api-iam', async () => {
    const channels = await listChannels(api);
    state.id ||= channels[0]?.channelId ?? '';
    state.view = channels.find((c) => c.channelId === state.id);
    if (state.view === undefined)
      throw new StepFailed(
        `no channel "${state.id}" (channels: ${channels.map((c) => c.channelId).join(', ')})`,
        'pass --channel with one of them',
      );
    const unsigned = await httpRequest(api.url('/channels'));
    if (unsigned.status !== 403)
      throw new StepFailed(
        `an unsigned GET /channels answered ${unsigned.status}, not 403`,
        'the operator routes must use AWS_IAM authorization: check lib/constructs/control-api.ts and redeploy',
      );
    return `signed GET /channels: ${channels.length} channel(s); unsigned: 403`;
  });
}

export function start(s: SmokeChannel): Promise<boolean> {
  const { api, id, state } = s;
  return s.run
    .step(
      'start',
      async () => {
        const r = await channelAction(api, id, 'start');
        state.startedAt = r.body.changed ? Date.now() : state.startedAt;
        await waitForState(api, s.ctx.out, id, 'RUNNING', s.run.limit(10 * 60_000));
        if (state.startedAt === undefined) {
          state.wasRunning = true;
          state.startedAt = s.run.started;
        }
        return `${r.body.previousState} → RUNNING`;
      },
      {},
    )
    .catch(() => false);
}

export function pushTest(s: SmokeChannel): Promise<boolean> {
  const { api, id, settings, state } = s;
  return s.run.step(
    'push-test',
    async () => {
      const details = await ingestDetails(api, id);
      state.inputType = details.protocol ?? 'RTMP_PUSH';
      const targets = pickTargets(details, details.endpoints.length > 1 ? 'both' : 'a');
      state.pushStartedAt = Date.now();
      const push = new Push(s.ffmpeg, {
        settings,
        targets,
        seconds: Math.ceil(s.run.left() / 1000) + 60,
        startEpochSeconds: state.pushStartedAt / 1000,
        label: `OnAir smoke ${id}`,
      });
      state.push = push;
      const early = await Promise.race([push.done, sleep(5000).then(() => undefined)]);
      if (early !== undefined)
        throw new StepFailed(
          `ffmpeg stopped at once (exit ${early.code}): ${early.log.split('\n').slice(-2).join(' | ')}`,
          'is your address inside channels[].input.allowedCidrs? does `onair ingest` show a server?',
        );
      return `pushing ${settings.width}x${settings.height} ${settings.framerate} fps, GOP ${settings.keyframeSeconds} s to ${targets.length} endpoint(s)`;
    },
    { needs: ['start'] },
  );
}

export function live(s: SmokeChannel): Promise<boolean> {
  const { api, id } = s;
  return s.run.step(
    'live',
    async () => {
      const t0 = Date.now();
      for (;;) {
        const v = await channelStatus(api, id);
        if (v.live && v.liveSince)
          return `live since ${v.liveSince} (status record from the state-change event)`;
        if (Date.now() - t0 > s.run.limit(3 * 60_000))
          throw new StepFailed(
            `status still says ${v.live ? 'live without liveSince' : 'offline'} (open alerts: ${(v.openAlerts ?? []).map((a) => a.type).join(', ') || 'none'})`,
            'the health function records state changes from EventBridge: check its logs and the MediaLive alerts (`onair status`)',
          );
        s.ctx.out.progress(`waiting for ${id} to be live (${duration(Date.now() - t0)})`);
        await sleep(pollMs(5));
      }
    },
    { needs: ['push-test'] },
  );
}

export function rotateLive(s: SmokeChannel): Promise<boolean> {
  const { api, id, state } = s;
  return s.run.step(
    'rotate-live',
    async () => {
      const before = await ingestDetails(api, id);
      const r = await rotateKey(api, id);
      const after = await ingestDetails(api, id);
      if (r.rotated)
        throw new StepFailed(
          'the key rotated while the channel was live',
          'a live rotation must answer 409 pending (lambda/shared/stream-key.ts)',
        );
      const same = credentialHash(before) === credentialHash(after);
      if (!same) throw new StepFailed('409, but the key changed', 'the rotation must wait for IDLE');
      state.pendingFrom = credentialHash(after);
      const push = state.push;
      const push409 =
        push !== undefined &&
        (await Promise.race([push.done.then(() => false), sleep(100).then(() => true)]));
      return `409 pending, key unchanged${push409 ? ', the push still runs' : ''}; the new key applies at the next stop (then \`onair ingest ${id}\`)`;
    },
    { needs: ['start'] },
  );
}

/** Ends the test push, then stops the channel (unless --keep-running) and sees a pending rotation run. */
export async function stop(s: SmokeChannel): Promise<void> {
  const { api, id, state } = s;
  if (state.push !== undefined) await state.push.stop();
  if (s.options.keepRunning)
    s.run.say({
      step: 'stop',
      ok: true,
      skipped: true,
      detail: '--keep-running: the channel keeps running (and billing)',
      ms: 0,
    });
  else
    await s.run.step('stop', async () => {
      const r = await channelAction(api, id, 'stop');
      await waitForState(api, s.ctx.out, id, 'IDLE', Math.max(s.run.left(), stepLimitMs(5 * 60_000)));
      state.stoppedAt = Date.now();
      if (state.pendingFrom === undefined) return `${r.body.previousState} → IDLE`;
      // The stream-key function applies a pending rotation when MediaLive's state-change event
      // says the channel stopped (an EventBridge rule): it lands seconds after IDLE.
      const t0 = Date.now();
      for (;;) {
        const now = await ingestDetails(api, id);
        if (credentialHash(now) !== state.pendingFrom)
          return `${r.body.previousState} → IDLE; the rotation requested while live ran (new ${isSrt(now) ? 'passphrase' : 'key'}: \`onair ingest ${id}\`)`;
        if (Date.now() - t0 > stepLimitMs(60_000))
          throw new StepFailed(
            `${r.body.previousState} → IDLE, but the rotation requested while live did not run within ${duration(Date.now() - t0)}${now.rotationPending ? ' (still pending)' : ''}`,
            "the stream-key function applies it on MediaLive's state change to STOPPED: check the StreamKeys ChannelStateRule (EventBridge, MediaLive Channel State Change) targets it and may invoke it, and the function's logs (lib/constructs/stream-keys/stream-keys.ts); `onair rotate-key` rotates by hand while idle",
          );
        s.ctx.out.progress(`stop: waiting for the pending rotation (${duration(Date.now() - t0)})`);
        await sleep(pollMs(2));
      }
    });
}
