import type { ControlApi } from './api';
import { type CredentialProvider, credentialsOf, type GlobalOptions } from './aws';
import { controlApiOf, type Deployment, findDeployment } from './deployment';
import { Output } from './output';

/** What every command gets: its options, an output, and the deployment (looked up once, when first needed). */
export class Context {
  readonly out: Output;
  readonly credentials: CredentialProvider;
  private deployment?: Promise<Deployment>;

  constructor(
    readonly opts: GlobalOptions,
    out?: Output,
  ) {
    this.out = out ?? new Output(opts);
    this.credentials = credentialsOf(opts);
  }

  deploymentInfo(): Promise<Deployment> {
    this.deployment ??= findDeployment(this.opts, this.credentials);
    return this.deployment;
  }

  async api(): Promise<ControlApi> {
    return controlApiOf(await this.deploymentInfo(), this.credentials);
  }
}

/** Poll interval of waits (ONAIR_POLL_SECONDS overrides it, e.g. in tests). */
export function pollMs(defaultSeconds: number): number {
  const s = Number(process.env.ONAIR_POLL_SECONDS ?? '');
  return (Number.isFinite(s) && s > 0 ? s : defaultSeconds) * 1000;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
