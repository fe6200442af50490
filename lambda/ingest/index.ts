import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mediaLiveClient, secretsManagerClient } from '../shared/clients';
import { httpHandler, iamCaller, json, parseWith } from '../shared/http';
import { channelPath } from '../shared/params';
import { logger } from '../shared/powertools';
import { channelOf, loadRegistry, type Registry } from '../shared/registry';
import { ingestDetails } from '../shared/stream-key';

const clients = { medialive: mediaLiveClient(), secrets: secretsManagerClient() };
let registry: Registry | undefined;

/** GET /channels/{id}/ingest → what OBS needs: RTMP server URL(s) and the stream key. */
export const handler = httpHandler(async (event: APIGatewayProxyEventV2) => {
  const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
  registry ??= loadRegistry();
  const details = await ingestDetails(clients, id, channelOf(registry, id));
  if (details.inconsistent)
    logger.warn(
      'the input does not accept the AWSCURRENT stream key (interrupted rotation); serving the key the input accepts',
      {
        channelId: id,
      },
    );
  logger.info('ingest details served', {
    channelId: id,
    state: details.state,
    endpoints: details.endpoints.length,
    inconsistent: details.inconsistent,
    // who read the stream key
    caller: iamCaller(event),
  });
  return json(200, details);
});
