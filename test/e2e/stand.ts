/**
 * The viewer path on one machine: the app synthesized for a config, "deployed" with local
 * stand-ins ({@link Deployment}), the distribution served by the local edge over HTTPS, a live
 * ffmpeg origin for every MediaPackage endpoint (reached through the route table the channels'
 * registrations wrote), the control API's session route with the real handler reading the
 * registry table and the recordings index, the player bucket, and the archive bucket serving a
 * local folder (what its bucket policy lets the distribution read). Used by test/e2e/*.e2e.ts, and
 * startable by hand:
 *
 *   npx tsx test/e2e/stand.ts [--rewritten] [--operator]
 *
 * prints the URLs (and where the edge's certificate is) and runs until interrupted; with
 * `--operator`, also the environment under which `npx onair …` (smoke included) talks to it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import defaultConfig from '../../config/default.json';
import { parseConfig } from '../../lib/config/load';
import type { OnAirConfig } from '../../lib/config/schema';
import { type CfnTemplate, flattenNestedStacks } from '../cfn-template';
import { synthOnAir } from '../helpers';
import { RecordingsWorld } from '../lambda/recordings/world';
import { Deployment } from './deployment';
import { readDistribution } from './edge/distribution';
import { LocalEdge, type SignatureUri } from './edge/edge';
import { type OperatorStand, startOperatorSide } from './operator-stand';
import { ApiOrigin } from './origins/api-origin';
import { BucketOrigin, deployedObjects, distributionReadable } from './origins/bucket-origin';
import { LiveOrigin } from './origins/live-origin';
import { type SelfSignedCert, selfSignedCert } from './tls';

/** The default config plus a second public channel, so another channel's paths exist. */
export function e2eConfig(): OnAirConfig {
  const [main] = defaultConfig.channels;
  return parseConfig(
    { ...defaultConfig, channels: [main, { ...main, id: 'news', description: 'Second channel (e2e)' }] },
    'config/default.json + channel "news"',
  );
}

export interface StandOptions {
  /** @default - {@link e2eConfig} */
  readonly config?: OnAirConfig;
  /** @default - 'viewer' */
  readonly signatureUri?: SignatureUri;
  /**
   * Variables over the session function's synthesized environment.
   * @default - warnings and errors only, no EMF metric lines
   */
  readonly lambdaEnvironment?: Readonly<Record<string, string>>;
  /**
   * Also serve the operator API and what the CLI calls besides ({@link OperatorStand}): the
   * channel, stream-key and clip functions and the health function on a model of MediaLive and
   * MediaPackage (test/e2e/control-plane.ts), their tables in moto, and the live origin packaging
   * what is pushed to the channel's RTMP input instead of its own test pattern.
   * @default - only the viewer path (the session route)
   */
  readonly operator?: { readonly transitionMs?: number; readonly harvestMs?: number };
}

export interface Stand {
  readonly config: OnAirConfig;
  readonly deployment: Deployment;
  readonly edge: LocalEdge;
  readonly live: LiveOrigin;
  readonly api: ApiOrigin;
  readonly bucket: BucketOrigin;
  /** The archive bucket: objects are the files under {@link archiveRoot}. */
  readonly archive: BucketOrigin;
  /** The archive bucket's local folder (write recordings here, e.g. with origins/recording.ts). */
  readonly archiveRoot: string;
  /** The recordings index the session function reads (undefined when no channel records). */
  readonly recordings?: RecordingsWorld;
  /** The edge's certificate: clients trust exactly this one. */
  readonly cert: SelfSignedCert;
  /** With {@link StandOptions.operator}. */
  readonly operator?: OperatorStand;
  stop(): Promise<void>;
}

