import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { IngestProtocol } from '../../shared/contract';
import { iamCaller, json, parseWith } from '../../shared/http';
import { channelPath } from '../../shared/params';
import { logger } from '../../shared/powertools';
import { ingestDetails } from '../ingest-details';
import { streamKeyHttpHandler } from './http';
import { channel, clients } from './runtime';

/**
 * GET /channels/{id}/ingest → what an encoder needs: RTMP server URL(s) and the stream key, or
 * complete srt:// URLs and the SRT settings with the passphrase.
 */
export const ingest = streamKeyHttpHandler(async (event: APIGatewayProxyEventV2) => {
  const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
  const details = await ingestDetails(clients, id, await channel(id));
  if (details.inconsistent)
    logger.warn(
      details.protocol === IngestProtocol.SRT_LISTENER
        ? 'the SRT input names another secret than the channel passphrase; redeploy'
        : 'the input does not accept the AWSCURRENT stream key (interrupted rotation); serving the key the input accepts',
      { channelId: id },
    );
  logger.info('ingest details served', {
    channelId: id,
    protocol: details.protocol,
    state: details.state,
    endpoints: details.endpoints.length,
    inconsistent: details.inconsistent,
    // who read the stream key or passphrase
    caller: iamCaller(event),
  });
  return json(200, details);
});
