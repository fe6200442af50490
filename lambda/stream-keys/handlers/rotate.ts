import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { iamCaller, json, jsonBody, parseWith } from '../../shared/http';
import { channelPath, emptyBody } from '../../shared/params';
import { countMetric, logger, OnAirMetric } from '../../shared/powertools';
import { requestRotation } from '../engine';
import { rotatedDetails } from '../ingest-details';
import { credentialOf } from '../kinds';
import { pendingConflict, streamKeyHttpHandler } from './http';
import { channel, clients } from './runtime';

/**
 * POST /channels/{id}/stream-key → rotates the channel's ingest credential (its stream key, or its
 * SRT passphrase on an SRT channel) now when the channel is IDLE (200 + new ingest details);
 * otherwise 409 `{ pending: true, state }` and the rotation runs at the next IDLE.
 * The rotation's retries are bounded by the function's remaining time (timeout 25 s, below the
 * HTTP API's 30 s), so the function is never cut off between UpdateInput and the promotion.
 */
export const rotate = streamKeyHttpHandler(async (event: APIGatewayProxyEventV2, context?: Context) => {
  const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
  parseWith(emptyBody, jsonBody(event), 'request body');
  const entry = await channel(id);
  const credential = credentialOf(id, entry);
  logger.info('stream-key rotation requested', {
    channelId: id,
    credential: credential.kind.id,
    caller: iamCaller(event),
  });
  const outcome = await requestRotation(clients, credential, {
    logger,
    remainingMs: context ? () => context.getRemainingTimeInMillis() : undefined,
  });
  if (!outcome.rotated) {
    countMetric(OnAirMetric.STREAM_KEY_ROTATIONS_PENDING, id);
    throw pendingConflict(id, outcome.state, credential.kind.name);
  }
  countMetric(OnAirMetric.STREAM_KEY_ROTATIONS, id);
  return json(200, rotatedDetails(id, entry, outcome));
});
