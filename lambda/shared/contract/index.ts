/**
 * The contract between the CDK app (lib/) and the functions (lambda/): every value both must
 * agree on is defined here once and imported by both. No SDK, zod or Node-only imports: the CDK
 * app loads this module too.
 *
 * Older contract modules beside this folder follow the same rule: ../manifests.ts (viewer and
 * origin paths), ../origin-verify.ts (the header CloudFront adds) and ../signing-keys.ts (what a
 * signing key's secret holds, the signing grace).
 */
export * from './env';
export * from './ingest';
export * from './limits';
export * from './live-routes';
export * from './recordings';
export * from './registry';
export * from './resources';
export * from './routes';
