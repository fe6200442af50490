import { type App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addOnAir, stackTree } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Json = any;

/** JSON with object keys sorted, so equal values print equally. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const list = (v: Json): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * A policy document as the set of what it allows or denies, one line per action × resource ×
 * principal (with its condition): statement order, grouping and Sids do not count, so two
 * documents with the same lines grant exactly the same.
 */
function atoms(document: Json): string[] {
  const out: string[] = [];
  for (const s of list(document?.Statement)) {
    const actions = s.Action !== undefined ? list(s.Action) : list(s.NotAction).map((a) => `NOT ${a}`);
    const resources =
      s.Resource !== undefined
        ? list(s.Resource)
        : s.NotResource !== undefined
          ? list(s.NotResource).map((r) => ({ NOT: r }))
          : [undefined];
    const principal =
      s.Principal !== undefined
        ? ` principal=${canonical(s.Principal)}`
        : s.NotPrincipal !== undefined
          ? ` notPrincipal=${canonical(s.NotPrincipal)}`
          : '';
    const condition = s.Condition !== undefined ? ` if ${canonical(s.Condition)}` : '';
    for (const a of actions)
      for (const r of resources)
        out.push(`${s.Effect} ${a} ${r === undefined ? '-' : canonical(r)}${principal}${condition}`);
  }
  return out;
}

/**
 * Every permission of every stack the app synthesizes for a config, by who holds it (sorted,
 * duplicates dropped): a role's identity policies (inline or attached `AWS::IAM::Policy`), its
 * trust policy and managed policies, resource policies (KMS keys, buckets, queues, topics,
 * secrets) and Lambda permissions. Comparing two listings tells whether a change widened,
 * narrowed or only regrouped a grant.
 *
 * `npx tsx test/support/iam-policies.ts config/default.json` prints the listing as JSON (how
 * test/fixtures/iam-policies/*.json were produced).
 */
export function iamPolicies(app: App, configPath: string): Record<string, Record<string, string[]>> {
  addOnAir(app, loadConfig(configPath), { nag: false });
  app.synth();
  const out: Record<string, Record<string, string[]>> = {};
  // Every stack, nested ones (a channel's) under their path, e.g. "OnAir-dev/Channel-main".
  for (const stack of app.node.children.filter(Stack.isStack).flatMap((s) => stackTree(s))) {
    const name = stack.nested ? stack.node.path : stack.stackName;
    const { Resources } = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties?: Json }>;
    };
    const held: Record<string, Set<string>> = {};
    const add = (holder: string, lines: string[]) => {
      held[holder] ??= new Set();
      for (const l of lines) held[holder].add(l);
    };
    const refOf = (v: Json) => (v?.Ref !== undefined ? String(v.Ref) : canonical(v));
    for (const [id, r] of Object.entries(Resources)) {
      const p = r.Properties ?? {};
      switch (r.Type) {
        case 'AWS::IAM::Role':
          add(`${id} trust`, atoms(p.AssumeRolePolicyDocument));
          add(
            `${id} managed`,
            list(p.ManagedPolicyArns).map((m: Json) => canonical(m)),
          );
          for (const inline of list(p.Policies)) add(id, atoms(inline.PolicyDocument));
          break;
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::ManagedPolicy':
          for (const role of list(p.Roles)) add(refOf(role), atoms(p.PolicyDocument));
          if (list(p.Roles).length === 0) add(id, atoms(p.PolicyDocument));
          break;
        case 'AWS::KMS::Key':
          add(`${id} key policy`, atoms(p.KeyPolicy));
          break;
        case 'AWS::S3::BucketPolicy':
          add(`${refOf(p.Bucket)} bucket policy`, atoms(p.PolicyDocument));
          break;
        case 'AWS::SQS::QueuePolicy':
          for (const q of list(p.Queues)) add(`${refOf(q)} queue policy`, atoms(p.PolicyDocument));
          break;
        case 'AWS::SNS::TopicPolicy':
          for (const t of list(p.Topics)) add(`${refOf(t)} topic policy`, atoms(p.PolicyDocument));
          break;
        case 'AWS::SecretsManager::ResourcePolicy':
          add(`${refOf(p.SecretId)} secret policy`, atoms(p.ResourcePolicy));
          break;
        case 'AWS::Lambda::Permission':
          add(`${id} lambda permission`, [canonical(p)]);
          break;
      }
    }
    out[name] = Object.fromEntries(
      Object.keys(held)
        .filter((k) => held[k].size > 0)
        .sort()
        .map((k) => [k, [...held[k]].sort()]),
    );
  }
  return out;
}

if (require.main === module) {
  const { testApp } = require('../helpers') as typeof import('../helpers');
  const policies = iamPolicies(testApp(), process.argv[2] ?? 'config/default.json');
  process.stdout.write(`${JSON.stringify(policies, null, 2)}\n`);
}
