/** Smoke's operations steps: a clip is harvested, the alarms' metrics have data, the alarms are OK. */
import { pollMs, sleep } from '../../context';
import { ChannelOutput, channelOutput } from '../../deployment';
import { createClip } from '../../operator';
import { duration } from '../../output';
import {
  alarmMetrics,
  channelAlarms,
  expectedAlarms,
  medialiveChannelIdOf,
  metricLabel,
  metricsWithoutData,
  recentlyListed,
  wronglyDimensioned,
} from '../../smoke';
import { waitForClip } from '../clip';
import { type SmokeChannel, StepFailed } from './runner';

export function clip(s: SmokeChannel): Promise<boolean> {
  const { api, id, clipSeconds } = s;
  return s.run.step(
    'clip',
    async () => {
      const wait = s.state.pushStartedAt + (clipSeconds + 5) * 1000 - Date.now();
      if (wait > 0) {
        s.ctx.out.progress(`clip: letting ${clipSeconds} s of stream accumulate`);
        await sleep(wait);
      }
      const now = new Date();
      const clip = await createClip(api, id, {
        start: new Date(now.getTime() - clipSeconds * 1000).toISOString(),
        end: now.toISOString(),
      });
      const done = await waitForClip(api, s.ctx.out, id, clip, s.run.limit(10 * 60_000));
      if (done.status !== 'SUCCEEDED')
        throw new StepFailed(
          `clip ${done.clipId} ${done.status}`,
          'MediaPackage harvest failed: check the harvest role and the archive bucket policy (docs/archive-and-clips.md)',
        );
      return `${clipSeconds} s clip ${done.clipId} SUCCEEDED → ${done.manifest ?? ''}`;
    },
    { needs: ['live'] },
  );
}

export function metrics(s: SmokeChannel): Promise<boolean> {
  const { aws, d, id } = s;
  return s.run.step(
    'metrics',
    async () => {
      const alarms = (await channelAlarms(aws, d.stage, id)).channel;
      const ml = medialiveChannelIdOf(alarms) ?? channelOutput(d, ChannelOutput.MEDIALIVE_CHANNEL_ID, id);
      if (ml === undefined)
        throw new StepFailed(
          `no alarm of ${id} names its MediaLive channel (and the stack has no channel output)`,
          'deploy both stacks of this version (npx cdk deploy --all)',
        );
      const expected = alarmMetrics(alarms).filter((m) => m.dimensions.ChannelId === ml);
      if (expected.length === 0)
        throw new StepFailed(
          `no alarm of ${id} reads a MediaLive metric of channel ${ml}`,
          'deploy both stacks of this version (npx cdk deploy --all)',
        );
      // This run's datapoints only (from when it started the channel, at most 15 min back), so an
      // earlier run's data does not pass; MediaLive publishes its metrics once a minute.
      const since = new Date(Math.max(s.state.startedAt ?? 0, Date.now() - 15 * 60_000));
      const t0 = Date.now();
      const wait = s.run.limit(5 * 60_000);
      for (;;) {
        const missing = await metricsWithoutData(aws, expected, since);
        if (missing.length === 0)
          return `${expected.length} MediaLive metrics the alarms read have datapoints since ${since.toISOString()} (GetMetricData, the alarms' dimensions)`;
        if (Date.now() - t0 >= wait) {
          const wrong = wronglyDimensioned(missing, expected, await recentlyListed(aws, ml));
          if (wrong.length > 0)
            throw new StepFailed(
              `no datapoints for ${wrong.map((w) => `${metricLabel(w.metric)}, but CloudWatch has ${w.published.map(metricLabel).join(', ')}`).join('; ')}`,
              'an alarm reads dimensions MediaLive does not publish and will never fire: fix the metric in lib/constructs/channel/transcode.ts (lib/constructs/operations/alarms.ts) and redeploy',
            );
          throw new StepFailed(
            `no datapoints yet after ${duration(Date.now() - t0)} for: ${missing.map(metricLabel).join(', ')}`,
            "MediaLive publishes each metric once a minute while the channel runs, and a new channel's first datapoints can take minutes to reach CloudWatch: the data is not there yet, which says nothing against the alarms; run smoke again (--budget-minutes for a longer wait) or watch the metric in the CloudWatch console",
          );
        }
        s.ctx.out.progress(`metrics: waiting for ${missing.length} (${duration(Date.now() - t0)})`);
        await sleep(Math.min(pollMs(15), Math.max(0, wait - (Date.now() - t0))));
      }
    },
    { needs: ['live'] },
  );
}

export function alarms(s: SmokeChannel): Promise<boolean> {
  return s.run.step('alarms', async () => {
    const { channel, cdn } = await channelAlarms(s.aws, s.d.stage, s.id);
    const want = expectedAlarms(s.ch.channelClass === 'STANDARD' ? 2 : 1);
    const notOk = [...channel, ...cdn].filter((a) => a.StateValue !== 'OK');
    if (channel.length < want || cdn.length < 2 || notOk.length > 0)
      throw new StepFailed(
        `${channel.length}/${want} channel alarms, ${cdn.length} CDN alarms${notOk.length ? `; not OK: ${notOk.map((a) => `${a.AlarmName} ${a.StateValue}`).join(', ')}` : ''}`,
        notOk.length
          ? 'read the alarm reason in the CloudWatch console; INSUFFICIENT_DATA right after a deploy turns OK within minutes'
          : 'deploy both stacks (npx cdk deploy --all)',
      );
    return `${channel.length} channel alarms and ${cdn.length} CDN alarms, all OK`;
  });
}
