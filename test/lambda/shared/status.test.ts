import 'aws-sdk-client-mock-jest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { BATCH_GET_MAX_KEYS, readStatuses } from '../../../lambda/shared/status';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2' }));

test('reads a hundred and fifty channels in BatchGetItem requests of at most 100 keys', async () => {
  ddb
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: { channelId: string }[] }> }) => ({
      Responses: { status: input.RequestItems.status?.Keys.map((k) => ({ ...k, state: 'IDLE' })) ?? [] },
    }));
  const ids = Array.from({ length: 150 }, (_, i) => `ch-${i}`);
  const out = await readStatuses(client, 'status', ids);
  expect(out.size).toBe(150);
  const sizes = ddb
    .commandCalls(BatchGetCommand)
    .map((c) => c.args[0].input.RequestItems?.status?.Keys?.length);
  expect(sizes).toEqual([BATCH_GET_MAX_KEYS, 50]);
});
