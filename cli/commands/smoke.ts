import type { Command } from 'commander';
import type { Context } from '../context';
import { CliError, ExitCode } from '../errors';
import { encoderSettings } from '../media/encoder';
import { requireTool } from '../media/tools';
import type { Run } from './common';
import { apiIam, live, pushTest, rotateLive, start, stop } from './smoke/control-plane';
import { alarms, clip, metrics } from './smoke/operations';
import { report } from './smoke/report';
import { type Smoke, type SmokeChannel, type SmokeOptions, StepRunner } from './smoke/runner';
import { viewerSteps } from './smoke/viewer';

export function register(program: Command, run: Run): void {
  program
    .command('smoke')
    .description(
      'first-deploy acceptance test: start, push, play every format, refusals, latency, clip, key rotation, alarms, stop',
    )
    .option('--channel <channel>', 'channel to test (default: the first one)')
    .option('--keep-running', 'leave the channel running at the end')
    .option('--budget-minutes <n>', 'give up (and stop the channel) after this many minutes', '20')
    .option('--token <jwt>', 'viewer token, for a channel with jwt viewer auth')
    .option('--clip-seconds <n>', 'length of the test clip', '30')
    .action((o: SmokeOptions) => run((ctx) => smoke(ctx, o)));
}

/** The steps, in this order: each group's file says what its steps prove. */
async function smoke(ctx: Context, o: SmokeOptions): Promise<void> {
  const started = Date.now();
  const budget = Number(o.budgetMinutes);
  const clipSeconds = Number(o.clipSeconds);
  if (!(budget > 0))
    throw new CliError(`--budget-minutes must be a number > 0, got "${o.budgetMinutes}"`, ExitCode.USAGE);
  if (!(clipSeconds >= 1 && clipSeconds <= 3600))
    throw new CliError(`--clip-seconds must be from 1 to 3600, got "${o.clipSeconds}"`, ExitCode.USAGE);

  const ffmpeg = requireTool('ffmpeg', 'smoke (push-test)');
  const d = await ctx.deploymentInfo();
  const api = await ctx.api();
  const creds = await ctx.credentials();
  const s: Smoke = {
    ctx,
    run: new StepRunner(ctx, started, budget),
    d,
    api,
    aws: { region: d.region, credentials: async () => creds, profile: ctx.opts.profile },
    options: o,
    clipSeconds,
    ffmpeg,
    state: { id: o.channel ?? '', wasRunning: false, pushStartedAt: 0 },
  };

  ctx.out.line(`onair smoke: ${d.stackName} in ${d.region}, budget ${o.budgetMinutes} min`);
  await apiIam(s);
  const view = s.state.view;
  if (view === undefined) return await report(s);
  const c: SmokeChannel = { ...s, id: s.state.id, ch: view, settings: encoderSettings(view) };

  await start(c);
  await pushTest(c);
  await live(c);
  await viewerSteps(c);
  await clip(c);
  await metrics(c);
  await rotateLive(c);
  await alarms(c);
  await stop(c);
  return await report(c);
}
