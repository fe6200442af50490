import { REGISTRY } from '../fixtures';

process.env.ONAIR_CHANNELS = JSON.stringify(REGISTRY);
process.env.ONAIR_STATUS_TABLE = 'status-table';
process.env.ONAIR_TOPIC_ARN = 'arn:aws:sns:us-west-2:111122223333:alerts';
process.env.ONAIR_STAGE = 'test';
process.env.ONAIR_AUTO_RESTART = 'studio';
process.env.ONAIR_WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:hook-AbCdEf';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
