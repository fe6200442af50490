import { createHash } from 'node:crypto';
import { Annotations } from 'aws-cdk-lib';
import * as medialive from 'aws-cdk-lib/aws-medialive';
import { Construct } from 'constructs';
import { IngestProtocol, MAX_INPUT_CIDRS } from '../../../lambda/shared/contract';
import { deploymentTags } from '../core/deployment-tags';

/** Props for {@link InputSecurityGroups}. */
export interface InputSecurityGroupsProps {
  /** The deployment's (root) stack name, the groups' deployment tag. */
  readonly deploymentName: string;
}

/**
 * The deployment's MediaLive input security groups, one per distinct list of allowed CIDRs:
 * channels that allow the same encoders share a group. MediaLive's default quota is five groups
 * per Region (docs/operations.md, "Service quotas"), so a hundred channels behind one office's
 * addresses need one group, not a hundred. A group lives as long as one channel uses it; its
 * construct id is derived from its CIDRs, so adding or removing another channel never replaces it.
 */
export class InputSecurityGroups extends Construct {
  private readonly groups = new Map<string, medialive.CfnInputSecurityGroup>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: InputSecurityGroupsProps,
  ) {
    super(scope, id);
  }

  /**
   * The group allowing exactly `cidrs` (order and duplicates do not matter), created on first use;
   * `protocol` words the warning about an open group (an SRT input is called, an RTMP one pushed to).
   */
  public forCidrs(
    channelId: string,
    cidrs: readonly string[],
    protocol: IngestProtocol = IngestProtocol.RTMP_PUSH,
  ): medialive.CfnInputSecurityGroup {
    const unique = [...new Set(cidrs)].sort();
    if (unique.length === 0 || unique.length > MAX_INPUT_CIDRS) {
      throw new Error(
        `allowedCidrs must list 1 to ${MAX_INPUT_CIDRS} CIDRs (MediaLive's limit per input security group), got ${unique.length}`,
      );
    }
    if (unique.includes('0.0.0.0/0')) {
      Annotations.of(this).addWarningV2(
        `onair:open-ingest:${channelId}`,
        protocol === IngestProtocol.SRT_LISTENER
          ? `channel "${channelId}": ingest accepts SRT callers from any address (0.0.0.0/0); only the SRT passphrase protects it. List your encoders' CIDRs in input.allowedCidrs.`
          : `channel "${channelId}": ingest accepts pushes from any address (0.0.0.0/0); only the stream key protects it. List your encoders' CIDRs in input.allowedCidrs.`,
      );
    }
    const key = createHash('sha256').update(unique.join(',')).digest('hex').slice(0, 8);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new medialive.CfnInputSecurityGroup(this, `Cidrs-${key}`, {
        whitelistRules: unique.map((cidr) => ({ cidr })),
        tags: deploymentTags(this.props.deploymentName),
      });
      this.groups.set(key, group);
    }
    return group;
  }

  /** The groups created so far. */
  public get all(): readonly medialive.CfnInputSecurityGroup[] {
    return [...this.groups.values()];
  }
}
