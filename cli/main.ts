import { Command, CommanderError, Option } from 'commander';
import type { GlobalOptions } from './aws';
import * as channels from './commands/channels';
import * as clip from './commands/clip';
import type { Run } from './commands/common';
import * as ingest from './commands/ingest';
import * as recordings from './commands/recordings';
import * as smoke from './commands/smoke';
import * as viewer from './commands/viewer';
import { Context } from './context';
import { CliError, ExitCode } from './errors';

const EXIT_CODES = `
Exit codes:
  0 ok · 1 a check, smoke step or clip failed · 2 bad arguments or 400 · 3 no stack, credentials or Region
  4 refused (401/403: credentials, IAM) · 5 not found (404) · 6 conflict (409: channel state)
  7 busy or failing (429, 5xx, network: retry) · 8 --wait timed out · 9 ffmpeg/ffprobe missing
Details: docs/cli.md`;

/** Builds the program; `exit` receives the exit code (tests capture it instead of exiting). */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('onair')
    .description(
      'Operate an OnAir deployment: channels, ingest, playback checks, and the first-deploy smoke test',
    )
    .addOption(
      new Option('--stage <stage>', 'the deployment stage (stack OnAir-<stage>)')
        .default('dev')
        .env('ONAIR_STAGE'),
    )
    .option('--region <region>', 'AWS Region of the stack (default: AWS_REGION or your profile)')
    .option('--profile <profile>', 'AWS profile for credentials (default: the SDK default chain)')
    .option('--json', 'print results as JSON (progress goes to stderr)')
    .addHelpText('after', EXIT_CODES)
    .showHelpAfterError('(onair --help lists the commands)')
    .exitOverride();
  program.configureOutput({ outputError: (s, write) => write(s) });

  const run: Run = async (fn) => {
    const opts = program.opts() as GlobalOptions;
    const ctx = new Context(opts);
    try {
      await fn(ctx);
      exit(ExitCode.OK);
    } catch (err) {
      ctx.out.endProgress();
      exit(report(ctx, err));
    }
  };
  channels.register(program, run);
  ingest.register(program, run);
  viewer.register(program, run);
  clip.register(program, run);
  recordings.register(program, run);
  smoke.register(program, run);
  // --stage, --region, --profile and --json work before or after the command name.
  for (const c of program.commands) c.copyInheritedSettings(program).enablePositionalOptions(false);
  return program;
}

function report(ctx: Context, err: unknown): number {
  if (err instanceof CliError) {
    // A check or smoke that printed its report (the JSON document, with --json) ends with one line on stderr.
    if (ctx.out.json && err.details.reported !== true)
      process.stdout.write(
        `${JSON.stringify({ error: { message: err.message, exitCode: err.exitCode, ...err.details } })}\n`,
      );
    else process.stderr.write(`onair: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`onair: unexpected error: ${e?.stack ?? String(err)}\n`);
  return ExitCode.FAILED;
}

/** Parses argv and runs; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with commander's own code 0.
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    throw err;
  }
  return code;
}
