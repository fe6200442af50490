import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MediaLiveClient } from '@aws-sdk/client-medialive';
import { MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Env, FUNCTION_ENV } from '../../../lambda/shared/contract';
import { logger } from '../../../lambda/shared/powertools';
import { lambdaContext } from '../fixtures';

const noAws = new Error('no AWS call is expected here');
mockClient(CloudFrontClient).onAnyCommand().rejects(noAws);
mockClient(CloudFrontKeyValueStoreClient).onAnyCommand().rejects(noAws);
mockClient(CloudWatchClient).onAnyCommand().rejects(noAws);
mockClient(DynamoDBClient).onAnyCommand().rejects(noAws);
mockClient(DynamoDBDocumentClient).onAnyCommand().rejects(noAws);
mockClient(MediaLiveClient).onAnyCommand().rejects(noAws);
mockClient(MediaPackageClient).onAnyCommand().rejects(noAws);
mockClient(SecretsManagerClient).onAnyCommand().rejects(noAws);
mockClient(SNSClient).onAnyCommand().rejects(noAws);

// Every variable any function reads, so each module loads and gets as far as its input checks.
Object.assign(process.env, {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  [Env.REGISTRY_TABLE]: 'registry-table',
  [Env.ROUTE_TABLE_ARN]:
    'arn:aws:cloudfront::111122223333:key-value-store/0123abcd-4567-89ef-0123-456789abcdef',
  [Env.STAGE]: 'test',
  [Env.STATUS_TABLE]: 'status-table',
  [Env.TOPIC_ARN]: 'arn:aws:sns:us-west-2:111122223333:alerts',
  [Env.PLAYBACK_DOMAIN]: 'd111111abcdef8.cloudfront.net',
  [Env.SIGNING_KEY_SECRET_ARN]: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:key-AbCdEf',
  [Env.SIGNING_KEY_ID]: 'K2JCJMDEHXQW5F',
  [Env.SESSION_TTL_SECONDS]: '3600',
  [Env.BIND_SOURCE_IP]: 'false',
  [Env.ORIGIN_SECRET_ARN]: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:origin-AbCdEf',
  [Env.ARCHIVE_BUCKET]: 'archive',
  [Env.HARVEST_ROLE_ARN]: 'arn:aws:iam::111122223333:role/harvest',
  [Env.STARTOVER_SECONDS]: '3600',
});

const handlers = Object.entries(FUNCTION_ENV).flatMap(([entry, exports]) =>
  Object.keys(exports).map((name) => [`${entry}.${name}`, entry, name] as const),
);

test.each(handlers)('%s adds the Lambda context to its logs', async (_id, entry, name) => {
  const mod = require(`../../../lambda/${entry}/index`) as Record<
    string,
    (event: unknown, context?: unknown) => Promise<unknown>
  >;
  const handler = mod[name];
  expect(typeof handler).toBe('function');
  const addContext = jest.spyOn(logger, 'addContext');
  const context = lambdaContext();
  try {
    // An event no function acts on: each answers or fails at its input checks, after the context is added.
    await handler?.({ nothing: 'to do' }, context).catch(() => undefined);
    expect(addContext).toHaveBeenCalledWith(context);
  } finally {
    addContext.mockRestore();
  }
});
