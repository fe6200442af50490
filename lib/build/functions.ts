/**
 * One esbuild pass for every Lambda function (lambda/<name>/index.ts → <name>/index.mjs + map),
 * cached by content: the build lives in node_modules/.cache/onair-functions/<key>/, where the key
 * hashes everything the bundles are made of (lambda/, the lockfile, tsconfig.json, the esbuild
 * version and this file, which holds the options). `cdk synth`, the tests and the bench share it;
 * an unchanged tree builds nothing, and an unchanged function keeps its bytes, so its asset hash.
 *
 * Constructs are synchronous and esbuild's plugins need its asynchronous API: on a cache miss,
 * {@link functionBuild} runs this file in a child process (`node --import tsx`) and waits.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';

/** Repository root: lambda sources live in <root>/lambda/<name>/index.ts. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Where builds are cached, one folder per key. */
export const BUILD_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'onair-functions');

/** Builds kept besides the current one (other branches, a change undone). */
const KEEP_BUILDS = 4;

/** Some bundled CommonJS dependencies call require(); give the ESM bundle one. */
const REQUIRE_BANNER =
  "import { createRequire as __onairRequire } from 'node:module'; const require = __onairRequire(import.meta.url);";

/**
 * Left out of the bundles where the SDK loads them with `await import()`, only for what a function
 * never does here, so a bundle would carry them for nothing (~145 KB each). A static import of one
 * is bundled as usual (the S3 client imports event-stream support at load): only the Lambda asset
 * is there to import from, and a bundle that cannot load fails every cold start.
 * - Credential providers after the environment one: Lambda gives the role's credentials in
 *   AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, which the default chain reads
 *   first; SSO, profiles, processes, web identity, containers and IMDS never apply.
 * - Event streams: none of the operations the functions call streams events.
 * Should one ever be needed, the import fails with ERR_MODULE_NOT_FOUND naming the module.
 */
export const LAZY_EXTERNALS = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
  '@smithy/core/event-streams',
] as const;

/**
 * Packages without `"sideEffects": false` whose modules have none: esbuild may then drop a
 * module nothing uses (lambda/shared/clients.ts imports lib-dynamodb for the functions that use
 * DynamoDB; the others would carry the DynamoDB client too, ~50 KB).
 */
const SIDE_EFFECT_FREE = ['@aws-sdk/lib-dynamodb'];

/**
 * Modules the bundles take from lambda/ instead (paths from the project root; lambda/ is in the
 * build key). `mnemonist/lru-cache`: its one importer, @aws-sdk/endpoint-cache (DynamoDB's
 * endpoint discovery, on only with AWS_ENABLE_ENDPOINT_DISCOVERY or `endpoint_discovery_enabled`,
 * which no function sets; the middleware still asks the cache on every call), uses five methods
 * of it; the CommonJS original and its helpers (obliterator, typed-array utilities) cannot be
 * tree-shaken: ~10 KB in every bundle with DynamoDB, ~48 KB in all. The SDK once narrowed the
 * import from all of mnemonist to this module for the same reason (aws/aws-sdk-js-v3#2400).
 * test/lambda/shared/lru-cache.test.ts holds the stand-in to the original's behaviour.
 */
export const ALIASES: Readonly<Record<string, string>> = {
  'mnemonist/lru-cache': './lambda/shared/lru-cache.ts',
};

/**
 * Every SDK client's runtimeConfig.js does `import packageInfo from "../package.json"` for one
 * field, `packageInfo.version` (the client's version in the User-Agent, `api/<service>#<version>`);
 * a default import of JSON keeps the whole file (~2 KB of scripts, dependencies and the like per
 * client per bundle, ~47 KB in all). The bundles get `{ "version": … }` instead: the SDK reads
 * nothing else (test/build/functions.test.ts checks the installed clients still read only that).
 */
const CLIENT_PACKAGE_JSON = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/**
 * The bundles: every folder of lambda/ with an index.ts, one function's or a package's whose
 * functions share it (lambda/stream-keys: each function names its export, AppFunction `handler`).
 */
