import { loadConfig, parseConfig } from '../../lib/config/load';
import { estimateChannelCost, PRICES } from '../../lib/media/estimate';
import {
  expectedLatencySeconds,
  LATENCY_PROFILES,
  LATENCY_TARGET_SECONDS,
  LatencyMode,
  worstLatencySeconds,
} from '../../lib/media/latency';
import { renderSummary } from '../../lib/summary';

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

  test('an SRT input adds its receive latency to both numbers', () => {
    expect(expectedLatencySeconds(LatencyMode.STANDARD, 1000)).toBe(16);
    expect(worstLatencySeconds(LatencyMode.LOW, 2500)).toBe(7 + 2.5);
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

  test('an SRT channel: the same input rate (MediaLive bills the input specification, not the protocol), and the estimate says which input it priced', () => {
    const rtmp = channel({ ladder: '720p' });
    const srt = parseConfig({
      stage: 't',
      channels: [{ id: 'cam', input: { type: 'SRT_LISTENER', allowedCidrs: ['0.0.0.0/0'] }, ladder: '720p' }],
    }).channels[0];
    if (rtmp === undefined || srt === undefined) throw new Error('no channel');
    expect(estimateChannelCost(srt)).toEqual({ ...estimateChannelCost(rtmp), inputType: 'SRT_LISTENER' });
    expect(estimateChannelCost(rtmp).inputType).toBe('RTMP_PUSH');
    const rtmpOnly = { ...PRICES, medialive: { ...PRICES.medialive, inputRatesApplyTo: ['RTMP_PUSH'] } };
    expect(() => estimateChannelCost(srt, rtmpOnly)).toThrow(
      'the price table has no input rate for SRT_LISTENER inputs (medialive.inputRatesApplyTo)',
    );
  });

  test('the synth summary names each input type, its SRT settings, and the latency they add', () => {
    const text = renderSummary(loadConfig('config/examples/srt.json'));
    expect(text).toMatch(
      /studio: STANDARD, SRT_LISTENER \(AES256, 2000 ms\) x2, ladder 1080p \(6 rungs\), latency standard ~17 s glass-to-glass \(up to 23 s\)/,
    );
    expect(text).toMatch(
      /field: SINGLE_PIPELINE, SRT_LISTENER \(AES256, 1000 ms\) x1, .*latency low ~6 s glass-to-glass \(up to 8 s\)/,
    );
    expect(text).toMatch(
      /lobby: SINGLE_PIPELINE, RTMP_PUSH x1, .*latency standard ~15 s glass-to-glass \(up to 21 s\)/,
    );
  });

  test('the price table names its source and date', () => {
    expect(PRICES.source).toMatch(/^https:\/\//);
    expect(PRICES.compiled).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(typeof PRICES.verified).toBe('boolean');
  });
});
