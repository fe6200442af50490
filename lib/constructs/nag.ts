import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges AwsSolutions-IAM5 for exactly these wildcard resource ARNs on `scope` (cdk-nag 3
 * names each finding `AwsSolutions-IAM5[Resource::<arn>]`; the ARN is rendered the way the rule
 * renders it, so the acknowledgement stays exact whether or not the stack has an environment).
 */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  arns: readonly string[],
  reason: string,
): void {
  const stack = Stack.of(scope);
  for (const arn of arns) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(arn))}]`,
      reason,
    });
  }
}

/** Acknowledges AwsSolutions-IAM5 for exactly these wildcard actions on `scope`. */
export function acknowledgeWildcardActions(
  scope: IConstruct,
  actions: readonly string[],
  reason: string,
): void {
  for (const action of actions) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason });
  }
}
