import { Fn, Lazy } from 'aws-cdk-lib';
import * as apigwv1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Steady-state requests per second and burst of a route (or of the stage default). */
export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** The stage default: every operator route (people and scripts) gets this, each on its own. */
export const OPERATOR_THROTTLE: ThrottleLimits = { rateLimit: 50, burstLimit: 100 };

/**
 * Viewer session routes: one call per viewer per session TTL, so an audience arriving at the start
 * of an event fits, while a flood of session requests cannot starve the operator routes.
 */
export const SESSION_THROTTLE: ThrottleLimits = { rateLimit: 500, burstLimit: 1000 };

/** Props for {@link ControlApi}. */
export interface ControlApiProps {
  /**
   * Steady-state requests per second of each route without its own limits.
   * @default - OPERATOR_THROTTLE.rateLimit (50)
   */
  readonly rateLimit?: number;
  /**
   * @default - OPERATOR_THROTTLE.burstLimit (100)
   */
  readonly burstLimit?: number;
}

/**
 * The control plane's HTTP API. Operator routes use IAM authorization (SigV4, called directly,
 * not through CloudFront, since SigV4 signs the Host); viewer routes choose their own.
 */
export class ControlApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;
  public readonly accessLogs: logs.LogGroup;
  private readonly iamAuthorizer = new authorizers.HttpIamAuthorizer();
  /** CloudFormation's RouteSettings is a JSON map: its keys are route keys, its values use CloudFormation's casing. */
  private readonly routeThrottles: Record<
    string,
    { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
  > = {};

  constructor(scope: Construct, id: string, props: ControlApiProps = {}) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Resource', {
      description: 'OnAir control API',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: {
        rateLimit: props.rateLimit ?? OPERATOR_THROTTLE.rateLimit,
        burstLimit: props.burstLimit ?? OPERATOR_THROTTLE.burstLimit,
      },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: apigwv1.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
    });
  }

  /**
   * Gives routes their own throttle (stage RouteSettings keyed by route key) instead of the
   * stage default.
   */
  public throttleRoutes(routes: readonly apigw.HttpRoute[], limits: ThrottleLimits): void {
    const cfn = this.stage.node.defaultChild as apigw.CfnStage;
    for (const route of routes) {
      const key = (route.node.defaultChild as apigw.CfnRoute).routeKey;
      this.routeThrottles[key] = {
        ThrottlingRateLimit: limits.rateLimit,
        ThrottlingBurstLimit: limits.burstLimit,
      };
      // API Gateway accepts route settings only for routes that exist.
      cfn.node.addDependency(route);
    }
    cfn.routeSettings = Lazy.any({
      produce: () => (Object.keys(this.routeThrottles).length > 0 ? this.routeThrottles : undefined),
    });
  }

  /** Adds an IAM-authorized operator route served by `fn`. */
  public addOperatorRoute(
    id: string,
    method: apigw.HttpMethod,
    path: string,
    fn: lambda.IFunction,
  ): apigw.HttpRoute[] {
    return this.api.addRoutes({
      path,
      methods: [method],
      integration: new integrations.HttpLambdaIntegration(`${id}Integration`, fn),
      authorizer: this.iamAuthorizer,
    });
  }

  /** Adds a route with the given authorizer (`undefined` only for routes that are public by design). */
  public addRoute(
    id: string,
    method: apigw.HttpMethod,
    path: string,
    fn: lambda.IFunction,
    authorizer: apigw.IHttpRouteAuthorizer | undefined,
  ): apigw.HttpRoute[] {
    return this.api.addRoutes({
      path,
      methods: [method],
      integration: new integrations.HttpLambdaIntegration(`${id}Integration`, fn),
      authorizer: authorizer ?? new apigw.HttpNoneAuthorizer(),
    });
  }

  /**
   * Adds a route served by an existing integration (several routes, one integration and one
   * API-scoped invoke permission: a permission per route grows the function's resource policy,
   * which Lambda limits to 20 KB, with every channel). `'iam'` is the operator IAM authorizer.
   */
  public addRouteTo(
    integration: integrations.HttpLambdaIntegration,
    method: apigw.HttpMethod,
    path: string,
    authorizer: apigw.IHttpRouteAuthorizer | 'iam' | undefined,
  ): apigw.HttpRoute[] {
    return this.api.addRoutes({
      path,
      methods: [method],
      integration,
      authorizer: authorizer === 'iam' ? this.iamAuthorizer : (authorizer ?? new apigw.HttpNoneAuthorizer()),
    });
  }

  /** The API's base URL (its default stage). */
  public get url(): string {
    return this.api.apiEndpoint;
  }

  /** The API's host name, for a CloudFront origin. */
  public get domainName(): string {
    return Fn.select(2, Fn.split('/', this.api.apiEndpoint));
  }
}
