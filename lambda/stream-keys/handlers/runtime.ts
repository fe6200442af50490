import { mediaLiveClient, secretsManagerClient } from '../../shared/clients';
import { loadRegistry, type Registry } from '../../shared/registry';
import type { RotationClients } from '../credential';

/** The SDK clients of the bundle, made once per container (whichever of the four handlers it runs). */
export const clients: RotationClients = { medialive: mediaLiveClient(), secrets: secretsManagerClient() };

let loaded: Registry | undefined;

/** The channel registry, read from the environment on first use. */
export function registry(): Registry {
  loaded ??= loadRegistry();
  return loaded;
}
