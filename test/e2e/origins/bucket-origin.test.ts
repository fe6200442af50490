import { synthOnAir, testConfig } from '../../helpers';
import { Deployment } from '../deployment';
import { distributionReadable } from './bucket-origin';

/**
 * What the local bucket origins let the edge read is derived from the synthesized bucket policies
 * (the origin access control statements), the same way for the player and the archive bucket.
 */
const { template, platform } = synthOnAir(testConfig());
const deployment = new Deployment(template.toJSON(), {
  distributionDomainName: () => 'd111111abcdef8.cloudfront.net',
  stackName: platform.stackName,
});
const [[distribution]] = deployment.ofType('AWS::CloudFront::Distribution');
const logicalId = (c: unknown) => platform.getLogicalId(c as never);
const archive = logicalId(platform.archive.bucket.node.defaultChild);
const player = logicalId(platform.player.bucket.node.defaultChild);

test('the archive bucket: recordings/ and clips/ only; never the raw archive or thumbnails', () => {
  const readable = distributionReadable(deployment, archive, distribution);
  expect(readable('recordings/main/main-20261201t190000z/index.m3u8')).toBe(true);
  expect(readable('clips/main/main-20261201t190000z-3fa2c1/index.m3u8')).toBe(true);
  expect(readable('main/20261201T190000/a/main_1.00001.ts')).toBe(false);
  expect(readable('thumbnails/main/a/main_thumb.00001.jpg')).toBe(false);
  expect(readable('recordings')).toBe(false);
});

test('the player bucket: everything in it (a build-artefact bucket), through its own statement', () => {
  const readable = distributionReadable(deployment, player, distribution);
  expect(readable('player/index.html')).toBe(true);
});

test('a statement for another distribution grants this one nothing (the AWS:SourceArn condition)', () => {
  type Statement = { Condition?: { StringEquals?: Record<string, unknown> } };
  const json = structuredClone(template.toJSON()) as {
    Resources: Record<
      string,
      { Type: string; Properties: { Bucket?: unknown; PolicyDocument?: { Statement: Statement[] } } }
    >;
  };
  for (const r of Object.values(json.Resources)) {
    if (r.Type !== 'AWS::S3::BucketPolicy') continue;
    for (const st of r.Properties.PolicyDocument?.Statement ?? []) {
      if (st.Condition?.StringEquals?.['AWS:SourceArn'] !== undefined)
        st.Condition.StringEquals['AWS:SourceArn'] =
          'arn:aws:cloudfront::111122223333:distribution/EOTHERDIST0001';
    }
  }
  const elsewhere = new Deployment(json, {
    distributionDomainName: () => 'd111111abcdef8.cloudfront.net',
    stackName: platform.stackName,
  });
  const readable = distributionReadable(elsewhere, archive, distribution);
  expect(readable('recordings/main/main-20261201t190000z/index.m3u8')).toBe(false);
  expect(distributionReadable(elsewhere, player, distribution)('player/index.html')).toBe(false);
});
