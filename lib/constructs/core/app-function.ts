import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionBuild } from '../../build/functions';
import { acknowledgeWildcardResources } from './nag';

/** Props for {@link AppFunction}. */
export interface AppFunctionProps {
  /** Folder under lambda/ holding the bundle's index.ts. */
  readonly entry: string;
  /**
   * The export of index.ts Lambda calls; several functions can run one bundle, each its own export.
   * @default - `handler`
   */
  readonly handler?: string;
  /** What the function does (shown in the console). */
  readonly description: string;
  /**
   * Environment variables (non-secret; secrets are read from Secrets Manager at run time).
   * @default - only the Powertools service name and log level
   */
  readonly environment?: Record<string, string>;
  /**
   * @default - 10 seconds
   */
  readonly timeout?: Duration;
  /**
   * @default - 256 MiB
   */
  readonly memorySize?: number;
  /**
   * Powertools service name (logs and metrics).
   * @default - the entry folder name, with the handler export when it is not `handler` (`stream-keys.ingest`)
   */
  readonly serviceName?: string;
  /**
   * Reserved concurrency.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
}

/** Metrics namespace every OnAir function publishes to. */
export const METRICS_NAMESPACE = 'OnAir';

/**
 * The house Lambda function: its bundle from the one esbuild pass over every function
 * (lib/build/functions.ts: ESM, minified, source maps, AWS SDK bundled so the code runs against
 * the SDK it was tested with), the newest Node.js runtime on arm64, JSON logs into its own log
 * group, and a role that can write only to that log group.
 */
export class AppFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const handler = props.handler ?? 'handler';
    if (!/^[A-Za-z_$][\w$]*$/.test(handler)) {
      throw new Error(
        `handler must be the name of an export of lambda/${props.entry}/index.ts, got "${handler}"`,
      );
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}`],
      }),
    );

    this.function = new lambda.Function(this, 'Resource', {
      // The folder holds index.mjs and its source map; the asset hash is that of their content.
      code: lambda.Code.fromAsset(functionBuild().bundleDir(props.entry)),
      handler: `index.${handler}`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME:
          props.serviceName ?? (handler === 'handler' ? props.entry : `${props.entry}.${handler}`),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    // The log group ARN from CloudFormation ends in ":*" already; streams are named by Lambda.
    acknowledgeWildcardResources(
      this.role,
      [this.logGroup.logGroupArn],
      "Lambda names log streams at run time; the grant is limited to this function's own log group",
    );
  }
}
