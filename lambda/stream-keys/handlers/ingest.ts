import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { iamCaller, json, parseWith } from '../../shared/http';
import { channelPath } from '../../shared/params';
import { logger } from '../../shared/powertools';
import { channelOf } from '../../shared/registry';
import { ingestDetails } from '../ingest-details';
import { streamKeyHttpHandler } from './http';
import { clients, registry } from './runtime';

/** GET /channels/{id}/ingest → what OBS needs: RTMP server URL(s) and the stream key. */
export const ingest = streamKeyHttpHandler(async (event: APIGatewayProxyEventV2) => {
  const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
  const details = await ingestDetails(clients, id, channelOf(registry(), id));
  if (details.inconsistent)
    logger.warn(
      'the input does not accept the AWSCURRENT stream key (interrupted rotation); serving the key the input accepts',
      { channelId: id },
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
