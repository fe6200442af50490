import * as LibDynamoDb from '@aws-sdk/lib-dynamodb';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import type { RegisteredChannel } from '../../../lambda/shared/registry';
import { awsError, REGISTRY } from '../fixtures';
import { registeredChannels, serveRegistry } from '../registry-fixtures';

/**
 * The recordings table as DynamoDB would keep it, for the expressions the recordings functions
 * send (SET with if_not_exists and nested map paths, REMOVE; conditions with attribute_exists,
 * attribute_not_exists, =, <>, <, IN, OR). A failed condition is DynamoDB's
 * ConditionalCheckFailedException; an expression outside this subset fails the test. Queries
 * read the channel index newest first: Limit counts the items read, the FilterExpression then
 * drops some, and ProjectionExpression keeps the named attributes, as DynamoDB does.
 */
type Item = Record<string, unknown>;
type Values = Record<string, unknown>;
type Names = Record<string, string>;

function path(expr: string, names: Names): string[] {
  return expr
    .trim()
    .split('.')
    .map((p) => (p.startsWith('#') ? (names[p] ?? fail(`no name ${p}`)) : p));
}
function fail(why: string): never {
  throw new Error(`recordings world: ${why}`);
}
function get(item: Item | undefined, p: string[]): unknown {
  let v: unknown = item;
  for (const k of p) v = v && typeof v === 'object' ? (v as Item)[k] : undefined;
  return v;
}
function set(item: Item, p: string[], value: unknown) {
  let o = item;
  for (const k of p.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) fail(`the document path ${p.join('.')} is invalid`);
    o = o[k] as Item;
  }
  o[p[p.length - 1]] = value;
}
function operand(expr: string, item: Item, names: Names, values: Values): unknown {
  const e = expr.trim();
  if (e.startsWith(':')) return e in values ? values[e] : fail(`no value ${e}`);
  const ine = /^if_not_exists\(([^,]+),\s*(:\w+)\)$/.exec(e);
  if (ine) return get(item, path(ine[1], names)) ?? values[ine[2]];
  return get(item, path(e, names));
}
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
export function applyUpdate(item: Item, expr: string, names: Names = {}, values: Values = {}) {
  const clauses = expr.split(/\b(?=SET |REMOVE )/);
  for (const clause of clauses) {
    const c = clause.trim();
    if (c.startsWith('SET ')) {
      const evaluated = splitTop(c.slice(4), ',').map((a) => {
        const [lhs, rhs] = a.split(/=(.*)/s);
        return [path(lhs, names), operand(rhs, item, names, values)] as const;
      });
      for (const [p, v] of evaluated) set(item, p, structuredClone(v));
    } else if (c.startsWith('REMOVE ')) {
      for (const a of c.slice(7).split(',')) {
        const p = path(a, names);
        const parent = get(item, p.slice(0, -1)) as Item | undefined;
        if (parent) delete parent[p[p.length - 1]];
      }
    } else if (c !== '') fail(`unsupported update ${c}`);
  }
}
export function condition(
  item: Item | undefined,
  expr: string,
  names: Names = {},
  values: Values = {},
): boolean {
  return expr.split(/\s+OR\s+/).some((alt) =>
    alt.split(/\s+AND\s+/).every((term) => {
      const t = term.trim();
      let m = /^attribute_not_exists\((.+)\)$/.exec(t);
      if (m) return get(item, path(m[1], names)) === undefined;
      m = /^attribute_exists\((.+)\)$/.exec(t);
      if (m) return get(item, path(m[1], names)) !== undefined;
      m = /^(\S+)\s+IN\s+\((.+)\)$/.exec(t);
      if (m) {
        const v = get(item, path(m[1], names));
        return m[2].split(',').some((x) => operand(x, {}, names, values) === v);
      }
      m = /^(\S+)\s*(<>|<=|<|=)\s*(\S+)$/.exec(t);
      if (!m) return fail(`unsupported condition ${t}`);
      const a = operand(m[1], item ?? {}, names, values) as string;
      const b = operand(m[3], item ?? {}, names, values) as string;
      if (a === undefined) return false;
      return m[2] === '=' ? a === b : m[2] === '<>' ? a !== b : m[2] === '<' ? a < b : a <= b;
    }),
  );
}

type DocumentClientStub = AwsStub<
  LibDynamoDb.ServiceInputTypes,
  LibDynamoDb.ServiceOutputTypes,
  LibDynamoDb.DynamoDBDocumentClientResolvedConfig
>;

export interface WorldOptions {
  /** @default - 'OnAir-test-StatusTable' */
  readonly statusTable?: string;
  /**
   * The lib-dynamodb module whose client to mock (a handler loaded in jest.isolateModules has its own).
   * @default - this module registry's
   */
  readonly lib?: typeof LibDynamoDb;
  /** @default - the registry fixture's channels; null: the registry table is served elsewhere */
  readonly channels?: Readonly<Record<string, RegisteredChannel>> | null;
  /**
   * A mock of the DocumentClient already made (the e2e stand's, which also serves the registry).
   * @default - a new mock of `lib`'s client
   */
  readonly stub?: DocumentClientStub;
}

