import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from '../../build/functions';
import { acknowledgeWildcardActions, acknowledgeWildcardResources } from '../core/nag';

/** Viewer path of the player (the distribution's `/player/*` behavior); also its S3 key prefix. */
export const PLAYER_PATH = '/player/';

/** The page's own files, in the repository's `player/` folder. */
export const PLAYER_PAGE_FILES = [
  'index.html',
  'player.js',
  'recordings.html',
  'recordings.js',
  'session.js',
  'style.css',
] as const;
/** hls.js files served next to the page (from the installed hls.js package, never a CDN). */
export const HLS_JS_FILES = ['hls.min.js', 'hls.worker.js'] as const;
/** Every file under `/player/`; the edge function answers 404 for anything else. */
export const PLAYER_FILES: readonly string[] = [...PLAYER_PAGE_FILES, ...HLS_JS_FILES];

/** The repository's `player/` folder. */
export const PLAYER_SOURCE_DIR = path.join(PROJECT_ROOT, 'player');

/** Props for {@link Player}. */
export interface PlayerProps {
  /** Bucket that receives the player bucket's S3 server access logs. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * How long browsers and CloudFront keep a player file (Cache-Control max-age); a new version
   * is visible within this time of a deployment, without a CloudFront invalidation.
   * @default - 5 minutes
   */
  readonly maxAge?: Duration;
}

/**
 * The static demo player: a private bucket holding `player/<file>` (the page and hls.js), which
 * the distribution serves at `/player/*` through origin access control.
 */
export class Player extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly deployment: s3deploy.BucketDeployment;
  /** Role of the deployment's function (aws-cdk-lib's singleton that copies the files). */
  public readonly deploymentRole: iam.Role;
  public readonly deploymentLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PlayerProps) {
    super(scope, id);
    const maxAge = props.maxAge ?? Duration.minutes(5);

    // Build artefacts only: DESTROY is safe, and the deployment below removes its files when the
    // stack is deleted (retainOnDelete: false), so CloudFormation finds the bucket empty.
    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'player-bucket/',
    });

    this.deploymentLogGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role, so the function gets no AWS-managed policy: logs to its own group only, plus
    // the S3 grants BucketDeployment adds (read the asset, write this bucket).
    this.deploymentRole = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'OnAir: copies the demo player into its bucket at deploy',
    });
    this.deploymentRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.deploymentLogGroup.logGroupArn],
      }),
    );

    const hlsDist = path.dirname(require.resolve('hls.js/dist/hls.min.js'));
    // Construct id and destination are a contract: with retainOnDelete false, a new logical id
    // for the same destination would delete the files the new resource just wrote.
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [
        s3deploy.Source.asset(PLAYER_SOURCE_DIR, {
          exclude: ['*', ...PLAYER_PAGE_FILES.map((f) => `!${f}`)],
        }),
        s3deploy.Source.asset(hlsDist, { exclude: ['*', ...HLS_JS_FILES.map((f) => `!${f}`)] }),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: PLAYER_PATH.slice(1),
      prune: true,
      retainOnDelete: false,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(maxAge)],
      memoryLimit: 256,
      role: this.deploymentRole,
      logGroup: this.deploymentLogGroup,
    });

    this.acknowledgeDeploymentFindings();
  }

  /** cdk-nag findings on what BucketDeployment builds for us, each on its exact resource. */
  private acknowledgeDeploymentFindings(): void {
    acknowledgeWildcardResources(
      this.deploymentRole,
      [this.deploymentLogGroup.logGroupArn],
      "Lambda names log streams at run time; the grant is limited to the deployment function's own log group",
    );
    // BucketDeployment grants with s3.Bucket's grantRead (the CDK asset bucket) and grantReadWrite
    // (this bucket); those helpers use these action wildcards and an objects wildcard.
    const assetObjects = new Map<string, string>();
    for (const asset of this.deployment.node.children.filter((c) => c instanceof s3assets.Asset)) {
      const arn = asset.bucket.arnForObjects('*');
      assetObjects.set(JSON.stringify(Stack.of(this).resolve(arn)), arn);
    }
    acknowledgeWildcardResources(
      this.deploymentRole,
      [...assetObjects.values()],
      "read-only, on the CDK bootstrap assets bucket whose object keys are content hashes only known at synth; BucketDeployment reads the player's zipped assets from it",
    );
    acknowledgeWildcardResources(
      this.deploymentRole,
      [this.bucket.arnForObjects('*')],
      'the deployment syncs (writes, prunes) every object of this dedicated build-artefact bucket; nothing else is stored in it',
    );
    acknowledgeWildcardActions(
      this.deploymentRole,
      ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'],
      "aws-cdk-lib's BucketDeployment grants with s3 grantRead/grantReadWrite, whose action groups these are, on the asset bucket and this player bucket only",
    );
    const handler = Stack.of(this)
      .node.children.filter((c): c is lambda.Function => c instanceof lambda.Function)
      .find((f) => f.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler !== undefined) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "aws-cdk-lib's BucketDeployment handler pins its Python runtime together with its AWS CLI layer; it runs only during deployments and handles no viewer input",
      });
    }
  }
}
