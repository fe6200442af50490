import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * SDK retries (standard mode: throttling and 5xx with exponential backoff and jitter) before an
 * error reaches lambda/shared/errors.ts. No endpoint or credentials here: the SDK's standard
 * resolution applies (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, the Lambda role).
 */
export const SDK_MAX_ATTEMPTS = 5;

/**
 * Per-attempt HTTP timeouts: without them a hung connection waits until Lambda kills the
 * function (the Node.js handler's default request timeout is none), possibly between UpdateInput
 * and the promotion of the new key. A timed-out attempt is retried like a 5xx.
 */
export const SDK_HTTP_OPTIONS = { connectionTimeout: 3_000, requestTimeout: 5_000 } as const;

const config = {
  maxAttempts: SDK_MAX_ATTEMPTS,
  retryMode: 'standard',
  requestHandler: { ...SDK_HTTP_OPTIONS },
} as const;

export function mediaLiveClient(): MediaLiveClient {
  return new MediaLiveClient(config);
}

export function secretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient(config);
}
