/**
 * The archive functions, one bundle with two handlers (lib/constructs/archive names each
 * function's export). Both drive MediaPackage harvest jobs and DynamoDB, so one bundle carries
 * the SDK once:
 * - `clips`: the operator routes POST /channels/{id}/clips and GET …/clips/{clipId};
 * - `recorder`: recordings from MediaLive state changes, the 15-minute sweep and failed parts.
 */
export { handler as clips } from '../clips/handler';
export { handler as recorder } from '../recordings/handler';
