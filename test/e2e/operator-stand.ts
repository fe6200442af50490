/**
 * The operator side of a local stand (test/e2e/stand.ts `operator`): what `onair` talks to besides
 * the edge. DynamoDB in moto with the template's tables and the registrations' items; the operator
 * routes' real functions behind the SigV4-checking IAM authorizer; the control plane model inside
 * them (test/e2e/control-plane.ts); a live origin that packages what is pushed to the first
 * channel's RTMP input; the CLI's own AWS APIs answered from the templates.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegisteredChannel } from '../../lambda/shared/contract';
import { OPERATOR_KEY } from '../cli/stand-in';
import type { KnownKey } from '../support/sigv4';
import { ControlPlane } from './control-plane';
import type { Deployment } from './deployment';
import { Moto } from './moto';
import { ApiOrigin } from './origins/api-origin';
import { AwsApis } from './origins/aws-apis';
import { LiveOrigin } from './origins/live-origin';
import type { SelfSignedCert } from './tls';

/** The operator side of a stand: what `onair` talks to. */
export interface OperatorStand {
  readonly plane: ControlPlane;
  readonly aws: AwsApis;
  readonly moto: Moto;
  /** The CLI's environment: operator credentials, Region, the local AWS APIs, the edge's certificate. */
  env(): Record<string, string>;
}

/** The access key the stand's IAM authorizer and AWS APIs accept (the operator's). */
export const OPERATOR_KEYS: ReadonlyMap<string, KnownKey> = new Map([
  [
    OPERATOR_KEY.accessKeyId,
    {
      secretAccessKey: OPERATOR_KEY.secretAccessKey,
      userArn: 'arn:aws:iam::111122223333:user/operator',
      accountId: '111122223333',
    },
  ],
]);

/** The functions behind the operator routes and the session route, by lambda/ folder. */
const OPERATOR_FUNCTIONS = ['playback-session', 'channels', 'stream-keys', 'archive', 'recording-files'];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface OperatorSideOptions {
  /** The platform stack as deployed, its registrations run. */
  readonly deployment: Deployment;
  readonly template: Record<string, unknown>;
  /** The us-east-1 stack as deployed (CDN alarms). */
  readonly edge: Deployment;
  readonly cert: SelfSignedCert;
  /** The channel whose RTMP input the live origin takes publishes for. */
  readonly channelId: string;
  readonly lambdaEnvironment: Readonly<Record<string, string>>;
  readonly transitionMs?: number;
  readonly harvestMs?: number;
  /** Whatever starts is pushed here (stopped in reverse by the stand). */
  readonly started: { stop(): Promise<void> }[];
  /** Called once the functions' client instances are mocked. */
  readonly afterInstanceMocks: () => void;
}

/**
 * Starts the operator side. Sets the process environment the functions need (moto's endpoint,
 * dummy credentials, the Region): the stand restores it when it stops.
 */
export async function startOperatorSide(o: OperatorSideOptions): Promise<{
  live: LiveOrigin;
  api: ApiOrigin;
  operator: OperatorStand;
  plane: ControlPlane;
}> {
  const d = o.deployment;
  const moto = await Moto.start();
  o.started.push(moto);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: moto.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: d.region,
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  await moto.createTables(d, (name) => d.tableItems(name));

  const api = await ApiOrigin.start({
    deployment: d,
    template: o.template,
    functions: OPERATOR_FUNCTIONS,
    environment: o.lambdaEnvironment,
    iamKeys: OPERATOR_KEYS,
  });
  o.started.push(api);

  const registry = d
    .ofType('AWS::DynamoDB::Table')
    .flatMap(([id]) => d.tableItems(d.ref(id)))
    .filter((i) => typeof i.ml === 'string') as unknown as RegisteredChannel[];
  const rtmpServer = `rtmp://127.0.0.1:${await freePort()}`;
  const plane = await ControlPlane.start({
    deployment: d,
    registry,
    rtmpServer,
    transitionMs: o.transitionMs,
    harvestMs: o.harvestMs,
    environment: o.lambdaEnvironment,
  });
  o.started.push({ stop: async () => plane.restore() });
  o.afterInstanceMocks();

  const live = await LiveOrigin.start({
    endpoints: d.mediaPackageEndpoints(),
    // What the channel's RTMP endpoint accepts now (its key changes at a rotation).
    rtmpListen: () =>
      `${rtmpServer}/${o.channelId}/${plane.ingest.get(o.channelId)?.inputAccepts()[0] ?? ''}`,
  });
  o.started.push(live);

  const apiId = d.ofType('AWS::ApiGatewayV2::Api')[0]?.[0] ?? '';
  const aws = await AwsApis.start({
    platform: d,
    edge: o.edge,
    keys: OPERATOR_KEYS,
    medialive: () => plane.publishing(),
    replace: new Map([
      [d.getAtt(apiId, 'ApiEndpoint'), api.url],
      [`https://${d.mediaPackageHost}`, live.url],
    ]),
  });
  o.started.push(aws);

  const certDir = mkdtempSync(join(tmpdir(), 'onair-stand-ca-'));
  writeFileSync(join(certDir, 'edge.pem'), o.cert.cert);
  o.started.push({ stop: async () => rmSync(certDir, { recursive: true, force: true }) });

  const operator: OperatorStand = {
    plane,
    aws,
    moto,
    env: () => ({
      AWS_ACCESS_KEY_ID: OPERATOR_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: OPERATOR_KEY.secretAccessKey,
      AWS_REGION: d.region,
      AWS_PROFILE: '',
      ...aws.env(),
      NODE_EXTRA_CA_CERTS: join(certDir, 'edge.pem'),
    }),
  };
  return { live, api, operator, plane };
}
