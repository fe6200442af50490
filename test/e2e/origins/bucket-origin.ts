/**
 * An S3 bucket stand-in holding what the template's BucketDeployments (Custom::CDKBucketDeployment)
 * copy into it at deploy: the files of each source asset as the synth staged them in the cloud
 * assembly (read at start), under the destination key prefix, with the deployment's system metadata
 * (Cache-Control) and a Content-Type guessed from the extension as `aws s3 sync` does.
 *
 * Answers like a private bucket read through origin access control without s3:ListBucket: 200 for
 * an object, 403 AccessDenied for a missing key. Not emulated: the SigV4 check of origin access
 * control.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import type { Deployment } from '../deployment';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html',
  js: 'text/javascript',
  css: 'text/css',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
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

export class BucketOrigin {
  private readonly server: http.Server;

  private constructor(readonly objects: ReadonlyMap<string, StoredObject>) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(objects: ReadonlyMap<string, StoredObject>): Promise<BucketOrigin> {
    const origin = new BucketOrigin(objects);
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

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const key = decodeURIComponent((req.url ?? '/').split('?')[0].slice(1));
    const object = this.objects.get(key);
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
