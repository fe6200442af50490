/**
 * The reference of the synth bench: a CDK app with one S3 bucket, synthesized the way the CDK
 * CLI runs any app (same process setup, feature flags and built-in validation as bin/onair.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

const app = new App();
new s3.Bucket(new Stack(app, 'OneBucket'), 'Bucket');
app.synth();
