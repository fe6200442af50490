/**
 * The channel functions, one bundle with three handlers (lib/constructs/operations/channel-control.ts
 * names each function's export). They share the MediaLive client, the registry and the status
 * table, so one bundle carries the SDK once instead of three times:
 * - `control`: the operator routes GET /channels, GET …/status, POST …/start and …/stop;
 * - `lifecycle`: the Provider framework's handler for Custom::OnAirChannelLifecycle (safe delete, auto-start);
 * - `idleStop`: the 5-minute schedule that stops channels left running without input.
 */
export { handler as control } from '../channel-control/handler';
export { handler as lifecycle } from '../channel-lifecycle/handler';
export { handler as idleStop } from '../idle-stop/handler';
