import * as z from './zod';

/** Path parameters of /channels/{id}/…: the id is a channel slug (lib/config/schema.ts). */
export const channelPath = z.object({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'expected a channel id (slug)')),
});

/** The body of a request that takes no options: empty or `{}`; anything else is a 400, so a misplaced option never passes silently. */
export const emptyBody = z.strictObject({});
