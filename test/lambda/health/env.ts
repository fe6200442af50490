import { REGISTRY_TABLE } from '../registry-fixtures';

process.env.ONAIR_REGISTRY_TABLE = REGISTRY_TABLE;
process.env.ONAIR_STATUS_TABLE = 'status-table';
process.env.ONAIR_TOPIC_ARN = 'arn:aws:sns:us-west-2:111122223333:alerts';
process.env.ONAIR_STAGE = 'test';
process.env.ONAIR_WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:hook-AbCdEf';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
