import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mediaLiveClient, secretsManagerClient } from '../shared/clients';
import { httpHandler, iamCaller, json, jsonBody, parseWith } from '../shared/http';
import { channelPath, emptyBody } from '../shared/params';
import { countMetric, logger, OnAirMetric } from '../shared/powertools';
import { channelOf, loadRegistry, type Registry } from '../shared/registry';
import { pendingConflict, requestRotation } from '../shared/stream-key';

const clients = { medialive: mediaLiveClient(), secrets: secretsManagerClient() };
let registry: Registry | undefined;

/**
 * POST /channels/{id}/stream-key → rotates now when the channel is IDLE (200 + new ingest
 * details); otherwise 409 `{ pending: true, state }` and the rotation runs at the next IDLE.
 * The rotation's retries are bounded by the function's remaining time (timeout 25 s, below the
 * HTTP API's 30 s), so the function is never cut off between UpdateInput and the promotion.
 */
export const handler = httpHandler(async (event: APIGatewayProxyEventV2, context?: Context) => {
  const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
  parseWith(emptyBody, jsonBody(event), 'request body');
  registry ??= loadRegistry();
  const entry = channelOf(registry, id);
  logger.info('stream-key rotation requested', { channelId: id, caller: iamCaller(event) });
  const outcome = await requestRotation(clients, id, entry, {
    logger,
    remainingMs: context ? () => context.getRemainingTimeInMillis() : undefined,
  });
  if (!outcome.rotated) {
    countMetric(OnAirMetric.STREAM_KEY_ROTATIONS_PENDING, id);
    throw pendingConflict(id, outcome.state);
  }
  countMetric(OnAirMetric.STREAM_KEY_ROTATIONS, id);
  return json(200, outcome.details);
});
