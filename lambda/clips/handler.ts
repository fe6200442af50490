import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoDbDocumentClient, mediaPackageClient } from '../shared/clients';
import { CLIPS_ENV, Env, OperatorRoutes, readEnv, routeKey } from '../shared/contract';
import { NotFound } from '../shared/errors';
import { httpHandler, iamCaller, json, jsonBody, parseWith } from '../shared/http';
import { channelPath } from '../shared/params';
import { logger } from '../shared/powertools';
import { environmentRegistry, type RegistryReader } from '../shared/registry';
import * as z from '../shared/zod';
import { type ClipsDeps, clipIdSchema, clipRequest, createClip, describeClip } from './clips';

// Standard retries absorb MediaPackage throttling (TooManyRequestsException); what remains is
// 503 + Retry-After (lambda/shared/errors.ts).
const mediapackage = mediaPackageClient({ maxAttempts: 4 });
const ddb = dynamoDbDocumentClient({ maxAttempts: 3 });
let registry: RegistryReader | undefined;

/** Read per invocation (a few environment variables): nothing to cache. */
function dependencies() {
  const env = readEnv(CLIPS_ENV);
  registry ??= environmentRegistry(ddb);
  return {
    mediapackage,
    registry,
    config: {
      bucket: env[Env.ARCHIVE_BUCKET],
      roleArn: env[Env.HARVEST_ROLE_ARN],
      startoverSeconds: Number(env[Env.STARTOVER_SECONDS]),
    },
    now: () => new Date(),
  } satisfies ClipsDeps & { registry: RegistryReader };
}

const clipPath = z.extend(channelPath, { clipId: clipIdSchema });

async function route(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const d = dependencies();
  switch (event.routeKey) {
    case routeKey(OperatorRoutes.CREATE_CLIP): {
      const { id } = parseWith(channelPath, event.pathParameters ?? {}, 'path');
      const req = parseWith(clipRequest, jsonBody(event), 'request body');
      const clip = await createClip(d, id, await d.registry.channel(id), req);
      logger.info('clip requested', {
        channelId: id,
        clipId: clip.clipId,
        start: clip.start,
        end: clip.end,
        caller: iamCaller(event),
      });
      return json(202, clip);
    }
    case routeKey(OperatorRoutes.GET_CLIP): {
      const { id, clipId } = parseWith(clipPath, event.pathParameters ?? {}, 'path');
      return json(200, await describeClip(d, id, await d.registry.channel(id), clipId));
    }
    default:
      throw new NotFound(`no route ${event.routeKey}`);
  }
}

export const handler = httpHandler(route);
export { ddb, mediapackage };
