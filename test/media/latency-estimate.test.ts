import { parseConfig } from '../../lib/config/load';
import { estimateChannelCost, PRICES } from '../../lib/media/estimate';
import {
  expectedLatencySeconds,
  LATENCY_PROFILES,
  LATENCY_TARGET_SECONDS,
  LatencyMode,
  worstLatencySeconds,
} from '../../lib/media/latency';

describe('latency model', () => {
  test.each([LatencyMode.STANDARD, LatencyMode.LOW])('%s meets its target', (mode) => {
    expect(expectedLatencySeconds(mode)).toBeLessThanOrEqual(LATENCY_TARGET_SECONDS[mode]);
  });

  test('encoder (one GOP) + 3 held-back segments + 1 s packaging/CDN', () => {
    expect(expectedLatencySeconds(LatencyMode.STANDARD)).toBe(2 + 3 * 4 + 1);
    expect(expectedLatencySeconds(LatencyMode.LOW)).toBe(1 + 3 * 1 + 1);
  });

  test('the worst case adds one segment of live-edge age and the manifest cache staleness', () => {
    expect(worstLatencySeconds(LatencyMode.STANDARD)).toBe(15 + 4 + 2);
    expect(worstLatencySeconds(LatencyMode.LOW)).toBe(5 + 1 + 1);
  });

  test('every GOP divides its segment length', () => {
    for (const p of Object.values(LATENCY_PROFILES)) expect(p.segmentSeconds % p.gopSeconds).toBe(0);
  });
});

describe('cost estimate', () => {
  const channel = (over: Record<string, unknown>) =>
    parseConfig({
      stage: 't',
      channels: [{ id: 'cam', input: { type: 'RTMP_PUSH', allowedCidrs: ['0.0.0.0/0'] }, ...over }],
    }).channels[0];

  test('single-pipeline 720p = HD input + 1 HD + 3 SD outputs + MediaPackage ingest', () => {
    const ch = channel({ ladder: '720p' });
    if (ch === undefined) throw new Error('no channel');
    const c = estimateChannelCost(ch);
    const ml = PRICES.medialive;
    expect(c.inputUsdPerHour).toBe(ml.input.SINGLE_PIPELINE.HD.MAX_10_MBPS);
    const hd = ml.outputAvc.SINGLE_PIPELINE.HD.MAX_10_MBPS.UP_TO_30;
    const sd = ml.outputAvc.SINGLE_PIPELINE.SD.MAX_10_MBPS.UP_TO_30;
    expect(c.outputsUsdPerHour).toBeCloseTo(hd + 3 * sd, 6);
    const gb = ((3000 + 1800 + 700 + 400 + 4 * 128) * 1000 * 3600) / 8 / 1e9;
    expect(c.packagingIngestUsdPerHour).toBeCloseTo(gb * PRICES.mediapackage.ingestUsdPerGb, 6);
    expect(c.totalUsdPerHour).toBeCloseTo(
      c.inputUsdPerHour + c.outputsUsdPerHour + c.packagingIngestUsdPerHour,
      9,
    );
  });

  test('a STANDARD channel costs more than the same single-pipeline channel', () => {
    const single = channel({ ladder: '1080p' });
    const standard = channel({ ladder: '1080p', channelClass: 'STANDARD' });
    if (single === undefined || standard === undefined) throw new Error('no channel');
    expect(estimateChannelCost(standard).totalUsdPerHour).toBeGreaterThan(
      estimateChannelCost(single).totalUsdPerHour,
    );
  });

  test('the price table names its source and date', () => {
    expect(PRICES.source).toMatch(/^https:\/\//);
    expect(PRICES.compiled).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(typeof PRICES.verified).toBe('boolean');
  });
});
