import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testApp } from './helpers';
import { logicalIds } from './support/logical-ids';

/**
 * A changed logical id makes CloudFormation replace the resource (a MediaLive channel, a stream
 * key secret, a Lambda function). The fixtures list every resource as synthesized at commit
 * ca6d94f (before functions were built in one esbuild pass); a deliberate change regenerates
 * them with `npx tsx test/support/logical-ids.ts <config> > test/fixtures/logical-ids/<name>.json`
 * and says why in the commit.
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
