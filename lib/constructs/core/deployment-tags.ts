import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { DEPLOYMENT_TAG } from '../../../lambda/shared/contract';

/**
 * Grants scoped by tag instead of by ARN. A deployment's per-channel resources live in one nested
 * stack per channel; functions in the parent stack act on all of them. Naming every ARN would
 * cost a parameter or output per resource and outgrow IAM's policy size long before a hundred
 * channels (and a removed channel's safe delete runs after its ARN left the policy). Each
 * resource carries `onair:deployment = <root stack name>` instead, and grants name the resource
 * type in this account and Region with an `aws:ResourceTag` condition. MediaLive (channel, input,
 * input-security-group), MediaPackage v1 (channels, origin_endpoints) and Secrets Manager (secret)
 * list aws:ResourceTag/${TagKey} for their resource types (Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselementalmedialive.html,
 * …/list_awselementalmediapackage.html, …/list_awssecretsmanager.html). The functions cannot tag
 * resources with it themselves (their only tagging grant is the stream-key pending tag).
 */

/** Tags every per-channel resource of a deployment carries. */
export function deploymentTags(deploymentName: string): Record<string, string> {
  return { [DEPLOYMENT_TAG]: deploymentName };
}

/** Resource types the tag-scoped grants cover (ARN pattern per type, this account and Region). */
export enum TaggedResource {
  MEDIALIVE_CHANNEL = 'medialive:channel',
  MEDIALIVE_INPUT = 'medialive:input',
  MEDIALIVE_INPUT_SECURITY_GROUP = 'medialive:inputSecurityGroup',
  MEDIAPACKAGE_ORIGIN_ENDPOINT = 'mediapackage:origin_endpoints',
  SECRET = 'secretsmanager:secret',
}

/** `arn:<partition>:<service>:<region>:<account>:<type>(:|/)*` for a tagged resource type. */
export function taggedResourceArn(scope: IConstruct, type: TaggedResource): string {
  const [service, resource] = type.split(':') as [string, string];
  return Stack.of(scope).formatArn({
    service,
    resource,
    resourceName: '*',
    arnFormat: service === 'mediapackage' ? ArnFormat.SLASH_RESOURCE_NAME : ArnFormat.COLON_RESOURCE_NAME,
  });
}

export interface TagScopedGrantProps {
  readonly grantee: iam.IGrantable;
  readonly actions: readonly string[];
  readonly resources: readonly TaggedResource[];
  /** The root stack's name: the deployment tag's value. */
  readonly deploymentName: string;
  /**
   * Further tags the resource must carry (e.g. a capability tag valued "true").
   * @default - the deployment tag only
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Extra conditions (e.g. aws:TagKeys for a tagging grant).
   * @default - none
   */
  readonly conditions?: Readonly<Record<string, Record<string, unknown>>>;
}

/** Allows `actions` on the deployment's resources of the given types, and nothing else. */
export function grantOnDeployment(scope: IConstruct, props: TagScopedGrantProps): iam.Grant {
  const tags = { ...deploymentTags(props.deploymentName), ...props.tags };
  const stringEquals = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  const extra = { ...props.conditions };
  return iam.Grant.addToPrincipal({
    grantee: props.grantee,
    actions: [...props.actions],
    resourceArns: props.resources.map((t) => taggedResourceArn(scope, t)),
    conditions: { ...extra, StringEquals: { ...(extra.StringEquals ?? {}), ...stringEquals } },
  });
}
