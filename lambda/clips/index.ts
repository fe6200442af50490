import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mediaPackageClient } from '../shared/clients';
import { NotFound } from '../shared/errors';
import { httpHandler, iamCaller, json, jsonBody, parseWith } from '../shared/http';
import { channelPath } from '../shared/params';
import { logger } from '../shared/powertools';
import { channelOf, loadRegistry } from '../shared/registry';
import * as z from '../shared/zod';
import { type ClipsDeps, clipIdSchema, clipRequest, createClip, describeClip } from './clips';

export const ARCHIVE_BUCKET_ENV = 'ONAIR_ARCHIVE_BUCKET';
export const HARVEST_ROLE_ENV = 'ONAIR_HARVEST_ROLE_ARN';
export const STARTOVER_ENV = 'ONAIR_STARTOVER_SECONDS';

// Standard retries absorb MediaPackage throttling (TooManyRequestsException); what remains is
// 503 + Retry-After (lambda/shared/errors.ts).
const mediapackage = mediaPackageClient({ maxAttempts: 4 });

/** Read per invocation (a few environment variables): nothing to cache. */
function dependencies() {
  return {
    mediapackage,
    registry: loadRegistry(),
    config: {
      bucket: process.env[ARCHIVE_BUCKET_ENV] ?? '',
      roleArn: process.env[HARVEST_ROLE_ENV] ?? '',
      startoverSeconds: Number(process.env[STARTOVER_ENV] ?? '0'),
    },
    now: () => new Date(),
  } satisfies ClipsDeps & { registry: ReturnType<typeof loadRegistry> };
}

const clipPath = z.extend(channelPath, { clipId: clipIdSchema });

async function route(
  event: APIGatewayProxyEventV2,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (context) logger.addContext(context);
  const d = dependencies();
  switch (event.routeKey) {
    case 'POST /channels/{id}/clips': {
      const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
      const req = parseWith(clipRequest, jsonBody(event), 'request body');
      const clip = await createClip(d, id, channelOf(d.registry, id), req);
      logger.info('clip requested', {
        channelId: id,
        clipId: clip.clipId,
        start: clip.start,
        end: clip.end,
        caller: iamCaller(event),
      });
      return json(202, clip);
    }
    case 'GET /channels/{id}/clips/{clipId}': {
      const { id, clipId } = parseWith(clipPath, event.pathParameters ?? {}, 'path');
      return json(200, await describeClip(d, id, channelOf(d.registry, id), clipId));
    }
    default:
      throw new NotFound(`no route ${event.routeKey}`);
  }
}

export const handler = httpHandler(logger, route);
export { mediapackage };
