import { App, type AppProps, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig } from './config/load';
import type { OnAirConfig } from './config/schema';
import { EdgeStack } from './stacks/edge-stack';
import { edgeStackName, platformStackName } from './stacks/outputs';
import { PlatformStack } from './stacks/platform-stack';

export const DEFAULT_CONFIG_PATH = 'config/default.json';

export interface OnAirStacks {
  readonly config: OnAirConfig;
  readonly platform: PlatformStack;
  /** us-east-1: CDN alarms (CloudFront metrics exist only there). */
  readonly edge: EdgeStack;
}

/** CloudFormation's quota of resources per stack. */
export const MAX_STACK_RESOURCES = 500;

/** CfnResources of a stack (what its template will hold, plus the CDK metadata resource). */
export function countResources(stack: Stack): number {
  const own = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
  return own.length + 1;
}

/**
 * Adds OnAir's stacks for a validated config to `app`, with cdk-nag's AwsSolutions checks.
 * Environment-agnostic unless CDK_DEFAULT_* are set, so synth never needs credentials or lookups.
 */
export function addOnAir(
  app: App,
  config: OnAirConfig,
  opts: { nag?: boolean; source?: string } = {},
): OnAirStacks {
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const platform = new PlatformStack(app, platformStackName(config.stage), {
    config,
    env,
    description: `OnAir live streaming platform (${config.stage}): ingest, transcode, package, deliver, archive`,
  });
  // Region fixed, account from the environment (or agnostic): it reads the distribution id
  // from an SSM parameter the platform stack writes in us-east-1, so no cross-region reference.
  const edge = new EdgeStack(app, edgeStackName(config.stage), {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: `OnAir (${config.stage}) us-east-1: CloudFront alarms`,
  });
  edge.addStackDependency(platform, 'reads the distribution id the platform stack publishes');
  const resources = countResources(platform);
  if (resources > MAX_STACK_RESOURCES) {
    throw new ConfigError(opts.source ?? '(inline)', [
      `channels: ${config.channels.length} channels need ${resources} CloudFormation resources in stack ${platform.stackName}, ` +
        `more than the ${MAX_STACK_RESOURCES} a stack may hold; split the channels across stages (one stack each). ` +
        'A channel needs about 23 resources, 31 with STANDARD, autoStart and scheduled key rotation',
    ]);
  }
  if (opts.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, platform, edge };
}

/** Creates the app from `-c config=<path>` (default config/default.json). */
export function buildAppFromContext(appProps: AppProps = {}): OnAirStacks & { app: App } {
  const app = new App(appProps);
  const path = (app.node.tryGetContext('config') as string | undefined) ?? DEFAULT_CONFIG_PATH;
  return { app, ...addOnAir(app, loadConfig(path), { source: path }) };
}
