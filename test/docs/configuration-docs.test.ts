import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { onAirConfig } from '../../lib/config/schema';

const ROOT = resolve(__dirname, '..', '..');
const CONFIGURATION_DOC = join(ROOT, 'docs', 'configuration.md');
const MAX_README_LINES = 250;

/** Wrappers whose fields are those of the schema they wrap. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'nonoptional', 'readonly', 'catch']);
/** Schemas with no fields of their own. */
const LEAVES = new Set(['string', 'number', 'boolean', 'enum', 'literal']);

/**
 * Every field of a zod schema as a path: `a.b` for field `b` of object `a`, `[]` for the items of
 * a list (`channels[].input.allowedCidrs`). Unions contribute the fields of each option. A schema
 * kind the walk does not know fails loudly, so a new kind cannot hide its fields from the check.
 */
function schemaFieldPaths(schema: z.ZodType, path = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const sub = (s: unknown, p: string) => schemaFieldPaths(s as z.ZodType, p);
  if (WRAPPERS.has(def.type)) return sub(def.innerType, path);
  if (LEAVES.has(def.type)) return [];
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, value]) => {
        const p = path === '' ? key : `${path}.${key}`;
        return [p, ...sub(value, p)];
      });
    case 'array':
      return sub(def.element, `${path}[]`);
    case 'union':
      return [...new Set((def.options as unknown[]).flatMap((o) => sub(o, path)))];
    case 'pipe':
      return [...new Set([...sub(def.in, path), ...sub(def.out, path)])];
    default:
      throw new Error(`${path || '(root)'}: the docs test cannot walk a zod "${def.type}" schema; teach it`);
  }
}

/**
 * The rows of every table whose first header cell is `field`: each row's first cell must be one
 * field path in backticks, and nothing else.
 */
function documentedFieldPaths(markdown: string): { paths: string[]; malformed: string[] } {
  const paths: string[] = [];
  const malformed: string[] = [];
  let inTable = false;
  for (const line of markdown.split('\n')) {
    const cells = line.trim().startsWith('|') ? line.trim().slice(1).split('|') : undefined;
    if (cells === undefined) {
      inTable = false;
      continue;
    }
    const first = cells[0].trim();
    if (!inTable) {
      inTable = first === 'field';
      continue;
    }
    if (/^-+$/.test(first)) continue;
    const m = /^`([^`]+)`$/.exec(first);
    if (m) paths.push(m[1]);
    else malformed.push(line);
  }
  return { paths, malformed };
}

/** The anchors GitHub gives a markdown file's headings (github-slugger's rules). */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of stripFences(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Markdown without fenced code blocks (a `#` line there is no heading). */
function stripFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown without code blocks and inline code (links there are not links). */
function stripCode(markdown: string): string {
  return stripFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** Link targets of a markdown file: inline links, images and reference definitions. */
function linkTargets(markdown: string): string[] {
  const text = stripCode(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const refs = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...refs];
}

/** Relative links of a file that point to no file, or to no heading of the file they name. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const [pathPart, anchor] = target.split('#', 2);
    const dest = pathPart === '' ? file : resolve(dirname(file), decodeURI(pathPart));
    const where = `${relative(ROOT, file)} → ${target}`;
    if (!existsSync(dest)) {
      broken.push(`${where}: no such file`);
      continue;
    }
    if (anchor !== undefined && anchor !== '' && dest.endsWith('.md') && statSync(dest).isFile()) {
      if (!headingAnchors(readFileSync(dest, 'utf8')).has(anchor))
        broken.push(`${where}: no heading with that anchor`);
    }
  }
  return broken;
}

const docsFiles = () =>
  readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f));

describe('schema walk', () => {
  test('finds nested objects, lists of objects and the fields of union options', () => {
    const paths = schemaFieldPaths(onAirConfig);
    expect(paths).toEqual(
      expect.arrayContaining([
        'stage',
        'channels',
        'channels[].input',
        'channels[].input.allowedCidrs',
        'channels[].ladder',
        'channels[].ladder[].qvbrQuality',
        'channels[].playback.auth',
        'delivery.geoRestriction.type',
        'delivery.geoRestriction.countries',
        'delivery.customDomain.certificateArn',
        'alarms.thresholds.cdnOriginLatencyMs',
        'playback.jwt.issuer',
        'playback.jwt.audience',
        'streamKey.rotateEveryDays',
      ]),
    );
    expect(new Set(paths).size).toBe(paths.length);
  });

  test('fails on a schema kind it cannot walk', () => {
    const schema = z.strictObject({ tags: z.record(z.string(), z.strictObject({ value: z.string() })) });
    expect(() => schemaFieldPaths(schema)).toThrow('tags: the docs test cannot walk a zod "record" schema');
  });
});

describe('docs/configuration.md', () => {
  const doc = documentedFieldPaths(readFileSync(CONFIGURATION_DOC, 'utf8'));

  test('every row of a field table names exactly one field path in backticks', () => {
    expect(doc.malformed).toEqual([]);
    expect(doc.paths.length).toBeGreaterThan(0);
  });

  test('documents every field of the schema', () => {
    const documented = new Set(doc.paths);
    expect(schemaFieldPaths(onAirConfig).filter((p) => !documented.has(p))).toEqual([]);
  });

  test('documents no field the schema does not have, and each field once', () => {
    const fields = new Set(schemaFieldPaths(onAirConfig));
    expect(doc.paths.filter((p) => !fields.has(p))).toEqual([]);
    expect(doc.paths.filter((p, i) => doc.paths.indexOf(p) !== i)).toEqual([]);
  });
});

describe('README and docs', () => {
  test(`README.md has at most ${MAX_README_LINES} lines`, () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    expect(lines).toBeLessThanOrEqual(MAX_README_LINES);
  });

  test('every relative link in README.md and docs/*.md points to an existing file and heading', () => {
    const files = [join(ROOT, 'README.md'), ...docsFiles()];
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  test('the link check sees links, anchors and broken targets', () => {
    const md = [
      '# Top `code` (x)',
      '[a](docs/configuration.md#field-reference) ![i](pic.png "t") `[not](a-link)`',
      '```',
      '[also not](x.md)',
      '```',
      '[ref]: ../README.md',
    ].join('\n');
    expect(linkTargets(md)).toEqual(['docs/configuration.md#field-reference', 'pic.png', '../README.md']);
    expect(headingAnchors(md)).toEqual(new Set(['top-code-x']));
    expect(headingAnchors('## Auto-stop (cost safety)\n## Limits: how many?\n## Limits: how many?')).toEqual(
      new Set(['auto-stop-cost-safety', 'limits-how-many', 'limits-how-many-1']),
    );
  });
});