/** Synthesizes, "deploys" and serves; call `live.waitUntilLive()` before playing. */
export async function startStand(opts: StandOptions = {}): Promise<Stand> {
  const config = opts.config ?? e2eConfig();
  const cert = selfSignedCert();
  const edge = new LocalEdge({ tls: cert, signatureUri: opts.signatureUri });
  await edge.listen();
  const stacks = synthOnAir(config, { stageAssets: true });
  const { app, platform, template } = stacks;
  const json = template.toJSON() as Record<string, unknown>;
  // Each channel's resources live in its nested stack: one template "as deployed", the nested
  // stacks' resources under their stack's logical id (test/cfn-template.ts).
  const nested = Object.fromEntries(
    platform.channelStacks.map((s) => [
      platform.getLogicalId(s.nestedStackResource as never),
      Template.fromStack(s).toJSON() as CfnTemplate,
    ]),
  );
  const flat = flattenNestedStacks(json as unknown as CfnTemplate, nested);
  // The root stack's outputs are what DescribeStacks shows (nested stacks' are not).
  const deployment = new Deployment(
    { ...(flat as unknown as Record<string, unknown>), Outputs: json.Outputs },
    {
      distributionDomainName: () => edge.host,
      stackName: platform.stackName,
    },
  );
  const lambdaEnvironment = opts.lambdaEnvironment ?? {
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const savedEnv = { ...process.env };
  const restoreEnv = () => {
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  };
  // The registry table as the functions read it through the real SDK client, and the recordings
  // index as the recordings functions leave it (test/lambda/recordings/world.ts); with the operator
  // side, the functions' DynamoDB is moto instead (conditions and update expressions included).
  const ddb = mockClient(DynamoDBDocumentClient);
  const recordingsTable = Object.keys(deployment.resources).find(
    (id) => deployment.resources[id].Type === 'AWS::DynamoDB::Table' && id.startsWith('RecordingsTable'),
  );
  let recordings: RecordingsWorld | undefined;
  if (opts.operator === undefined) {
    recordings =
      recordingsTable === undefined
        ? undefined
        : new RecordingsWorld(deployment.ref(recordingsTable), { stub: ddb, channels: null });
    recordings?.reset();
    ddb.on(ScanCommand).callsFake((input: { TableName?: string }) => ({
      Items: deployment.tableItems(input.TableName ?? ''),
    }));
  } else ddb.restore();

  // Secrets Manager as the functions see it through the real SDK client.
  const mockSecrets = () => {
    const stub = mockClient(SecretsManagerClient);
    stub.on(GetSecretValueCommand).callsFake((input: { SecretId?: string }) => {
      const value = deployment.secretString(input.SecretId ?? '');
      if (value === undefined)
        throw new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret.",
          $metadata: {},
        });
      return { ARN: input.SecretId, SecretString: value, VersionStages: ['AWSCURRENT'] };
    });
    return stub;
  };
  let sm = mockSecrets();

  const archiveRoot = mkdtempSync(join(tmpdir(), 'onair-archive-'));
  const archiveBucket = platform.getLogicalId(platform.archive.bucket.node.defaultChild as never);
  const started: { stop(): Promise<void> }[] = [];
  try {
    // The channel stacks' registrations write the route table and the registry table.
    await deployment.deployRegistrations();
    const routeTables = deployment.keyValueStores();
    const distribution = readDistribution(deployment, { keyValueStores: routeTables });
    let operator: OperatorStand | undefined;
    let live: LiveOrigin;
    let api: ApiOrigin;
    if (opts.operator === undefined) {
      live = await LiveOrigin.start({ endpoints: deployment.mediaPackageEndpoints() });
      started.push(live);
      api = await ApiOrigin.start({
        deployment,
        template: json,
        functions: ['playback-session'],
        environment: lambdaEnvironment,
      });
      started.push(api);
    } else {
      ({ live, api, operator } = await startOperatorSide({
        deployment,
        template: json,
        edge: new Deployment(Template.fromStack(stacks.edge).toJSON() as Record<string, unknown>, {
          distributionDomainName: () => edge.host,
          stackName: stacks.edge.stackName,
          region: 'us-east-1',
        }),
        cert,
        channelId: config.channels[0].id,
        lambdaEnvironment,
        transitionMs: opts.operator.transitionMs,
        harvestMs: opts.operator.harvestMs,
        started,
        // Mocking a client instance restores its class's mock (aws-sdk-client-mock restores a
        // stubbed send before stubbing): mock the class again, under the instances now mocked.
        afterInstanceMocks: () => {
          sm.restore();
          sm = mockSecrets();
        },
      }));
    }

    // Each origin domain of the distribution → the local server standing in for it, and each
    // MediaPackage host of the route table → the live origin. The live behavior's own origin
    // domain is a placeholder the live router always replaces (cf.updateRequestOrigin); it is
    // served by the live origin too, and the edge log's originHost shows which one a request
    // reached (viewer.e2e.ts checks that every media request went to the route table's host).
    const targets: Record<string, string> = {};
    for (const store of Object.values(routeTables))
      for (const host of store.values()) targets[host] = live.url;
    const bucketOrigins: BucketOrigin[] = [];
    let archive: BucketOrigin | undefined;
    for (const origin of distribution.origins.values()) {
      if (/^mediapackage\.[a-z0-9-]+\.amazonaws\.com$/.test(origin.domainName))
        targets[origin.domainName] = live.url;
      for (const [id] of deployment.ofType('AWS::ApiGatewayV2::Api')) {
        if (`https://${origin.domainName}` === deployment.getAtt(id, 'ApiEndpoint'))
          targets[origin.domainName] = api.url;
      }
      for (const [id] of deployment.ofType('AWS::S3::Bucket')) {
        if (origin.domainName !== deployment.getAtt(id, 'RegionalDomainName')) continue;
        const bucket = await BucketOrigin.start(
          deployedObjects(deployment, id, { outdir: app.outdir, artifactId: platform.artifactId }),
          {
            root: id === archiveBucket ? archiveRoot : undefined,
            readable: distributionReadable(deployment, id, distribution.logicalId),
          },
        );
        started.push(bucket);
        if (id === archiveBucket) archive = bucket;
        else bucketOrigins.push(bucket);
        targets[origin.domainName] = bucket.url;
      }
    }
    edge.serve(distribution, targets);
    const [bucket] = bucketOrigins;
    if (bucket === undefined) throw new Error('the distribution has no bucket origin (the player)');
    if (archive === undefined) throw new Error('the distribution has no archive bucket origin');

    return {
      config,
      deployment,
      edge,
      live,
      api,
      bucket,
      archive,
      archiveRoot,
      recordings,
      cert,
      operator,
      async stop() {
        await edge.close();
        for (const s of started.reverse()) await s.stop();
        sm.restore();
        ddb.restore();
        restoreEnv();
        rmSync(app.outdir, { recursive: true, force: true });
        rmSync(archiveRoot, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await edge.close();
    for (const s of started.reverse()) await s.stop();
    sm.restore();
    ddb.restore();
    restoreEnv();
    rmSync(archiveRoot, { recursive: true, force: true });
    throw err;
  }
}

async function main(): Promise<void> {
  const stand = await startStand({
    signatureUri: process.argv.includes('--rewritten') ? 'rewritten' : 'viewer',
    ...(process.argv.includes('--operator') ? { operator: {} } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'onair-stand-'));
  const stop = () => {
    rmSync(dir, { recursive: true, force: true });
    stand.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The operator stand's origin packages what is pushed: nothing is live until `onair push-test`.
  if (stand.operator === undefined) await stand.live.waitUntilLive();
  const ca = join(dir, 'edge-cert.pem');
  writeFileSync(ca, stand.cert.cert);
  const e = stand.edge.url;
  const lines = [
    `edge        ${e}  (signature checked against the ${stand.edge.signatureUri} URI)`,
    `certificate ${ca}  (curl --cacert; Chromium --ignore-certificate-errors-spki-list=${stand.cert.spkiSha256})`,
    ...stand.config.channels.flatMap((c) => [
      `player      ${e}/player/?channel=${c.id}`,
      `session     POST ${e}/api/playback/${c.id}/session`,
    ]),
    `live origin ${stand.live.url}  (MediaPackage stand-in; needs the CDN identifier header)`,
    `api origin  ${stand.api.url}`,
    ...(stand.operator
      ? [
          'onair       env ' +
            Object.entries(stand.operator.env())
              .map(([k, v]) => `${k}='${v}'`)
              .join(' ') +
            ' npx onair smoke --stage ' +
            stand.config.stage,
        ]
      : []),
    'Ctrl-C stops.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
