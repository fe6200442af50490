import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testApp } from './helpers';
import { iamPolicies } from './support/iam-policies';

/**
 * Every permission the app grants, as the set of action × resource × principal (× condition)
 * each role, key, bucket, queue, topic or function holds: statement order and grouping do not
 * count, so moving a grant into the construct that owns the resource passes, and a widened,
 * narrowed, added or removed permission fails. The fixtures were produced at the commit that
 * added this test (before grants moved to their owners); a deliberate change regenerates them
 * with `npx tsx test/support/iam-policies.ts <config> > test/fixtures/iam-policies/<name>.json`
 * and says in the commit why the permission changed. Issue 10 regenerated them: grants on
 * channel resources name the resource type with the deployment tag (and a capability tag for
 * start, stop on idle and restart) instead of ARNs, the functions read the registry table, and
 * the registration provider writes the route table.
 */
describe.each([
  ['config/default.json', 'default.json'],
  ['config/examples/eight-channels.json', 'eight-channels.json'],
  // Scheduled rotation, auto-start, auto-restart, the webhook and a previous signing key.
  ['config/examples/all-features.json', 'all-features.json'],
  // SRT listener channels: each MediaLive channel role reads its own passphrase (GetSecretValue only).
  ['config/examples/srt.json', 'srt.json'],
])('IAM permissions of %s', (config, fixture) => {
  test('match the fixture (no permission widened, narrowed, added or removed)', () => {
    const before = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'iam-policies', fixture), 'utf8'));
    expect(iamPolicies(testApp(), config)).toEqual(before);
  }, 60_000);
});
