import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testApp } from './helpers';
import { logicalIds } from './support/logical-ids';

/**
 * A changed logical id makes CloudFormation replace the resource (a MediaLive channel, a stream
 * key secret, a Lambda function). The fixtures list every resource of every stack, a channel's
 * nested stack under `<stack>/Channel-<id>`. Regenerated deliberately for issue 10: each channel's
 * resources moved into its own nested stack (new logical ids there; its stack is one resource of
 * the parent), the per-channel session routes of public channels, alarms and safe deletes left
 * the parent, and the registry table, the registration provider, the route table and the shared
 * input security groups were added; every other shared resource kept its id (docs/operations.md,
 * "Moving a deployment to per-channel stacks"). A deliberate change regenerates them with
 * `npx tsx test/support/logical-ids.ts <config> > test/fixtures/logical-ids/<name>.json` and says
 * why in the commit.
 */
describe.each([
  ['config/default.json', 'default.json'],
  ['config/examples/eight-channels.json', 'eight-channels.json'],
])('logical ids of %s', (config, fixture) => {
  test('match the fixture (no resource is renamed, added or removed)', () => {
    const before = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'logical-ids', fixture), 'utf8'));
    expect(logicalIds(testApp(), config)).toEqual(before);
  }, 60_000);
});
