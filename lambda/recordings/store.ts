import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RecordingStatus } from '../shared/contract';
import type { Log } from '../shared/powertools';
import type { RecordingRecord } from './record';

/** What every recordings function needs of the index. */
export interface StoreDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly config: { readonly table: string };
  readonly now: () => Date;
  readonly log: Log;
}

export const isConditionFailed = (err: unknown) => (err as Error)?.name === 'ConditionalCheckFailedException';

/** The recording, part and attempt a harvest job id names; undefined for any other job (clips). */
export function parseJobId(
  jobId: string,
): { recordingId: string; part: string; attempt: number } | undefined {
  const m = /^(.+-\d{8}t\d{6}z)-(p\d{2,3})(?:-r(\d+))?$/.exec(jobId);
  return m ? { recordingId: m[1], part: m[2], attempt: m[3] ? Number(m[3]) : 1 } : undefined;
}

export async function readRecording(deps: Pick<StoreDeps, 'ddb' | 'config'>, recordingId: string) {
  const res = await deps.ddb.send(
    new GetCommand({ TableName: deps.config.table, Key: { recordingId }, ConsistentRead: true }),
  );
  return res.Item as RecordingRecord | undefined;
}

/** Marks a recording FAILED with why (never a READY one). */
export async function fail(deps: StoreDeps, recordingId: string, why: string): Promise<void> {
  deps.log.error('recording failed', { recordingId, why });
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.config.table,
        Key: { recordingId },
        UpdateExpression: 'SET #status = :failed, failure = :why, updatedAt = :now',
        ConditionExpression: '#status <> :ready',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': RecordingStatus.FAILED,
          ':ready': RecordingStatus.READY,
          ':why': why,
          ':now': deps.now().toISOString(),
        },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}
