import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { addOnAir, type OnAirStacks } from '../lib/app';
import { parseConfig } from '../lib/config/load';
import type { OnAirConfig } from '../lib/config/schema';

/**
 * An App for unit tests: no asset staging (each synth would copy every function's bundle into
 * its cloud assembly; the assets point at the one cached build of lib/build/functions.ts, with
 * the same hashes) and no built-in CloudFormation schema validation (about 5 s and 300 MB per
 * synth); one test in test/app.test.ts synthesizes the default app with both on.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: { ...cdkJsonContext(), 'aws:cdk:disable-asset-staging': true, ...context },
  });
}

/**
 * The context (feature flags) cdk.json gives every `cdk synth`: tests synthesize with the same
 * flags, or their templates would differ from the deployed ones.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** A minimal valid config (one SINGLE_PIPELINE 720p channel), with overrides merged at top level. */
export function testConfig(overrides: Record<string, unknown> = {}): OnAirConfig {
  return parseConfig({
    stage: 'test',
    channels: [{ id: 'main', input: { type: 'RTMP_PUSH', allowedCidrs: ['203.0.113.0/24'] } }],
    ...overrides,
  });
}

/**
 * Builds the app for a config (nag off unless asked) and returns its stacks and templates.
 * `stageAssets` copies assets into the cloud assembly, as `cdk synth` does (the e2e stand serves
 * the player files from there).
 */
export function synthOnAir(
  config: OnAirConfig = testConfig(),
  opts: { nag?: boolean; stageAssets?: boolean } = {},
): OnAirStacks & { app: App; template: Template; channelTemplate: (channelId: string) => Template } {
  const app = testApp(opts.stageAssets ? { 'aws:cdk:disable-asset-staging': false } : {});
  const stacks = addOnAir(app, config, { nag: opts.nag ?? false });
  const template = Template.fromStack(stacks.platform);
  /** The template of a channel's nested stack (its ingest, MediaLive, MediaPackage, alarms, …). */
  const channelTemplate = (channelId: string) => {
    const stack = stacks.platform.channelStacks.find((s) => s.channel.channelId === channelId);
    if (stack === undefined) throw new Error(`no channel stack for "${channelId}"`);
    return Template.fromStack(stack);
  };
  return { app, ...stacks, template, channelTemplate };
}

/**
 * The properties every private OnAir bucket has in the template: S3-managed encryption, all
 * public access blocked, ACLs disabled, and server access logs in the access-log bucket under
 * `logPrefix`. For `Match.objectLike` next to what is particular to the bucket.
 */
export function privateBucketProperties(logPrefix: string): Record<string, unknown> {
  return {
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    LoggingConfiguration: {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') },
      LogFilePrefix: logPrefix,
    },
  };
}

/** Each of these control-API routes (`METHOD /path`) requires a SigV4-signed caller (AWS_IAM). */
export function expectIamAuthorized(template: Template, routeKeys: readonly string[]): void {
  for (const routeKey of routeKeys) {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      AuthorizationType: 'AWS_IAM',
    });
  }
}
