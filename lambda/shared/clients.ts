import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Every SDK client a function uses is made here, so each has timeouts and a retry policy.
 * Functions create their clients once, at module scope; esbuild keeps only the factories a
 * function calls (each client is its own package). No endpoint or credentials here: the SDK's
 * standard resolution applies (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, the Lambda role).
 */

/**
 * SDK retries (standard mode: throttling, 5xx and timed-out attempts, with exponential backoff
 * and jitter) before an error reaches lambda/shared/errors.ts. The default suits work that must
 * finish (custom resources, key rotation); a caller someone waits on passes fewer.
 */
export const SDK_MAX_ATTEMPTS = 5;

/**
 * Per-attempt HTTP timeouts: without them a hung connection waits until Lambda kills the
 * function (the Node.js handler's default request timeout is none), possibly between UpdateInput
 * and the promotion of the new key. A timed-out attempt is retried like a 5xx.
 */
export const SDK_HTTP_OPTIONS = { connectionTimeout: 3_000, requestTimeout: 5_000 } as const;

export interface ClientOptions {
  /**
   * Attempts per call, the first included.
   * @default - {@link SDK_MAX_ATTEMPTS}
   */
  readonly maxAttempts?: number;
}

function config(options: ClientOptions = {}) {
  return {
    maxAttempts: options.maxAttempts ?? SDK_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: { ...SDK_HTTP_OPTIONS },
  } as const;
}

export function mediaLiveClient(options?: ClientOptions): MediaLiveClient {
  return new MediaLiveClient(config(options));
}

export function mediaPackageClient(options?: ClientOptions): MediaPackageClient {
  return new MediaPackageClient(config(options));
}

export function s3Client(options?: ClientOptions): S3Client {
  return new S3Client(config(options));
}

export function secretsManagerClient(options?: ClientOptions): SecretsManagerClient {
  return new SecretsManagerClient(config(options));
}

/** DynamoDB through the DocumentClient (plain JavaScript values in and out). */
export function dynamoDbDocumentClient(options?: ClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config(options)));
}

export function snsClient(options?: ClientOptions): SNSClient {
  return new SNSClient(config(options));
}

export function cloudWatchClient(options?: ClientOptions): CloudWatchClient {
  return new CloudWatchClient(config(options));
}

/** CloudFront's control plane is global and answers from us-east-1, whatever the function's Region. */
export function cloudFrontClient(options?: ClientOptions): CloudFrontClient {
  return new CloudFrontClient({ ...config(options), region: 'us-east-1' });
}

/**
 * CloudFront KeyValueStore's data plane (`<account>.cloudfront-kvs.global.api.aws`) takes SigV4A
 * signatures only. The client signs with the multi-region signer, which needs a SigV4A
 * implementation registered: the function that uses this client imports '@aws-sdk/signature-v4a'
 * (pure JavaScript; the CRT alternative needs a native binary Lambda does not have) for that side
 * effect, so no other bundle carries it.
 */
export function keyValueStoreClient(options?: ClientOptions): CloudFrontKeyValueStoreClient {
  return new CloudFrontKeyValueStoreClient({ ...config(options), region: 'us-east-1' });
}
