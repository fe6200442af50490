import { Arn, Aws, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The region CloudFront publishes its metrics to, and where the edge stack lives. */
export const EDGE_REGION = 'us-east-1';

/** SSM parameter names the platform stack writes in us-east-1 for the edge stack. */
export function edgeParameterNames(stage: string): { distributionId: string; healthFunctionArn: string } {
  return {
    distributionId: `/onair/${stage}/edge/distribution-id`,
    healthFunctionArn: `/onair/${stage}/edge/health-function-arn`,
  };
}

/**
 * Name of the edge stack's alert topic (fixed, so the platform stack can allow it to invoke the
 * health function). Named by stage only, like the edge stack and its SSM parameters: one region
 * per stage and account (docs/operations.md, "Deploying").
 */
export function edgeTopicName(stage: string): string {
  return `OnAir-${stage}-cdn-alerts`;
}

/** The edge topic's ARN, built where only the account is known (the platform stack). */
export function edgeTopicArn(scope: Construct, stage: string): string {
  return Arn.format(
    { service: 'sns', region: EDGE_REGION, account: Aws.ACCOUNT_ID, resource: edgeTopicName(stage) },
    Stack.of(scope),
  );
}

/** Props for {@link EdgeParameters}. */
export interface EdgeParametersProps {
  /** Deployment stage: the parameter names carry it. */
  readonly stage: string;
  /** The distribution whose id the edge stack's CDN alarms watch. */
  readonly distribution: cloudfront.IDistribution;
  /** The function the edge stack's topic delivers alarm notifications to. */
  readonly healthFunction: lambda.IFunction;
}

/**
 * Publishes what the us-east-1 edge stack needs (the distribution id and the health function's
 * ARN) as SSM parameters in us-east-1. The edge stack reads them as SSM-typed CloudFormation
 * parameters at deploy time, so neither stack needs an explicit account or region at synth.
 */
export class EdgeParameters extends Construct {
  constructor(scope: Construct, id: string, props: EdgeParametersProps) {
    super(scope, id);
    const names = edgeParameterNames(props.stage);
    const arnOf = (name: string) =>
      Arn.format(
        { service: 'ssm', region: EDGE_REGION, account: Aws.ACCOUNT_ID, resource: `parameter${name}` },
        Stack.of(this),
      );
    for (const [key, name, value] of [
      ['DistributionId', names.distributionId, props.distribution.distributionId],
      ['HealthFunctionArn', names.healthFunctionArn, props.healthFunction.functionArn],
    ] as const) {
      const put: cr.AwsSdkCall = {
        service: 'SSM',
        action: 'putParameter',
        region: EDGE_REGION,
        parameters: { Name: name, Value: value, Type: 'String', Overwrite: true },
        physicalResourceId: cr.PhysicalResourceId.of(name),
      };
      new cr.AwsCustomResource(this, key, {
        onCreate: put,
        onUpdate: put,
        onDelete: {
          service: 'SSM',
          action: 'deleteParameter',
          region: EDGE_REGION,
          parameters: { Name: name },
          ignoreErrorCodesMatching: 'ParameterNotFound',
        },
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({
            actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
            resources: [arnOf(name)],
          }),
        ]),
        installLatestAwsSdk: false,
      });
    }
    // AwsCustomResource's singleton function (one per stack, created by aws-cdk-lib).
    const singleton = Stack.of(this).node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (singleton) {
      Validations.of(singleton).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "aws-cdk-lib's AwsCustomResource function writes only its own logs with the basic execution role",
      });
    }
  }
}
