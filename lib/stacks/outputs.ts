/**
 * The platform stack's CloudFormation output names: the contract between lib/stacks (which
 * writes them) and the operator CLI (cli/, which finds a deployment by them). No CDK imports here,
 * so the CLI can read it without loading aws-cdk-lib.
 */

/** The platform stack of a stage. */
export function platformStackName(stage: string): string {
  return `OnAir-${stage}`;
}

/** The us-east-1 stack of a stage (CloudFront alarms). */
export function edgeStackName(stage: string): string {
  return `${platformStackName(stage)}-edge`;
}

/** Deployment-wide outputs. */
export const StackOutput = {
  CONTROL_API_URL: 'ControlApiUrl',
  /** `GET` (SigV4) lists every channel with its session and manifest URLs (the registry). */
  CHANNELS_URL: 'ChannelsUrl',
  DISTRIBUTION_DOMAIN_NAME: 'DistributionDomainName',
  PLAYBACK_KEY_PAIR_ID: 'PlaybackKeyPairId',
  PLAYER_URL: 'PlayerUrl',
  ARCHIVE_BUCKET_NAME: 'ArchiveBucketName',
  WEBHOOK_SECRET_ARN: 'WebhookSecretArn',
} as const;

/**
 * Per-channel outputs of deployments made before channels moved into their own nested stacks
 * (issue 10): this version writes none to the platform stack (100 channels would pass its 200
 * outputs); `GET /channels` (`ChannelsUrl`) lists every channel's session and manifest URLs, and the
 * CLI asks it first. Kept so the CLI can still read an older deployment.
 */
export const ChannelOutput = {
  HLS_URL: 'HlsUrl',
  MEDIALIVE_CHANNEL_ID: 'MediaLiveChannelId',
  PLAYBACK_SESSION_URL: 'PlaybackSessionUrl',
} as const;
export type ChannelOutputPrefix = (typeof ChannelOutput)[keyof typeof ChannelOutput];

/** The construct id of a channel's output. */
export function channelOutputId(prefix: ChannelOutputPrefix, channelId: string): string {
  return `${prefix}-${channelId}`;
}

/**
 * The output key CloudFormation shows for a channel's output: CDK drops every character of a
 * CfnOutput's id that is not a letter or digit (`HlsUrl-studio-a` → `HlsUrlstudioa`).
 */
export function channelOutputKey(prefix: ChannelOutputPrefix, channelId: string): string {
  return channelOutputId(prefix, channelId).replace(/[^A-Za-z0-9]/g, '');
}
