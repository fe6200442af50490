import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { RotationClients } from '../../../lambda/stream-keys/credential';
import type { RotateOptions } from '../../../lambda/stream-keys/rotate-idle';
import { useRegistry } from './fixtures';

/** What a stream-key test talks to instead of AWS; see {@link useStreamKeyAws}. */
export interface StreamKeyAws {
  /** MediaLive as every client sees it, the handlers' own included. */
  readonly ml: AwsClientStub<MediaLiveClient>;
  /** Secrets Manager as every client sees it, the handlers' own included. */
  readonly sm: AwsClientStub<SecretsManagerClient>;
  /** Clients to pass to the domain functions (answered by `ml` and `sm`). */
  readonly clients: RotationClients;
  /** Options for the domain functions: a logger that records its calls, and backoff without sleeping. */
  readonly opts: RotateOptions & { readonly logger: Record<'info' | 'warn' | 'error', jest.Mock> };
}

/**
 * The setup every stream-key test file shares; call it once at the top of the file. MediaLive and
 * Secrets Manager are mocked and reset (logger calls cleared) before each test, and the handlers
 * read the test channels (REGISTRY of ./fixtures) from the registry table (mocked). A file's own beforeEach runs after
 * the reset, so its answers stand.
 */
export function useStreamKeyAws(): StreamKeyAws {
  const ml = mockClient(MediaLiveClient);
  const sm = mockClient(SecretsManagerClient);
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  beforeAll(useRegistry);
  beforeEach(() => {
    ml.reset();
    sm.reset();
    for (const log of Object.values(logger)) log.mockClear();
  });
  return {
    ml,
    sm,
    clients: { medialive: new MediaLiveClient({}), secrets: new SecretsManagerClient({}) },
    opts: { logger, sleep: async () => {} },
  };
}
