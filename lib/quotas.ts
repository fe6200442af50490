import type { OnAirConfig } from './config/schema';

/**
 * Default service quotas a deployment draws on, per account and Region unless said otherwise, as
 * the services document them (docs/operations.md, "Service quotas", cites each). Accounts differ
 * and defaults change: the preflight says what the config needs against these defaults; Service
 * Quotas in the target Region says what the account has.
 */
export interface Quota {
  readonly service: 'MediaLive' | 'MediaPackage' | 'CloudFront' | 'CloudFormation';
  /** The quota's name as Service Quotas (or the service's quota page) shows it. */
  readonly name: string;
  readonly defaultValue: number;
  /** Whether Service Quotas can raise it. */
  readonly adjustable: boolean;
  readonly scope: 'Region' | 'account' | 'distribution' | 'function' | 'channel' | 'store';
}

export const QUOTAS = {
  // AWS Elemental MediaLive User Guide, "Quotas" (limits.md): 5 channels, 5 push inputs and
  // 5 input security groups per Region by default; 10 CIDR rules per group (enforced by the schema).
  medialiveChannels: {
    service: 'MediaLive',
    name: 'Channels',
    defaultValue: 5,
    adjustable: true,
    scope: 'Region',
  },
  medialivePushInputs: {
    service: 'MediaLive',
    name: 'Push inputs',
    defaultValue: 5,
    adjustable: true,
    scope: 'Region',
  },
  medialiveInputSecurityGroups: {
    service: 'MediaLive',
    name: 'Input security groups',
    defaultValue: 5,
    adjustable: true,
    scope: 'Region',
  },
  // AWS Elemental MediaPackage User Guide, "Live content quotas": 30 channels, 10 origin
  // endpoints per channel.
  mediapackageChannels: {
    service: 'MediaPackage',
    name: 'Channels',
    defaultValue: 30,
    adjustable: true,
    scope: 'Region',
  },
  mediapackageEndpointsPerChannel: {
    service: 'MediaPackage',
    name: 'Origin endpoints per channel',
    defaultValue: 10,
    adjustable: true,
    scope: 'channel',
  },
  // CloudFront Developer Guide, "Quotas": 75 cache behaviors and 100 origins per distribution,
  // 100 functions per account (10 KB each, not adjustable), 50 key value stores per account,
  // 5 MB per store.
  cloudfrontBehaviors: {
    service: 'CloudFront',
    name: 'Cache behaviors per distribution',
    defaultValue: 75,
    adjustable: true,
    scope: 'distribution',
  },
  cloudfrontOrigins: {
    service: 'CloudFront',
    name: 'Origins per distribution',
    defaultValue: 100,
    adjustable: true,
    scope: 'distribution',
  },
  cloudfrontFunctions: {
    service: 'CloudFront',
    name: 'Functions per account',
    defaultValue: 100,
    adjustable: true,
    scope: 'account',
  },
  cloudfrontKeyValueStores: {
    service: 'CloudFront',
    name: 'Key value stores per account',
    defaultValue: 50,
    adjustable: true,
    scope: 'account',
  },
  cloudfrontKeyValueStoreBytes: {
    service: 'CloudFront',
    name: 'Key value store size (bytes)',
    defaultValue: 5 * 1024 * 1024,
    adjustable: false,
    scope: 'store',
  },
  // AWS CloudFormation User Guide, "CloudFormation quotas": stacks per account and Region
  // (nested stacks count).
  cloudformationStacks: {
    service: 'CloudFormation',
    name: 'Stacks',
    defaultValue: 200,
    adjustable: true,
    scope: 'Region',
  },
} as const satisfies Record<string, Quota>;

/** The deployment's fixed CloudFront shape (lib/constructs/delivery.ts), whatever its channels. */
export const CLOUDFRONT_SHAPE = {
  /** /out/v1/*, /api/playback/*, /player/* (the default behavior is not counted). */
  behaviors: 3,
  /** The live origin, the control API, the player bucket. */
  origins: 3,
  /** Live router, API router, player router, not-found. */
  functions: 4,
  keyValueStores: 1,
} as const;

