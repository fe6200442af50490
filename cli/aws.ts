import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { CliError, ExitCode } from './errors';

/** Options every command takes (commander's global options). */
export interface GlobalOptions {
  readonly stage: string;
  readonly region?: string;
  readonly profile?: string;
  readonly json?: boolean;
}

/**
 * The Region: --region, else the SDK's own resolution (AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's `region`). Undefined lets the SDK clients resolve it themselves.
 */
export function regionOf(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/**
 * The SDK's default credential chain (environment, SSO, the shared config and credentials
 * files, container and instance roles), for --profile when given. Resolved once and cached.
 */
export type Credentials = Awaited<ReturnType<ReturnType<typeof fromNodeProviderChain>>>;
export type CredentialProvider = () => Promise<Credentials>;

export function credentialsOf(opts: GlobalOptions): CredentialProvider {
  const chain = fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {});
  let cached: Promise<Credentials> | undefined;
  return () => {
    cached ??= chain().catch((err: unknown) => {
      cached = undefined;
      throw new CliError(
        `no AWS credentials${opts.profile ? ` for profile "${opts.profile}"` : ''}: ${(err as Error).message.split('\n')[0]} ` +
          '(run `aws configure` or `aws sso login`, set AWS_PROFILE, or pass --profile)',
        ExitCode.SETUP,
      );
    });
    return cached;
  };
}

/** SHA-256 and HMAC-SHA-256 for @smithy/signature-v4, from node:crypto. */
export class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as ArrayBuffer);
    return createHmac('sha256', key);
  }
}

/** The Region an API Gateway URL names (`<id>.execute-api.<region>.amazonaws.com`), if it does. */
export function regionOfApiUrl(url: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(url).hostname)?.[1];
}