export function functionEntries(root = PROJECT_ROOT): string[] {
  const dir = path.join(root, 'lambda');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** Hash of everything the bundles are made of. */
export function buildKey(root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  const add = (name: string, content: Buffer | string) => {
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  };
  add('esbuild', (require('esbuild') as typeof import('esbuild')).version);
  add('build', fs.readFileSync(__filename));
  for (const f of ['package-lock.json', 'tsconfig.json']) add(f, fs.readFileSync(path.join(root, f)));
  const lambda = path.join(root, 'lambda');
  const files = fs
    .readdirSync(lambda, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(lambda, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  for (const f of files) add(`lambda/${f}`, fs.readFileSync(path.join(lambda, f)));
  return hash.digest('hex').slice(0, 20);
}

/** A finished build: one folder per function and esbuild's metafile. */
export interface FunctionBuild {
  readonly key: string;
  readonly dir: string;
  readonly entries: readonly string[];
  /** esbuild's metafile; outputs are keyed `<function>/index.mjs`. */
  readonly metafile: Metafile;
  /** The folder holding index.mjs and index.mjs.map of lambda/<entry>/index.ts. */
  bundleDir(entry: string): string;
}

const METAFILE = 'metafile.json';

function loadBuild(key: string, dir: string): FunctionBuild | undefined {
  const file = path.join(dir, METAFILE);
  if (!fs.existsSync(file)) return undefined;
  const metafile = JSON.parse(fs.readFileSync(file, 'utf8')) as Metafile;
  const entries = Object.keys(metafile.outputs)
    .filter((o) => o.endsWith('/index.mjs'))
    .map((o) => o.slice(0, -'/index.mjs'.length))
    .sort();
  return {
    key,
    dir,
    entries,
    metafile,
    bundleDir(entry: string): string {
      if (!entries.includes(entry))
        throw new Error(
          `no function "${entry}": expected lambda/${entry}/index.ts (have ${entries.join(', ')})`,
        );
      return path.join(dir, entry);
    },
  };
}

const memo = new Map<string, FunctionBuild>();

/**
 * The build of the current sources, from the cache or built now (in a child process; about 2 s
 * for every function). Memoized per process.
 */
export function functionBuild(): FunctionBuild {
  const key = buildKey();
  const cached = memo.get(key);
  if (cached) return cached;
  const dir = path.join(BUILD_CACHE_DIR, key);
  let build = loadBuild(key, dir);
  if (!build) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, key], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`building the Lambda functions failed:\n${r.stderr || r.error}`);
    build = loadBuild(key, dir);
    if (!build) throw new Error(`building the Lambda functions left no ${path.join(dir, METAFILE)}`);
  }
  memo.set(key, build);
  return build;
}

/** The esbuild options of the build (entries relative to `root`, output to `outdir`). */
export function buildOptions(root: string, outdir: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: functionEntries(root).map((e) => ({ in: `lambda/${e}/index.ts`, out: `${e}/index` })),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    // The only comments esbuild keeps as "legal" here are a coverage pragma of Powertools'
    // (`v8 ignore next -- @preserve`); no license text is in the bundles.
    legalComments: 'none',
    banner: { js: REQUIRE_BANNER },
    alias: { ...ALIASES },
    plugins: [
      lazyExternals(LAZY_EXTERNALS),
      sideEffectFree(SIDE_EFFECT_FREE),
      pureSdkSchemas(),
      clientVersionsOnly(),
    ],
    logLevel: 'silent',
  };
}

/**
 * Builds every function into the cache under `key` (written to a temporary folder, then renamed:
 * concurrent builders of one key leave one complete build).
 */
