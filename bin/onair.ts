#!/usr/bin/env node
import { buildAppFromContext } from '../lib/app';
import { ConfigError } from '../lib/config/load';
import { renderSummary } from '../lib/summary';

try {
  const { config } = buildAppFromContext();
  process.stderr.write(renderSummary(config, process.env.CDK_DEFAULT_REGION));
} catch (err) {
  // A bad config or a construct's validation is the user's to fix: say what, not where in our code.
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`error: ${(err as Error).message}\n`);
  }
  process.exit(1);
}