export class RecordingsWorld {
  readonly items = new Map<string, Item>();
  /** The health function's status records by channel id (read only here). */
  readonly status = new Map<string, Item>();
  readonly ddb: DocumentClientStub;
  readonly statusTable: string;
  private readonly lib: typeof LibDynamoDb;
  private readonly channels: Readonly<Record<string, RegisteredChannel>> | null;

  constructor(
    readonly table: string,
    opts: WorldOptions = {},
  ) {
    this.statusTable = opts.statusTable ?? 'OnAir-test-StatusTable';
    this.lib = opts.lib ?? LibDynamoDb;
    this.channels = opts.channels === undefined ? registeredChannels(REGISTRY) : opts.channels;
    this.ddb = opts.stub ?? mockClient(this.lib.DynamoDBDocumentClient);
  }

  reset() {
    this.items.clear();
    this.status.clear();
    this.ddb.reset();
    const check = (name: string | undefined) => name === this.table || fail(`unexpected table ${name}`);
    const ccf = () => awsError('ConditionalCheckFailedException', 400);
    // The channel registry table (lambda/shared/registry.ts) holds the test channels.
    const { GetCommand, PutCommand, UpdateCommand, DeleteCommand, QueryCommand, ScanCommand } = this.lib;
    if (this.channels !== null) serveRegistry(this.ddb, this.channels, ScanCommand);
    this.ddb.on(GetCommand).callsFake((i) => {
      if (i.TableName === this.statusTable) {
        const st = this.status.get(i.Key.channelId);
        return { Item: st && structuredClone(st) };
      }
      check(i.TableName);
      const it = this.items.get(i.Key.recordingId);
      return { Item: it && structuredClone(it) };
    });
    this.ddb.on(PutCommand).callsFake((i) => {
      check(i.TableName);
      const key = i.Item.recordingId as string;
      if (
        i.ConditionExpression &&
        !condition(
          this.items.get(key),
          i.ConditionExpression,
          i.ExpressionAttributeNames,
          i.ExpressionAttributeValues,
        )
      )
        throw ccf();
      this.items.set(key, structuredClone(i.Item));
      return {};
    });
    this.ddb.on(UpdateCommand).callsFake((i) => {
      check(i.TableName);
      const key = i.Key.recordingId as string;
      const before = this.items.get(key);
      if (
        i.ConditionExpression &&
        !condition(before, i.ConditionExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues)
      )
        throw ccf();
      const item = structuredClone(before ?? { ...i.Key });
      applyUpdate(item, i.UpdateExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues);
      this.items.set(key, item);
      return {
        Attributes:
          i.ReturnValues === 'ALL_NEW'
            ? structuredClone(item)
            : i.ReturnValues === 'ALL_OLD'
              ? before
              : undefined,
      };
    });
    this.ddb.on(DeleteCommand).callsFake((i) => {
      check(i.TableName);
      this.items.delete(i.Key.recordingId);
      return {};
    });
    this.ddb.on(QueryCommand).callsFake((i) => {
      check(i.TableName);
      if (i.IndexName !== 'byChannel') fail(`query without the channel index: ${i.IndexName}`);
      const names = i.ExpressionAttributeNames ?? {};
      const values = i.ExpressionAttributeValues ?? {};
      const ch = values[':ch'];
      const from = values[':from'] as string | undefined;
      const to = values[':to'] as string | undefined;
      const before = values[':before'] as string | undefined;
      const all = [...this.items.values()]
        .filter((it) => it.channelId === ch)
        .filter(
          (it) =>
            (from === undefined || (it.sessionStart as string) >= from) &&
            (to === undefined || (it.sessionStart as string) <= to) &&
            (before === undefined || (it.sessionStart as string) < before),
        )
        .sort((a, b) => String(b.sessionStart).localeCompare(String(a.sessionStart)));
      const start = i.ExclusiveStartKey
        ? all.findIndex((it) => it.recordingId === i.ExclusiveStartKey?.recordingId) + 1
        : 0;
      const page = all.slice(start, start + (i.Limit ?? all.length));
      const last = page.at(-1);
      const more = start + page.length < all.length;
      const kept = i.FilterExpression
        ? page.filter((it) => condition(it, i.FilterExpression as string, names, values))
        : page;
      const attributes = i.ProjectionExpression?.split(',').map((a: string) => path(a, names)[0]);
      return {
        Items: structuredClone(
          attributes
            ? kept.map((it) =>
                Object.fromEntries(attributes.filter((a: string) => a in it).map((a: string) => [a, it[a]])),
              )
            : kept,
        ),
        LastEvaluatedKey:
          more && last
            ? { recordingId: last.recordingId, channelId: last.channelId, sessionStart: last.sessionStart }
            : undefined,
      };
    });
  }

  recordings(): Item[] {
    return [...this.items.values()].filter((i) => i.channelId !== undefined);
  }
}