/** Route-table bytes per channel: three keys (32-character path ids) and their hosts, rounded up. */
export const ROUTE_TABLE_BYTES_PER_CHANNEL = 3 * (32 + 64);

/** What one deployment of `config` takes of a quota. */
export interface QuotaDemand {
  readonly quota: Quota;
  readonly needed: number;
  /** Whether `needed` exceeds the default. */
  readonly exceedsDefault: boolean;
}

/** Distinct lists of allowed CIDRs: one input security group each (lib/constructs/input-security-groups.ts). */
export function inputSecurityGroupCount(config: OnAirConfig): number {
  return new Set(config.channels.map((c) => [...new Set(c.input.allowedCidrs)].sort().join(','))).size;
}

/** Every quota the config draws on, in a fixed order. */
export function quotaDemands(config: OnAirConfig): QuotaDemand[] {
  const n = config.channels.length;
  const demand = (quota: Quota, needed: number): QuotaDemand => ({
    quota,
    needed,
    exceedsDefault: needed > quota.defaultValue,
  });
  return [
    demand(QUOTAS.medialiveChannels, n),
    // One RTMP push input per channel (both pipelines of a STANDARD channel use the one input).
    demand(QUOTAS.medialivePushInputs, n),
    demand(QUOTAS.medialiveInputSecurityGroups, inputSecurityGroupCount(config)),
    demand(QUOTAS.mediapackageChannels, n),
    demand(QUOTAS.mediapackageEndpointsPerChannel, 3),
    demand(QUOTAS.cloudfrontBehaviors, CLOUDFRONT_SHAPE.behaviors),
    demand(QUOTAS.cloudfrontOrigins, CLOUDFRONT_SHAPE.origins),
    demand(QUOTAS.cloudfrontFunctions, CLOUDFRONT_SHAPE.functions),
    demand(QUOTAS.cloudfrontKeyValueStores, CLOUDFRONT_SHAPE.keyValueStores),
    demand(QUOTAS.cloudfrontKeyValueStoreBytes, n * ROUTE_TABLE_BYTES_PER_CHANNEL),
    // The platform stack, one nested stack per channel, the us-east-1 edge stack (its Region's).
    demand(QUOTAS.cloudformationStacks, 1 + n),
  ];
}

/**
 * The synth summary's quota section: each quota with what the config needs, and for those above
 * the default what to request in Service Quotas before the first deploy.
 */
export function renderQuotaPreflight(config: OnAirConfig, region?: string): string[] {
  const where = region ?? 'the target Region';
  const demands = quotaDemands(config);
  const over = demands.filter((d) => d.exceedsDefault);
  const width = Math.max(...demands.map((d) => `${d.quota.service} ${d.quota.name}`.length));
  const lines = [
    `Service quotas in ${where} (defaults; other deployments in the account count against the same quotas):`,
    ...demands.map((d) => {
      const label = `${d.quota.service} ${d.quota.name}`.padEnd(width);
      const verdict = d.exceedsDefault
        ? d.quota.adjustable
          ? `REQUEST an increase to at least ${d.needed}`
          : 'exceeds a fixed quota: split the deployment'
        : 'ok';
      return `  ${label}  needs ${d.needed}, default ${d.quota.defaultValue} per ${d.quota.scope}: ${verdict}`;
    }),
  ];
  if (over.length > 0) {
    lines.push(
      `  Before the first deploy, request in Service Quotas (${where}): ` +
        over
          .filter((d) => d.quota.adjustable)
          .map((d) => `${d.quota.service} "${d.quota.name}" >= ${d.needed}`)
          .join('; ') +
        '. A deploy that exceeds a quota fails when CloudFormation creates the resource, and rolls back.',
    );
  }
  return lines;
}
