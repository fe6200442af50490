import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  channelIdParam,
  deleteRecording,
  getRecording,
  listRecordings,
  parseListQuery,
  recordingIdParam,
  setPublished,
} from '../recordings/api';
import { parseRecorderEvent } from '../recordings/events';
import { type FilesDeps, onHarvestSucceeded } from '../recordings/finalize';
import { dynamoDbDocumentClient, s3Client } from '../shared/clients';
import { Env, OperatorRoutes, RECORDING_FILES_ENV, readEnv, routeKey } from '../shared/contract';
import { NotFound } from '../shared/errors';
import { httpHandler, iamCaller, json } from '../shared/http';
import { logger, withLambdaContext } from '../shared/powertools';
import { environmentRegistry, type RegistryReader } from '../shared/registry';

/**
 * The recordings' files (S3) and the operator routes: a separate bundle from lambda/recordings so
 * neither carries both the S3 and the MediaPackage client (test/build/budgets.test.ts).
 */
const ddb = dynamoDbDocumentClient({ maxAttempts: 4 });
const s3 = s3Client();
let registry: RegistryReader | undefined;

function dependencies(): FilesDeps {
  const env = readEnv(RECORDING_FILES_ENV);
  return {
    ddb,
    s3,
    config: {
      table: env[Env.RECORDINGS_TABLE],
      bucket: env[Env.ARCHIVE_BUCKET],
      thumbnails: env[Env.THUMBNAILS] === 'true',
    },
    now: () => new Date(),
    log: logger,
  };
}

/** EventBridge: a recording part's harvest job SUCCEEDED (the last one joins the recording). */
export const harvested = withLambdaContext(async (event: unknown): Promise<void> => {
  const parsed = parseRecorderEvent(event);
  if (!parsed.ok || parsed.value['detail-type'] !== 'MediaPackage HarvestJob Notification') {
    logger.error('unrecognised event', {
      problem: parsed.ok ? 'not a harvest notification' : parsed.problem,
    });
    return;
  }
  const job = parsed.value.detail.harvest_job;
  // The API's status enum says SUCCEEDED; the user guide's example notification shows COMPLETED.
  if (job.status === 'SUCCEEDED' || job.status === 'COMPLETED')
    await onHarvestSucceeded(dependencies(), job.id);
});

async function route(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const d = dependencies();
  const api = { ddb, s3, table: d.config.table, bucket: d.config.bucket };
  const recordingId = () => recordingIdParam(event.pathParameters);
  switch (event.routeKey) {
    case routeKey(OperatorRoutes.LIST_RECORDINGS): {
      const id = channelIdParam(event.pathParameters);
      registry ??= environmentRegistry(ddb);
      await registry.channel(id);
      const q = parseListQuery(event.queryStringParameters);
      return json(200, await listRecordings(api, id, q));
    }
    case routeKey(OperatorRoutes.GET_RECORDING):
      return json(200, await getRecording(api, recordingId()));
    case routeKey(OperatorRoutes.DELETE_RECORDING): {
      const id = recordingId();
      const objects = await deleteRecording(api, id);
      logger.info('recording deleted', { recordingId: id, objects, caller: iamCaller(event) });
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    case routeKey(OperatorRoutes.PUBLISH_RECORDING):
    case routeKey(OperatorRoutes.UNPUBLISH_RECORDING): {
      const id = recordingId();
      const published = event.routeKey === routeKey(OperatorRoutes.PUBLISH_RECORDING);
      const view = await setPublished(api, id, published);
      logger.info(published ? 'recording published' : 'recording unpublished', {
        recordingId: id,
        caller: iamCaller(event),
      });
      return json(200, view);
    }
    default:
      throw new NotFound(`no route ${event.routeKey}`);
  }
}

export const api = httpHandler(route);
export { ddb, s3 };
