/**
 * The stream-key functions, one bundle with four handlers (lib/constructs/stream-keys/stream-keys.ts names
 * each function's export):
 * - `ingest`: GET /channels/{id}/ingest, what OBS needs;
 * - `rotate`: POST /channels/{id}/stream-key, rotate now (idle) or record as pending;
 * - `stateChange`: EventBridge, apply a pending rotation when a channel reaches IDLE;
 * - `rotation`: Secrets Manager's rotation function (streamKey.rotateEveryDays).
 */
export { ingest } from './handlers/ingest';
export { rotate } from './handlers/rotate';
export { rotation } from './handlers/rotation';
export { stateChange } from './handlers/state-change';
