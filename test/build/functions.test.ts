import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import {
  buildKey,
  functionBuild,
  functionEntries,
  markSchemasPure,
  PROJECT_ROOT,
} from '../../lib/build/functions';

describe('the function build', () => {
  test('builds every lambda/<name>/index.ts (a function, or a package of several), and only those', () => {
    const build = functionBuild();
    expect(build.entries).toEqual(functionEntries());
    expect(build.entries).toEqual(expect.arrayContaining(['health', 'playback-session', 'stream-keys']));
    expect(build.entries).not.toContain('shared');
    expect(build.bundleDir('stream-keys')).toBe(join(build.dir, 'stream-keys'));
    expect(() => build.bundleDir('nope')).toThrow('no function "nope": expected lambda/nope/index.ts');
  });

  test('its key covers the function sources, the lockfile and tsconfig.json, and nothing else', () => {
    const root = mkdtempSync(join(tmpdir(), 'onair-key-'));
    for (const f of ['package-lock.json', 'tsconfig.json']) cpSync(join(PROJECT_ROOT, f), join(root, f));
    mkdirSync(join(root, 'lambda', 'a'), { recursive: true });
    writeFileSync(join(root, 'lambda', 'a', 'index.ts'), 'export const handler = 1;');
    const key = buildKey(root);
    expect(buildKey(root)).toBe(key);
    writeFileSync(join(root, 'README.md'), 'not an input');
    expect(buildKey(root)).toBe(key);
    writeFileSync(join(root, 'lambda', 'a', 'index.ts'), 'export const handler = 2;');
    const changed = buildKey(root);
    expect(changed).not.toBe(key);
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    expect(buildKey(root)).not.toBe(changed);
  });
});

describe('what the build leaves out of the SDK', () => {
  test('a client reads only the version of its package.json, which is all the build keeps of it', () => {
    const sdk = join(PROJECT_ROOT, 'node_modules', '@aws-sdk');
    const clients = readdirSync(sdk).filter((d) => d.startsWith('client-'));
    expect(clients).toEqual(expect.arrayContaining(['client-dynamodb', 'client-medialive', 'client-s3']));
    for (const client of clients) {
      const config = readFileSync(join(sdk, client, 'dist-es', 'runtimeConfig.js'), 'utf8');
      expect(config).toContain('import packageInfo from "../package.json"');
      expect([...new Set(config.match(/packageInfo\b[^;,)\s]*/g))]).toEqual([
        'packageInfo',
        'packageInfo.version',
      ]);
    }
    // In the bundles: the clients' package.json files, each down to `{ version }`.
    for (const o of Object.values(functionBuild().metafile.outputs))
      for (const [f, i] of Object.entries(o.inputs))
        if (f.endsWith('/package.json')) {
          expect(f).toMatch(/node_modules\/@aws-sdk\/client-[^/]+\/package\.json$/);
          expect(i.bytesInOutput).toBeLessThan(100);
        }
  });

  test('what a bundle leaves out, it imports only with `await import()`: nothing else is beside it in Lambda', () => {
    const outputs = Object.entries(functionBuild().metafile.outputs).filter(([o]) => o.endsWith('.mjs'));
    expect(outputs).toHaveLength(functionBuild().entries.length);
    for (const [out, o] of outputs) {
      const outside = o.imports.filter((i) => i.external && !i.path.startsWith('node:'));
      expect(outside.length).toBeGreaterThan(0);
      for (const i of outside) expect([out, i.path, i.kind]).toEqual([out, i.path, 'dynamic-import']);
    }
  });

  test('mnemonist is left out: the bundles carry lambda/shared/lru-cache.ts in its place', () => {
    const inputs = Object.keys(functionBuild().metafile.inputs);
    expect(inputs.filter((f) => /node_modules\/(mnemonist|obliterator)\//.test(f))).toEqual([]);
    expect(inputs).toContain('lambda/shared/lru-cache.ts');
  });
});

describe('markSchemasPure', () => {
  const source = [
    'const _A = "A";',
    'const n0 = "com.example";',
    'import { TypeRegistry } from "@smithy/core/schema";',
    'const n0_registry = TypeRegistry.for(n0);',
    'export var Err$ = [-3, n0, _A,',
    '    { [_A]: 1 },',
    '    [_A],',
    '    [0]',
    '];',
    'n0_registry.registerError(Err$, Error);',
    'var __listOfA = 64 | 0;',
    'export var Shape$ = [3, n0, _A, 0, [_A], [() => Other$]];',
    'export var Other$ = { [_A]: [1, 2] };',
  ].join('\n');
  const out = markSchemasPure(source);

  test('wraps each array or object declaration in a pure call, and nothing else', () => {
    expect(out).toContain('export var Err$ = /* @__PURE__ */ (() => ([-3, n0, _A,\n    { [_A]: 1 },');
    expect(out).toContain(
      'export var Shape$ = /* @__PURE__ */ (() => ([3, n0, _A, 0, [_A], [() => Other$]]))();',
    );
    expect(out).toContain('export var Other$ = /* @__PURE__ */ (() => ({ [_A]: [1, 2] }))();');
    for (const kept of [
      'const n0_registry = TypeRegistry.for(n0);',
      'n0_registry.registerError(Err$, Error);',
      'var __listOfA = 64 | 0;',
    ])
      expect(out).toContain(kept);
  });

  test('leaves the values as they were', () => {
    const run = (code: string) =>
      runInNewContext(
        `${code.replace(/^import .*$/m, '').replace(/^export /gm, '')}; ({ Err$, Shape$, Other$ })`,
        { TypeRegistry: { for: () => ({ registerError() {} }) } },
      );
    expect(JSON.stringify(run(out))).toBe(JSON.stringify(run(source)));
  });
});
