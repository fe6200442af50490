import { REGISTRY_TABLE } from '../registry-fixtures';

process.env.ONAIR_REGISTRY_TABLE = REGISTRY_TABLE;
process.env.ONAIR_STATUS_TABLE = 'status-table';
process.env.ONAIR_PLAYBACK_DOMAIN = 'd111111abcdef8.cloudfront.net';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
