/**
 * What the stream-key domain fails with. None is an HTTP error: the HTTP handlers map them to
 * responses in one place (handlers/http.ts); the EventBridge and Secrets Manager handlers let
 * them fail the invocation (so Lambda or Secrets Manager retries).
 */

/** UpdateInput failed and the input still serves the previous value: nothing changed, our staged value was unstaged. */
export class InputNotUpdated extends Error {
  constructor(readonly awsError: unknown) {
    super(`MediaLive did not update the input (${(awsError as Error)?.name ?? 'error'})`);
    this.name = 'InputNotUpdated';
  }
}

/**
 * The channel left IDLE before a credential MediaLive reads at start (SRT) could be made current:
 * nothing was promoted and our staged value was dropped; the request is pending until the next IDLE.
 */
export class ChannelLeftIdle extends Error {
  constructor(
    readonly channelId: string,
    readonly state: string,
  ) {
    super(`channel "${channelId}" is ${state}; the new value was not made current`);
    this.name = 'ChannelLeftIdle';
  }
}

/** The channel is idle but MediaLive was busy with its input: nothing was rotated, a retry shortly may succeed. */
export class InputBusy extends Error {
  constructor(
    readonly channelId: string,
    readonly state: string,
  ) {
    super(`the input of channel "${channelId}" is being changed; nothing was rotated, retry shortly`);
    this.name = 'InputBusy';
  }
}

/**
 * The new value is on the input (or, for a credential MediaLive reads at start, staged) but it
 * could not be made AWSCURRENT within the time budget: the request is recorded as pending and the
 * next rotation (or the channel's next IDLE) finishes it.
 */
export class PromotionPending extends Error {
  constructor(
    readonly channelId: string,
    credentialName: string,
    readAtStart = false,
  ) {
    super(
      `the new ${credentialName} of channel "${channelId}" is ${readAtStart ? 'staged' : 'on the input'} but could not be made current yet; retry the rotation`,
    );
    this.name = 'PromotionPending';
  }
}

/** The channel-state event said the channel stopped, but DescribeChannel does not say IDLE yet. */
export class ChannelNotIdleYet extends Error {
  constructor(channelId: string, state: string) {
    super(`channel "${channelId}" reported a stop but is ${state}; retrying the pending rotation later`);
    this.name = 'ChannelNotIdleYet';
  }
}

/** A Secrets Manager rotation step must not proceed; Secrets Manager records the failure and retries the rotation. */
export class RotationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationRefused';
  }
}
