import { buildFunctions } from '../lib/build/functions';

/**
 * Builds the Lambda functions once, before the workers start (a no-op when the cached build is
 * current), so parallel suites never build the same thing side by side.
 */
export default async function globalSetup(): Promise<void> {
  await buildFunctions();
}
