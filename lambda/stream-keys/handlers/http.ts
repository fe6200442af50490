import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { Conflict, ServiceUnavailable } from '../../shared/errors';
import { httpHandler } from '../../shared/http';
import { InputBusy, PromotionPending } from '../errors';

/**
 * The stream-key domain's failures as HTTP errors: the one place they are mapped (the errors
 * lambda/shared/errors.ts knows, AWS's included, map themselves in httpHandler).
 */
export function toHttpError(err: unknown): unknown {
  if (err instanceof InputBusy)
    return new Conflict(err.message, { channelId: err.channelId, state: err.state }, 10);
  if (err instanceof PromotionPending)
    return new ServiceUnavailable(err.message, 10, { channelId: err.channelId, rotationPending: true });
  return err;
}

/** A refused rotation (the channel is not idle) as HTTP: 409, pending, applied at the next IDLE. */
export function pendingConflict(channelId: string, state: string, credentialName = 'stream key'): Conflict {
  return new Conflict(
    `channel "${channelId}" is ${state}; the ${credentialName} rotates when the channel is next idle`,
    { channelId, pending: true, state },
  );
}

/** httpHandler for the stream-key routes: domain errors become their HTTP errors first. */
export function streamKeyHttpHandler(
  fn: (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>,
): (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2> {
  return httpHandler(async (event, context) => {
    try {
      return await fn(event, context);
    } catch (err) {
      throw toHttpError(err);
    }
  });
}
