import type { ControlApi } from '../../api';
import type { Context } from '../../context';
import type { Deployment } from '../../deployment';
import type { EncoderSettings } from '../../media/encoder';
import type { Push } from '../../media/push';
import type { ChannelView } from '../../model';
import type { AwsAccess } from '../../smoke';

/** One smoke step's outcome: what it proved, or what to do. */
export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly skipped?: boolean;
  readonly detail: string;
  readonly remedy?: string;
  readonly ms: number;
}

/**
 * How long one step may wait (for RUNNING, live, segments, metrics, the clip), at most: its own
 * limit, or ONAIR_SMOKE_STEP_SECONDS when that is set and shorter (a local test bed answers in
 * seconds). The budget bounds every wait too, except the final stop's.
 */
export function stepLimitMs(defaultMs: number): number {
  const s = Number(process.env.ONAIR_SMOKE_STEP_SECONDS ?? '');
  return Number.isFinite(s) && s > 0 ? Math.min(defaultMs, s * 1000) : defaultMs;
}

/** Thrown by a step: its message is the detail, `remedy` what to do. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly remedy: string,
  ) {
    super(message);
  }
}

/** Runs smoke's steps one after another, prints each outcome and keeps it for the report. */
export class StepRunner {
  readonly results: StepResult[] = [];
  private readonly deadline: number;

  constructor(
    private readonly ctx: Context,
    readonly started: number,
    budgetMinutes: number,
  ) {
    this.deadline = started + budgetMinutes * 60_000;
  }

  /** What is left of the budget. */
  left(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /** A step's wait: its own limit (see stepLimitMs) within what is left of the budget. */
  limit(ms: number): number {
    return Math.min(this.left(), stepLimitMs(ms));
  }

  say(r: StepResult): void {
    this.results.push(r);
    this.ctx.out.line(
      `${r.skipped ? 'SKIP' : r.ok ? 'PASS' : 'FAIL'}  ${r.step.padEnd(14)} ${r.detail}${r.remedy && !r.ok ? `\n      → ${r.remedy}` : ''}`,
    );
  }

  /** Runs `fn` as the step `name`, or skips it when a step it needs did not pass. */
  async step(name: string, fn: () => Promise<string>, opts: { needs?: string[] } = {}): Promise<boolean> {
    const failed = (opts.needs ?? []).filter((n) => !this.results.find((r) => r.step === n)?.ok);
    if (failed.length > 0) {
      this.say({
        step: name,
        ok: false,
        skipped: true,
        detail: `skipped: ${failed.join(', ')} did not pass`,
        ms: 0,
      });
      return false;
    }
    const t0 = Date.now();
    try {
      const detail = await fn();
      this.say({ step: name, ok: true, detail, ms: Date.now() - t0 });
      return true;
    } catch (err) {
      const remedy = err instanceof StepFailed ? err.remedy : undefined;
      const msg = err instanceof Error ? err.message : String(err);
      this.say({ step: name, ok: false, detail: msg, remedy, ms: Date.now() - t0 });
      return false;
    } finally {
      this.ctx.out.endProgress();
    }
  }
}

export interface SmokeOptions {
  readonly channel?: string;
  readonly keepRunning?: boolean;
  readonly budgetMinutes: string;
  readonly token?: string;
  readonly clipSeconds: string;
}

/** What the steps learn as they run, for the steps after them and for the report. */
export interface SmokeState {
  id: string;
  view?: ChannelView;
  startedAt?: number;
  /** The channel was running before this run: only the run's own minutes are its cost. */
  wasRunning: boolean;
  inputType?: string;
  stoppedAt?: number;
  /** The credential's hash when rotate-live left a rotation pending (never the credential itself). */
  pendingFrom?: string;
  push?: Push;
  pushStartedAt: number;
}

/** One smoke run: where it runs, its steps' runner and what they have learnt. */
export interface Smoke {
  readonly ctx: Context;
  readonly run: StepRunner;
  readonly d: Deployment;
  readonly api: ControlApi;
  readonly aws: AwsAccess;
  readonly options: SmokeOptions;
  readonly clipSeconds: number;
  readonly ffmpeg: string;
  readonly state: SmokeState;
}

/** A smoke run once api-iam found the channel: the steps after it test this channel. */
export interface SmokeChannel extends Smoke {
  readonly id: string;
  readonly ch: ChannelView;
  readonly settings: EncoderSettings;
}
