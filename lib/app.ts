import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from './config/load';
import type { OnAirConfig } from './config/schema';
import { PlatformStack } from './stacks/platform-stack';

export const DEFAULT_CONFIG_PATH = 'config/default.json';

export interface OnAirStacks {
  readonly config: OnAirConfig;
  readonly platform: PlatformStack;
}

/**
 * Adds OnAir's stacks for a validated config to `app`, with cdk-nag's AwsSolutions checks.
 * Environment-agnostic unless CDK_DEFAULT_* are set, so synth never needs credentials or lookups.
 */
export function addOnAir(app: App, config: OnAirConfig, opts: { nag?: boolean } = {}): OnAirStacks {
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const platform = new PlatformStack(app, `OnAir-${config.stage}`, {
    config,
    env,
    description: `OnAir live streaming platform (${config.stage}): ingest, transcode, package, deliver, archive`,
  });
  if (opts.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, platform };
}

/** Creates the app from `-c config=<path>` (default config/default.json). */
export function buildAppFromContext(appProps: AppProps = {}): OnAirStacks & { app: App } {
  const app = new App(appProps);
  const path = (app.node.tryGetContext('config') as string | undefined) ?? DEFAULT_CONFIG_PATH;
  return { app, ...addOnAir(app, loadConfig(path)) };
}
