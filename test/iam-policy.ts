/**
 * A small IAM identity-policy evaluator for tests: enough of the IAM policy evaluation logic to
 * say whether the statements a template gives a role allow one AWS request.
 *
 * Modelled (IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements"):
 * - an explicit Deny wins, then any Allow, else implicit deny;
 * - Action / NotAction: case-insensitive, `*` and `?` wildcards;
 * - Resource / NotResource: case-sensitive ARN match with `*` and `?` wildcards; a request for
 *   an action without resource-level permissions names the resource `*`, which only `*` matches;
 * - Condition: StringEquals, StringNotEquals, StringLike and their IfExists forms, on
 *   `aws:ResourceTag/<key>` (and any other key the request context supplies), values ORed
 *   within a key and keys ANDed.
 * Anything else (other operators, ForAllValues/ForAnyValue, policy variables) throws, so a
 * policy the evaluator does not understand can never look like an allow.
 */

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
  readonly Sid?: string;
}

export interface AwsRequest {
  /** `service:Action`, e.g. `medialive:StopChannel`. */
  readonly action: string;
  /** The ARN of the resource acted on, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** The tags of that resource (become `aws:ResourceTag/<key>` in the request context). */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** Further request-context keys. */
  readonly context?: Readonly<Record<string, string>>;
}

export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny';

const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

/** An IAM wildcard pattern (`*` any run, `?` one character) as an anchored RegExp. */
function wildcard(pattern: string, flags = ''): RegExp {
  if (/\$\{/.test(pattern)) throw new Error(`policy variables are not modelled: ${pattern}`);
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

function actionMatches(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) => wildcard(p, 'i').test(action));
}

function resourceMatches(patterns: readonly string[], resource: string): boolean {
  return patterns.some((p) => p === '*' || (resource !== '*' && wildcard(p).test(resource)));
}

function contextOf(req: AwsRequest): Map<string, string> {
  const ctx = new Map<string, string>();
  for (const [k, v] of Object.entries(req.resourceTags ?? {})) ctx.set(`aws:ResourceTag/${k}`, v);
  for (const [k, v] of Object.entries(req.context ?? {})) ctx.set(k, v);
  return ctx;
}

/** Context keys are case-insensitive; tag keys inside aws:ResourceTag/ are matched as given. */
function lookup(ctx: Map<string, string>, key: string): string | undefined {
  for (const [k, v] of ctx) if (k.toLowerCase() === key.toLowerCase()) return v;
  return undefined;
}

function conditionHolds(condition: PolicyStatement['Condition'], ctx: Map<string, string>): boolean {
  for (const [rawOp, block] of Object.entries(condition ?? {})) {
    const ifExists = rawOp.endsWith('IfExists');
    const op = ifExists ? rawOp.slice(0, -'IfExists'.length) : rawOp;
    for (const [key, values] of Object.entries(block)) {
      const actual = lookup(ctx, key);
      const wanted = list(values);
      if (actual === undefined) {
        // A missing key fails every operator except the IfExists forms (and the negated ones,
        // which IAM also evaluates to true when the key is absent).
        if (ifExists || op === 'StringNotEquals') continue;
        return false;
      }
      let ok: boolean;
      switch (op) {
        case 'StringEquals':
          ok = wanted.includes(actual);
          break;
        case 'StringNotEquals':
          ok = !wanted.includes(actual);
          break;
        case 'StringLike':
          ok = wanted.some((w) => wildcard(w).test(actual));
          break;
        default:
          throw new Error(`condition operator ${rawOp} is not modelled`);
      }
      if (!ok) return false;
    }
  }
  return true;
}

function applies(s: PolicyStatement, req: AwsRequest, ctx: Map<string, string>): boolean {
  if ((s.Action === undefined) === (s.NotAction === undefined))
    throw new Error(`statement needs exactly one of Action/NotAction: ${JSON.stringify(s)}`);
  if ((s.Resource === undefined) === (s.NotResource === undefined))
    throw new Error(`statement needs exactly one of Resource/NotResource: ${JSON.stringify(s)}`);
  const actionOk =
    s.Action !== undefined
      ? actionMatches(list(s.Action), req.action)
      : !actionMatches(list(s.NotAction), req.action);
  if (!actionOk) return false;
  const resourceOk =
    s.Resource !== undefined
      ? resourceMatches(list(s.Resource), req.resource)
      : !resourceMatches(list(s.NotResource), req.resource);
  return resourceOk && conditionHolds(s.Condition, ctx);
}

/** Evaluates one request against identity-policy statements (no resource policies, SCPs or boundaries). */
export function evaluate(statements: readonly PolicyStatement[], req: AwsRequest): Decision {
  const ctx = contextOf(req);
  let allowed = false;
  for (const s of statements) {
    if (!applies(s, req, ctx)) continue;
    if (s.Effect === 'Deny') return 'explicit-deny';
    if (s.Effect === 'Allow') allowed = true;
    else throw new Error(`unknown Effect ${String((s as { Effect: unknown }).Effect)}`);
  }
  return allowed ? 'allowed' : 'implicit-deny';
}