export async function buildFunctions(key = buildKey(), root = PROJECT_ROOT): Promise<string> {
  const esbuild = await import('esbuild');
  const dir = path.join(BUILD_CACHE_DIR, key);
  if (fs.existsSync(path.join(dir, METAFILE))) return dir;
  fs.mkdirSync(BUILD_CACHE_DIR, { recursive: true });
  const tmp = path.join(BUILD_CACHE_DIR, `.tmp-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const result = await esbuild.build(buildOptions(root, tmp));
    const outputs = Object.fromEntries(
      Object.entries(result.metafile?.outputs ?? {}).map(([k, v]) => [
        path.relative(tmp, path.resolve(root, k)).split(path.sep).join('/'),
        v,
      ]),
    );
    fs.writeFileSync(path.join(tmp, METAFILE), JSON.stringify({ ...result.metafile, outputs }));
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another process finished the same build first.
      if (!fs.existsSync(path.join(dir, METAFILE))) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  prune(key);
  return dir;
}

/** Removes all but the newest builds, and temporary folders older than an hour. */
function prune(current: string): void {
  const now = Date.now();
  const dirs = fs
    .readdirSync(BUILD_CACHE_DIR)
    .map((name) => ({ name, mtime: fs.statSync(path.join(BUILD_CACHE_DIR, name)).mtimeMs }))
    .filter((d) => d.name !== current);
  const stale = [
    ...dirs.filter((d) => d.name.startsWith('.tmp-') && now - d.mtime > 3_600_000),
    ...dirs
      .filter((d) => !d.name.startsWith('.tmp-'))
      .sort((a, b) => b.mtime - a.mtime)
      .slice(KEEP_BUILDS),
  ];
  for (const d of stale) fs.rmSync(path.join(BUILD_CACHE_DIR, d.name), { recursive: true, force: true });
}

/** Leaves `modules` out where they are imported with `await import()` (see {@link LAZY_EXTERNALS}). */
function lazyExternals(modules: readonly string[]): Plugin {
  const filter = new RegExp(`^(${modules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'lazy-externals',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
      );
    },
  };
}

/** Marks packages side-effect free (see {@link SIDE_EFFECT_FREE}). */
function sideEffectFree(packages: readonly string[]): Plugin {
  const filter = new RegExp(`^(${packages.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})(/|$)`);
  return {
    name: 'side-effect-free',
    setup(build) {
      build.onResolve({ filter }, async (args) => {
        if (args.pluginData === 'side-effect-free') return undefined;
        const r = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'side-effect-free',
        });
        return r.errors.length > 0 ? { errors: r.errors } : { ...r, sideEffects: false };
      });
    },
  };
}

/** Each client's package.json reduced to its version (see {@link CLIENT_PACKAGE_JSON}). */
function clientVersionsOnly(): Plugin {
  return {
    name: 'client-versions-only',
    setup(build) {
      build.onLoad({ filter: CLIENT_PACKAGE_JSON }, (args) => {
        const { version } = JSON.parse(fs.readFileSync(args.path, 'utf8')) as { version: string };
        return { contents: JSON.stringify({ version }), loader: 'json' };
      });
    },
  };
}

/**
 * The SDK clients describe every shape of their service as top-level arrays with computed keys
 * (`export var X$ = [3, n0, _X, { [_jN]: … }, …]`); esbuild cannot prove a computed key pure, so
 * it keeps every shape, used or not (MediaLive: ~140 KB). Wrapping each declaration in a
 * `/* @__PURE__ *\/` arrow call evaluates it at the same point and lets esbuild drop the ones
 * nothing references (MediaLive: ~65 KB kept for the channel operations).
 */
function pureSdkSchemas(): Plugin {
  return {
    name: 'pure-sdk-schemas',
    setup(build) {
      build.onLoad(
        { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
        (args) => ({
          contents: markSchemasPure(fs.readFileSync(args.path, 'utf8')),
          loader: 'js',
        }),
      );
    },
  };
}

/**
 * Wraps each top-level `[export] var|const X = [ … ];` or `{ … };` statement (a statement starts
 * at column 0; continuation lines are indented or start with a closing bracket) in a pure call.
 */
export function markSchemasPure(source: string): string {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of source.split('\n')) {
    if (current.length > 0 && !/^[\s\])}]/.test(line)) {
      statements.push(current.join('\n'));
      current = [];
    }
    current.push(line);
  }
  statements.push(current.join('\n'));
  return statements
    .map((s) => {
      const m = /^((?:export )?(?:var|const) [\w$]+ = )([[{][\s\S]*);\s*$/.exec(s);
      return m ? `${m[1]}/* @__PURE__ */ (() => (${m[2]}))();` : s;
    })
    .join('\n');
}

if (require.main === module) {
  buildFunctions(process.argv[2]).catch((err: Error & { errors?: unknown[] }) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}
