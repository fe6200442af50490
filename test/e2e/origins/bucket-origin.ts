/**
 * An S3 bucket stand-in holding what the template's BucketDeployments (Custom::CDKBucketDeployment)
 * copy into it at deploy: the files of each source asset as the synth staged them in the cloud
 * assembly (read at start), under the destination key prefix, with the deployment's system metadata
 * (Cache-Control) and a Content-Type guessed from the extension as `aws s3 sync` does.
 *
 * Also serves the files under a local folder as objects (a recording staged the way the functions
 * write it), and reads only what the template's bucket policy lets the distribution read
 * ({@link distributionReadable}: the origin access control statement's resources and its
 * AWS:SourceArn condition).
 *
 * Answers like a private bucket read through origin access control without s3:ListBucket: 200 for
 * an object, 403 AccessDenied for a missing key or one the policy does not grant. Not emulated:
 * the SigV4 check of origin access control (the request is taken to be the distribution's).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve, sep } from 'node:path';
import type { Deployment } from '../deployment';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html',
  js: 'text/javascript',
  css: 'text/css',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
};

interface StoredObject {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/**
 * The objects the template's bucket deployments put into `bucketLogicalId`, from the assembly the
 * template was synthesized into (`<outdir>/<stack artifact id>.assets.json`).
 */
export function deployedObjects(
  deployment: Deployment,
  bucketLogicalId: string,
  assembly: { outdir: string; artifactId: string },
): Map<string, StoredObject> {
  const manifest = JSON.parse(
    readFileSync(join(assembly.outdir, `${assembly.artifactId}.assets.json`), 'utf8'),
  ) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const byObjectKey = new Map<string, string>();
  for (const f of Object.values(manifest.files)) {
    for (const d of Object.values(f.destinations))
      byObjectKey.set(d.objectKey, join(assembly.outdir, f.source.path));
  }
  const objects = new Map<string, StoredObject>();
  for (const [id, r] of deployment.ofType('Custom::CDKBucketDeployment')) {
    const p = r.Properties ?? {};
    const dest = p.DestinationBucketName as { Ref?: string } | undefined;
    if (dest?.Ref !== bucketLogicalId) continue;
    const prefix =
      p.DestinationBucketKeyPrefix === undefined
        ? ''
        : deployment.resolveString(p.DestinationBucketKeyPrefix);
    const meta = (deployment.resolve(p.SystemMetadata ?? {}) ?? {}) as Record<string, string>;
    for (const key of (p.SourceObjectKeys ?? []) as unknown[]) {
      const dir = byObjectKey.get(deployment.resolveString(key));
      if (dir === undefined) throw new Error(`${id}: source ${String(key)} is not in the assembly`);
      for (const file of filesUnder(dir)) {
        const ext = file.slice(file.lastIndexOf('.') + 1);
        objects.set(`${prefix}${relative(dir, file)}`, {
          body: readFileSync(file),
          headers: {
            'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
            ...(meta['cache-control'] ? { 'cache-control': meta['cache-control'] } : {}),
          },
        });
      }
    }
  }
  return objects;
}

type Json = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Which keys of a bucket the distribution may read, as the template's bucket policy says: the
 * Allow statements for the `cloudfront.amazonaws.com` service principal with `s3:GetObject` and an
 * `AWS:SourceArn` condition naming this distribution (origin access control's statement, CloudFront
 * Developer Guide, "Restrict access to an Amazon S3 origin"); their object ARNs' wildcards (`*`,
 * `?`) as IAM matches them. A bucket without such a statement grants nothing.
 */
export function distributionReadable(
  deployment: Deployment,
  bucketLogicalId: string,
  distributionLogicalId: string,
): (key: string) => boolean {
  const bucketArn = deployment.getAtt(bucketLogicalId, 'Arn');
  const distributionArn = `arn:aws:cloudfront::${deployment.accountId}:distribution/${deployment.ref(distributionLogicalId)}`;
  const patterns: RegExp[] = [];
  for (const [, policy] of deployment.ofType('AWS::S3::BucketPolicy')) {
    const p = policy.Properties ?? {};
    if ((p.Bucket as { Ref?: string } | undefined)?.Ref !== bucketLogicalId) continue;
    for (const st of list((p.PolicyDocument as Json | undefined)?.Statement) as Json[]) {
      const principal = (st.Principal as Json | undefined)?.Service;
      const sourceArn = ((st.Condition as Json | undefined)?.StringEquals as Json | undefined)?.[
        'AWS:SourceArn'
      ];
      if (
        st.Effect !== 'Allow' ||
        !list(principal).includes('cloudfront.amazonaws.com') ||
        !list(st.Action).includes('s3:GetObject') ||
        sourceArn === undefined ||
        deployment.resolveString(sourceArn) !== distributionArn
      )
        continue;
      for (const r of list(st.Resource)) {
        const arn = deployment.resolveString(r);
        if (!arn.startsWith(`${bucketArn}/`)) continue;
        const body = [...arn.slice(bucketArn.length + 1)]
          .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
          .join('');
        patterns.push(new RegExp(`^${body}$`, 's'));
      }
    }
  }
  return (key) => patterns.some((re) => re.test(key));
}

export interface BucketOriginOptions {
  /** Files under this folder are objects too (key = path below it). */
  readonly root?: string;
  /** Keys the distribution may read (default: all). */
  readonly readable?: (key: string) => boolean;
}

export class BucketOrigin {
  private readonly server: http.Server;

  private constructor(
    readonly objects: ReadonlyMap<string, StoredObject>,
    private readonly opts: BucketOriginOptions,
  ) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(
    objects: ReadonlyMap<string, StoredObject>,
    opts: BucketOriginOptions = {},
  ): Promise<BucketOrigin> {
    const origin = new BucketOrigin(objects, opts);
    await new Promise<void>((resolve) => origin.server.listen(0, '127.0.0.1', () => resolve()));
    return origin;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The object at `key`: a deployed one, or a file under the root folder. */
  private object(key: string): StoredObject | undefined {
    const deployed = this.objects.get(key);
    if (deployed !== undefined || this.opts.root === undefined) return deployed;
    const root = resolve(this.opts.root);
    const file = resolve(root, key);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return undefined;
    const ext = file.slice(file.lastIndexOf('.') + 1);
    return {
      body: readFileSync(file),
      headers: { 'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream' },
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const key = decodeURIComponent((req.url ?? '/').split('?')[0].slice(1));
    const granted = this.opts.readable?.(key) ?? true;
    const object = granted ? this.object(key) : undefined;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || object === undefined) {
      const status = object === undefined ? 403 : 405;
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${status === 403 ? 'AccessDenied' : 'MethodNotAllowed'}</Code><Message>${status === 403 ? 'Access Denied' : 'The specified method is not allowed against this resource.'}</Message></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    res.writeHead(200, { ...object.headers, 'content-length': object.body.length });
    res.end(req.method === 'HEAD' ? undefined : object.body);
  }
}
