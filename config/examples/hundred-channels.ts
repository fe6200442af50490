/**
 * Writes config/examples/hundred-channels.json: a hundred channels in one deployment, as a
 * broadcaster with three contribution sites might run them. Mostly single-pipeline 720p and
 * 540p channels, a redundant 1080p channel every ten, a few low-latency, jwt and iam channels;
 * three distinct lists of allowed CIDRs, so the channels share three input security groups.
 *
 *   npx tsx config/examples/hundred-channels.ts   # regenerates the file
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SITES = [['203.0.113.0/26'], ['198.51.100.0/27', '198.51.100.200/32'], ['192.0.2.0/28']] as const;

export function hundredChannels(): Record<string, unknown> {
  const channels = Array.from({ length: 100 }, (_, i) => {
    const n = i + 1;
    const id = `ch-${String(n).padStart(3, '0')}`;
    const redundant = n % 10 === 0;
    return {
      id,
      description: `example channel ${n} of 100`,
      channelClass: redundant ? 'STANDARD' : 'SINGLE_PIPELINE',
      input: { type: 'RTMP_PUSH', allowedCidrs: [...SITES[i % SITES.length]] },
      ladder: redundant ? '1080p' : n % 3 === 0 ? '540p' : '720p',
      latency: n % 7 === 0 ? 'low' : 'standard',
      archive: n % 4 === 0,
      autoStart: false,
      playback: { auth: n % 25 === 0 ? 'iam' : n % 20 === 0 ? 'jwt' : 'public' },
      autoStopIdleMinutes: redundant ? 0 : 30,
      autoRestart: redundant,
    };
  });
  return {
    stage: 'hundred',
    channels,
    packaging: { startoverWindowHours: 6 },
    delivery: { priceClass: 'PriceClass_100', geoRestriction: { type: 'none' }, corsAllowedOrigins: ['*'] },
    archive: { glacierInstantRetrievalAfterDays: 30, expireAfterDays: 365, rolloverSeconds: 300 },
    alarms: { emails: ['oncall@example.com'] },
    playback: {
      sessionTtlMinutes: 120,
      jwt: { issuer: 'https://auth.example.com/', audience: ['onair-viewers'] },
    },
  };
}

if (require.main === module) {
  const file = join(__dirname, 'hundred-channels.json');
  writeFileSync(file, `${JSON.stringify(hundredChannels(), null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}
