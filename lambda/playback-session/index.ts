import { dynamoDbDocumentClient, secretsManagerClient } from '../shared/clients';
import { httpHandler } from '../shared/http';
import { countMetric, logger, OnAirMetric } from '../shared/powertools';
import { environmentRegistry } from '../shared/registry';
import { KeyCache, readOriginSecret, readSigningKey, SigningKeys } from './key';
import { issueSession, loadSessionConfig } from './session';

const sm = secretsManagerClient({ maxAttempts: 3 });
const config = loadSessionConfig();
// Each channel's auth mode and media paths come from the registry table its stack writes.
const ddb = dynamoDbDocumentClient({ maxAttempts: 3 });
const registry = environmentRegistry(ddb);
// Recording sessions and the listing read the recordings index with the same client.
const recordings = config.recordingsTable === undefined ? undefined : { ddb, table: config.recordingsTable };
// Parsed once per container: a rotation changes ONAIR_SIGNING_KEY_ID, which makes Lambda start
// fresh containers that load the new key.
const current = new KeyCache(() =>
  readSigningKey(sm, { secretArn: config.secretArn, expectedKeyPairId: config.keyPairId }),
);
const { previousSecretArn, previousKeyPairId } = config;
const previous =
  previousSecretArn !== undefined && previousKeyPairId !== undefined
    ? new KeyCache(() =>
        readSigningKey(sm, { secretArn: previousSecretArn, expectedKeyPairId: previousKeyPairId }),
      )
    : undefined;
const keys = new SigningKeys(current, previous);
const originSecret = new KeyCache(() => readOriginSecret(sm, config.originSecretArn));

export const handler = httpHandler((event) =>
  issueSession(event, {
    config,
    channel: (id) => registry.channel(id),
    keys,
    originSecret,
    now: () => new Date(),
    log: logger,
    recordings,
    issued: (channelId) => countMetric(OnAirMetric.PLAYBACK_SESSIONS, channelId),
  }),
);
