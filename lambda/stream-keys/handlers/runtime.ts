import { dynamoDbDocumentClient, mediaLiveClient, secretsManagerClient } from '../../shared/clients';
import {
  type ChannelEntry,
  environmentRegistry,
  type Registry,
  type RegistryReader,
} from '../../shared/registry';
import type { RotationClients } from '../credential';

/** The SDK clients of the bundle, made once per container (whichever of the four handlers it runs). */
export const clients: RotationClients = { medialive: mediaLiveClient(), secrets: secretsManagerClient() };
const ddb = dynamoDbDocumentClient({ maxAttempts: 3 });

let reader: RegistryReader | undefined;

function registryReader(): RegistryReader {
  reader ??= environmentRegistry(ddb);
  return reader;
}

/** The channel registry, read from the registry table (cached per container). */
export function registry(): Promise<Registry> {
  return registryReader().all();
}

/** One registered channel's entry; an unknown id is a 404 (re-read at most every few seconds). */
export function channel(channelId: string): Promise<ChannelEntry> {
  return registryReader().channel(channelId);
}

export { ddb };
