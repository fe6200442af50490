import { mediaLiveClient } from '../shared/clients';
import { logger, withLambdaContext } from '../shared/powertools';
import { handleLifecycle, type LifecycleResult, parseLifecycleEvent } from './lifecycle';

const medialive = mediaLiveClient({ maxAttempts: 5 });

/**
 * The Provider framework's onEvent and isComplete handler for Custom::OnAirChannelLifecycle:
 * every call runs one idempotent step and reports whether the work is complete.
 */
export const handler = withLambdaContext(async (event: unknown): Promise<LifecycleResult> => {
  const parsed = parseLifecycleEvent(event);
  return handleLifecycle(medialive, parsed, logger);
});

export { medialive };
