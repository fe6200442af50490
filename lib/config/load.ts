import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { type OnAirConfig, onAirConfig } from './schema';

/** Thrown for an invalid deployment config; `problems` holds one line per finding. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Renders a zod path the way a reader writes it: `channels[0].input.allowedCidrs[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function problemLine(input: unknown, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => `${formatPath([...issue.path, key])}: unknown field; remove it or check its spelling`)
      .join('\n');
  }
  const where = formatPath(issue.path);
  return `${where}: received ${describe(valueAt(input, issue.path))}; ${issue.message}`;
}

/** Validates a parsed JSON document; throws ConfigError listing every problem. */
export function parseConfig(input: unknown, source = '(inline)'): OnAirConfig {
  const result = onAirConfig.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => problemLine(input, i).split('\n'));
    throw new ConfigError(source, problems);
  }
  return result.data;
}

/** Reads and validates a config file (default `config/default.json`). */
export function loadConfig(path: string): OnAirConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseConfig(json, path);
}
