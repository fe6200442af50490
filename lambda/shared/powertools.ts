import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One Logger and one Metrics per container, configured from POWERTOOLS_* environment variables. */
export const logger = new Logger();
export const metrics = new Metrics();
