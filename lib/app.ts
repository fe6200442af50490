import {
  App,
  type AppProps,
  CfnOutput,
  CfnParameter,
  CfnResource,
  NestedStack,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig } from './config/load';
import type { OnAirConfig } from './config/schema';
import { EdgeStack } from './stacks/edge-stack';
import { edgeStackName, platformStackName } from './stacks/outputs';
import { PlatformStack } from './stacks/platform-stack';

export const DEFAULT_CONFIG_PATH = 'config/default.json';

/** The platform stack's resources besides the channels' (measured: default config, test/app.test.ts). */
export const PLATFORM_SHARED_RESOURCES = 155;

export interface OnAirStacks {
  readonly config: OnAirConfig;
  readonly platform: PlatformStack;
  /** us-east-1: CDN alarms (CloudFront metrics exist only there). */
  readonly edge: EdgeStack;
}

/**
 * CloudFormation's quotas per template ("CloudFormation quotas",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * resources, outputs and parameters. The template body (1 MB from S3) is checked by the tests.
 */
export const MAX_STACK_RESOURCES = 500;
export const MAX_STACK_OUTPUTS = 200;
export const MAX_STACK_PARAMETERS = 200;

/** CfnResources of a stack (what its template will hold, plus the CDK metadata resource). */
export function countResources(stack: Stack): number {
  const own = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
  return own.length + 1;
}

/** The stack and every stack nested in it, the stack first. */
export function stackTree(stack: Stack): Stack[] {
  const nested = stack.node
    .findAll()
    .filter((c): c is NestedStack => NestedStack.isNestedStack(c) && c.nestedStackParent === stack);
  return [stack, ...nested.flatMap((n) => stackTree(n))];
}

/**
 * Fails synth when a stack would have more outputs or parameters than CloudFormation allows.
 * Cross-stack references become outputs and parameters only while the app is prepared for
 * synthesis, so this runs as a validation (after that), not at construction.
 */
function checkOutputsAndParameters(stack: Stack): void {
  stack.node.addValidation({
    validate: () => {
      const own = stack.node.findAll().filter((c) => Stack.of(c) === stack);
      const outputs = own.filter((c) => c instanceof CfnOutput).length;
      const parameters = own.filter((c) => c instanceof CfnParameter).length;
      return [
        ...(outputs > MAX_STACK_OUTPUTS
          ? [`${stack.node.path}: ${outputs} outputs, more than the ${MAX_STACK_OUTPUTS} a stack may have`]
          : []),
        ...(parameters > MAX_STACK_PARAMETERS
          ? [
              `${stack.node.path}: ${parameters} parameters, more than the ${MAX_STACK_PARAMETERS} a stack may have`,
            ]
          : []),
      ];
    },
  });
}

/**
 * Fails before synth when a stack of the tree would hold more resources than CloudFormation
 * allows, naming the stack and the fix; registers the outputs and parameters check for synth.
 */
export function checkStackLimits(platform: Stack, opts: { channels: number; source?: string }): void {
  for (const stack of stackTree(platform)) {
    const resources = countResources(stack);
    if (resources > MAX_STACK_RESOURCES) {
      throw new ConfigError(opts.source ?? '(inline)', [
        `channels: ${opts.channels} channels need ${resources} CloudFormation resources in stack ${stack.node.path}, ` +
          `more than the ${MAX_STACK_RESOURCES} a stack may hold; split the channels across stages (one stack each). ` +
          `The platform stack holds about ${PLATFORM_SHARED_RESOURCES} shared resources plus one per channel ` +
          '(two for a jwt or iam channel); each channel stack holds about 25',
      ]);
    }
    checkOutputsAndParameters(stack);
  }
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
  checkStackLimits(platform, { channels: config.channels.length, source: opts.source });
  if (opts.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { config, platform, edge };
}

/** Creates the app from `-c config=<path>` (default config/default.json). */
export function buildAppFromContext(appProps: AppProps = {}): OnAirStacks & { app: App } {
  const app = new App(appProps);
  const path = (app.node.tryGetContext('config') as string | undefined) ?? DEFAULT_CONFIG_PATH;
  return { app, ...addOnAir(app, loadConfig(path), { source: path }) };
}
