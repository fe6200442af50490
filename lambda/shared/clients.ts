import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * SDK retries (standard mode: throttling and 5xx with exponential backoff and jitter) before an
 * error reaches lambda/shared/errors.ts. No endpoint or credentials here: the SDK's standard
 * resolution applies (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, the Lambda role).
 */
export const SDK_MAX_ATTEMPTS = 5;

export function mediaLiveClient(): MediaLiveClient {
  return new MediaLiveClient({ maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'standard' });
}

export function secretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({ maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'standard' });
}
