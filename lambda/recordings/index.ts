import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoDbDocumentClient, mediaPackageClient, SDK_HTTP_OPTIONS } from '../shared/clients';
import {
  Env,
  OperatorRoutes,
  RECORDINGS_API_ENV,
  RECORDINGS_ENV,
  readEnv,
  routeKey,
} from '../shared/contract';
import { NotFound } from '../shared/errors';
import { httpHandler, iamCaller, json, parseWith } from '../shared/http';
import { channelPath } from '../shared/params';
import { logger, withLambdaContext } from '../shared/powertools';
import { channelOf, loadRegistry } from '../shared/registry';
import { deleteRecording, getRecording, listQuery, listRecordings, recordingPath, setPublished } from './api';
import { onHarvest, onStateChange, parseRecorderEvent } from './events';
import { type RecorderDeps, sweep } from './recorder';

const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });
const mediapackage = mediaPackageClient({ maxAttempts: 4 });
const s3 = new S3Client({ maxAttempts: 4, retryMode: 'standard', requestHandler: { ...SDK_HTTP_OPTIONS } });

function recorderDeps(): RecorderDeps {
  const env = readEnv(RECORDINGS_ENV);
  return {
    ddb,
    mediapackage,
    s3,
    registry: loadRegistry(),
    config: {
      bucket: env[Env.ARCHIVE_BUCKET],
      roleArn: env[Env.HARVEST_ROLE_ARN],
      table: env[Env.RECORDINGS_TABLE],
      partSeconds: Number(env[Env.RECORDING_PART_SECONDS]),
      startoverSeconds: Number(env[Env.STARTOVER_SECONDS]),
      publishByDefault: env[Env.PUBLISH_BY_DEFAULT] === 'true',
      thumbnails: env[Env.THUMBNAILS] === 'true',
    },
    now: () => new Date(),
    log: logger,
  };
}

/**
 * EventBridge in (MediaLive state changes, MediaPackage harvest notifications, the sweep
 * schedule), the recordings index out. A failure throws: Lambda retries the asynchronous
 * invocation, then the event goes to the dead-letter queue, which alarms.
 */
export const events = withLambdaContext(async (event: unknown): Promise<void> => {
  const parsed = parseRecorderEvent(event);
  if (!parsed.ok) {
    logger.error('unrecognised event', { problem: parsed.problem });
    return;
  }
  const e = parsed.value;
  const d = recorderDeps();
  if (e['detail-type'] === 'Scheduled Event') await sweep(d);
  else if (e['detail-type'] === 'MediaLive Channel State Change') await onStateChange(d, e);
  else await onHarvest(d, e);
});

async function route(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const env = readEnv(RECORDINGS_API_ENV);
  const d = { ddb, s3, table: env[Env.RECORDINGS_TABLE], bucket: env[Env.ARCHIVE_BUCKET] };
  const path = () => parseWith(recordingPath, event.pathParameters ?? {}, 'path').recordingId;
  switch (event.routeKey) {
    case routeKey(OperatorRoutes.LIST_RECORDINGS): {
      const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
      channelOf(loadRegistry(), id);
      const q = parseWith(listQuery, event.queryStringParameters ?? {}, 'query');
      return json(200, await listRecordings(d, id, q));
    }
    case routeKey(OperatorRoutes.GET_RECORDING):
      return json(200, await getRecording(d, path()));
    case routeKey(OperatorRoutes.DELETE_RECORDING): {
      const recordingId = path();
      const objects = await deleteRecording(d, recordingId);
      logger.info('recording deleted', { recordingId, objects, caller: iamCaller(event) });
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    case routeKey(OperatorRoutes.PUBLISH_RECORDING):
    case routeKey(OperatorRoutes.UNPUBLISH_RECORDING): {
      const recordingId = path();
      const published = event.routeKey === routeKey(OperatorRoutes.PUBLISH_RECORDING);
      const view = await setPublished(d, recordingId, published);
      logger.info(published ? 'recording published' : 'recording unpublished', {
        recordingId,
        caller: iamCaller(event),
      });
      return json(200, view);
    }
    default:
      throw new NotFound(`no route ${event.routeKey}`);
  }
}

export const api = httpHandler(route);
export { ddb, mediapackage, s3 };
