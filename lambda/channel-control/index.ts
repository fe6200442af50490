import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoDbDocumentClient, mediaLiveClient } from '../shared/clients';
import { CHANNEL_CONTROL_ENV, Env, OperatorRoutes, readEnv, routeKey } from '../shared/contract';
import { NotFound } from '../shared/errors';
import { httpHandler, iamCaller, json, jsonBody, parseWith } from '../shared/http';
import { channelPath, emptyBody } from '../shared/params';
import { logger } from '../shared/powertools';
import { environmentRegistry, type RegistryReader } from '../shared/registry';
import { type ControlDeps, channelStatus, listChannels, startChannel, stopChannel } from './control';

// The SDK's standard retry strategy absorbs MediaLive throttling (TooManyRequestsException)
// with backoff; what remains becomes 503 + Retry-After in lambda/shared/errors.ts.
const medialive = mediaLiveClient({ maxAttempts: 4 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 3 });

let registry: RegistryReader | undefined;
async function dependencies(event: APIGatewayProxyEventV2): Promise<ControlDeps> {
  const env = readEnv(CHANNEL_CONTROL_ENV);
  const apiDomain = event.requestContext?.domainName;
  registry ??= environmentRegistry(ddb);
  return {
    medialive,
    ddb,
    registry: await registry.all(),
    statusTable: env[Env.STATUS_TABLE],
    playbackDomain: env[Env.PLAYBACK_DOMAIN],
    ...(apiDomain ? { apiUrl: `https://${apiDomain}` } : {}),
  };
}

async function route(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const d = await dependencies(event);
  if (event.routeKey === routeKey(OperatorRoutes.LIST_CHANNELS))
    return json(200, { channels: await listChannels(d) });
  const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
  switch (event.routeKey) {
    case routeKey(OperatorRoutes.CHANNEL_STATUS):
      return json(200, await channelStatus(d, id));
    case routeKey(OperatorRoutes.START_CHANNEL): {
      parseWith(emptyBody, jsonBody(event), 'request body');
      const r = await startChannel(d, id);
      logger.info('start requested', { ...r.body, caller: iamCaller(event) });
      return json(r.statusCode, r.body);
    }
    case routeKey(OperatorRoutes.STOP_CHANNEL): {
      parseWith(emptyBody, jsonBody(event), 'request body');
      const r = await stopChannel(d, id);
      logger.info('stop requested', { ...r.body, caller: iamCaller(event) });
      return json(r.statusCode, r.body);
    }
    default:
      throw new NotFound(`no route ${event.routeKey}`);
  }
}

export const handler = httpHandler(route);
export { ddb, medialive };
