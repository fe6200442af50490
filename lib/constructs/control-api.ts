import { Fn } from 'aws-cdk-lib';
import * as apigwv1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Props for {@link ControlApi}. */
export interface ControlApiProps {
  /**
   * Steady-state requests per second across the API.
   * @default - 50
   */
  readonly rateLimit?: number;
  /**
   * @default - 100
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
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
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

  /** The API's base URL (its default stage). */
  public get url(): string {
    return this.api.apiEndpoint;
  }

  /** The API's host name, for a CloudFront origin. */
  public get domainName(): string {
    return Fn.select(2, Fn.split('/', this.api.apiEndpoint));
  }
}
