// Registers the JavaScript SigV4A signer the KeyValueStore client needs (lambda/shared/clients.ts).
import '@aws-sdk/signature-v4a';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { dynamoDbDocumentClient, keyValueStoreClient, mediaPackageClient } from '../shared/clients';
import { CHANNEL_REGISTRATION_ENV, Env, readEnv } from '../shared/contract';
import { logger, withLambdaContext } from '../shared/powertools';
import { onEvent, type ProviderResponse, type RegistrationDeps } from './registration';

const kvs = keyValueStoreClient({ maxAttempts: 5 });
const mediapackage = mediaPackageClient({ maxAttempts: 5 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 5 });

let deps: RegistrationDeps | undefined;
function dependencies(): RegistrationDeps {
  if (deps) return deps;
  const env = readEnv(CHANNEL_REGISTRATION_ENV);
  deps = {
    kvs,
    kvsArn: env[Env.ROUTE_TABLE_ARN],
    mediapackage,
    ddb,
    tableName: env[Env.REGISTRY_TABLE],
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    log: logger,
  };
  return deps;
}

/**
 * The Provider framework's onEvent for Custom::OnAirChannelRegistration: each channel stack's
 * resource puts its endpoints into the live router's KeyValueStore (the route table) and its entry
 * into the channel registry table, and takes them out on delete.
 */
export const handler = withLambdaContext(
  async (event: CloudFormationCustomResourceEvent): Promise<ProviderResponse> =>
    onEvent(dependencies(), event),
);

export { ddb, kvs, mediapackage };
