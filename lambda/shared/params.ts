import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from './contract';
import * as z from './zod';

/** A channel id in a request (path parameter or route segment). */
export const channelId = z
  .string()
  .check(z.regex(CHANNEL_ID_PATTERN, `expected a channel id (${CHANNEL_ID_RULE})`));

/** Path parameters of /channels/{id}/…. */
export const channelPath = z.object({ id: channelId });
