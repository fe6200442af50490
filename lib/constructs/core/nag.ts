import { NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
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
  const acknowledge = () => {
    for (const arn of arns) {
      Validations.of(scope).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(arn))}]`,
        reason,
      });
    }
  };
  if (!NestedStack.isNestedStack(stack)) {
    acknowledge();
    return;
  }
  // In a nested stack a value from the parent becomes a parameter only while the app is prepared
  // for synthesis: render the ARN then (validations run after that, before cdk-nag's checks).
  scope.node.addValidation({
    validate: () => {
      acknowledge();
      return [];
    },
  });
}

/**
 * Acknowledges the basic-execution managed policy on aws-cdk-lib's AwsCustomResource singleton
 * function (one per stack, created by the first AwsCustomResource; its role is not ours to shape).
 */
export function acknowledgeAwsCustomResourceFunction(scope: IConstruct): void {
  const singleton = Stack.of(scope).node.tryFindChild(
    `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
  );
  if (singleton === undefined) return;
  Validations.of(singleton).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "aws-cdk-lib's AwsCustomResource function writes only its own logs with the basic execution role",
  });
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
