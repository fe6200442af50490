/**
 * The tag every MediaLive channel of a deployment carries, valued with the deployment's
 * CloudFormation stack name. The lifecycle function's grant is conditioned on it
 * (aws:ResourceTag), so safe delete can still stop a channel the current template no longer
 * names (lib/constructs/transcode.ts, Transcode.grantOnDeploymentChannels).
 */
export const DEPLOYMENT_TAG_KEY = 'onair:deployment';
