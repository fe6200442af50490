import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import {
  ChannelOutput,
  type ChannelOutputPrefix,
  channelOutputKey,
  platformStackName,
  StackOutput,
} from '../lib/stacks/outputs';
import { ControlApi } from './api';
import { type CredentialProvider, credentialsOf, type GlobalOptions, regionOf, regionOfApiUrl } from './aws';
import { CliError, ExitCode } from './errors';

/** A deployment as its CloudFormation outputs describe it. */
export interface Deployment {
  readonly stage: string;
  readonly stackName: string;
  /** The Region the stack was found in. */
  readonly region: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly controlApiUrl: string;
  readonly distributionDomainName: string;
}

/** A channel-level output (`HlsUrl`, `PlaybackSessionUrl`, …) of a deployment, if the stack has it. */
export function channelOutput(
  d: Deployment,
  prefix: ChannelOutputPrefix,
  channelId: string,
): string | undefined {
  return d.outputs[channelOutputKey(prefix, channelId)];
}

export { ChannelOutput };

function required(outputs: Record<string, string>, name: string, stackName: string): string {
  const v = outputs[name];
  if (v === undefined)
    throw new CliError(
      `stack ${stackName} has no output ${name}: it is not an OnAir platform stack, or an old one; deploy this version (npx cdk deploy --all)`,
      ExitCode.SETUP,
    );
  return v;
}

/** Finds `OnAir-<stage>` with DescribeStacks and reads its outputs. */
export async function findDeployment(
  opts: GlobalOptions,
  credentials: CredentialProvider = credentialsOf(opts),
): Promise<Deployment> {
  const stackName = platformStackName(opts.stage);
  const cfn = new CloudFormationClient({
    region: regionOf(opts),
    credentials,
    ...(opts.profile ? { profile: opts.profile } : {}),
    maxAttempts: 3,
  });
  let region: string;
  try {
    region = await cfn.config.region();
  } catch {
    throw new CliError(
      'no AWS Region: pass --region, set AWS_REGION, or set a region in your AWS profile',
      ExitCode.SETUP,
    );
  }
  let outputs: Output[];
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = res.Stacks?.[0]?.Outputs ?? [];
  } catch (err) {
    if (err instanceof CliError) throw err;
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    if (e.name === 'ValidationError' && /does not exist/.test(e.message))
      throw new CliError(
        `no stack ${stackName} in ${region}: deploy it (npx cdk deploy --all), or pass the --stage and --region you deployed`,
        ExitCode.SETUP,
      );
    if (
      e.name === 'AccessDenied' ||
      e.name === 'AccessDeniedException' ||
      e.$metadata?.httpStatusCode === 403
    )
      throw new CliError(
        `cannot read stack ${stackName} (${e.name}): your credentials need cloudformation:DescribeStacks (docs/cli.md#permissions)`,
        ExitCode.DENIED,
      );
    if (e.name === 'CredentialsProviderError' || /credential/i.test(e.name))
      throw new CliError(
        `no AWS credentials: ${e.message.split('\n')[0]} (run \`aws configure\` or \`aws sso login\`, or pass --profile)`,
        ExitCode.SETUP,
      );
    throw new CliError(
      `cannot read stack ${stackName} in ${region}: ${e.name}: ${e.message.split('\n')[0]}`,
      ExitCode.UNAVAILABLE,
    );
  } finally {
    cfn.destroy();
  }
  const map: Record<string, string> = {};
  for (const o of outputs) if (o.OutputKey && o.OutputValue !== undefined) map[o.OutputKey] = o.OutputValue;
  return {
    stage: opts.stage,
    stackName,
    region,
    outputs: map,
    controlApiUrl: required(map, StackOutput.CONTROL_API_URL, stackName),
    distributionDomainName: required(map, StackOutput.DISTRIBUTION_DOMAIN_NAME, stackName),
  };
}

/** The control API of a deployment, signing for the Region its URL names (else the stack's). */
export function controlApiOf(d: Deployment, credentials: CredentialProvider): ControlApi {
  return new ControlApi(d.controlApiUrl, regionOfApiUrl(d.controlApiUrl) ?? d.region, credentials);
}
