import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hundredChannels } from '../../config/examples/hundred-channels';
import { loadConfig } from '../../lib/config/load';

const examples = readdirSync('config/examples')
  .filter((f) => f.endsWith('.json'))
  .map((f) => join('config/examples', f));

test.each(['config/default.json', ...examples])('%s passes config validation', (path) => {
  expect(() => loadConfig(path)).not.toThrow();
});

test('all-features.json turns on every optional feature CI lints', () => {
  const cfg = loadConfig('config/examples/all-features.json');
  expect(cfg.channels.map((c) => c.channelClass)).toContain('STANDARD');
  expect(new Set(cfg.channels.map((c) => c.playback.auth))).toEqual(new Set(['public', 'jwt', 'iam']));
  expect(cfg.alarms.webhook).toBe(true);
  expect(cfg.alarms.emails.length).toBeGreaterThan(0);
  expect(cfg.streamKey.rotateEveryDays).toBeDefined();
  expect(cfg.delivery.customDomain).toBeDefined();
  expect(cfg.delivery.geoRestriction.type).toBe('allow');
  expect(cfg.playback.bindSourceIp).toBe(true);
  expect(cfg.archive.expireAfterDays).toBeDefined();
});

test('hundred-channels.json is what its committed script writes (npx tsx config/examples/hundred-channels.ts)', () => {
  const written = JSON.parse(readFileSync('config/examples/hundred-channels.json', 'utf8'));
  expect(written).toEqual(hundredChannels());
  const cfg = loadConfig('config/examples/hundred-channels.json');
  expect(cfg.channels).toHaveLength(100);
  // three contribution sites: three distinct CIDR lists, so three input security groups
  expect(new Set(cfg.channels.map((c) => c.input.allowedCidrs.join()))).toHaveProperty('size', 3);
});
