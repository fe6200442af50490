import {
  expectedLatencySeconds,
  LATENCY_PROFILES,
  type LatencyMode,
  PACKAGING_AND_CDN_SECONDS,
  PLAYER_HOLDBACK_SEGMENTS,
  worstLatencySeconds,
} from '../lib/media/latency';

/** The synth summary's latency model (lib/media/latency.ts), for a deployed channel. */
export interface LatencyModel {
  /** The latency mode whose GOP the channel has, if one does. */
  readonly mode?: LatencyMode;
  /** The synth summary's numbers for that mode. */
  readonly summary?: { readonly expected: number; readonly worst: number };
  /** The same model with the GOP and segment length actually served. */
  readonly served: {
    readonly expected: number;
    readonly worst: number;
    readonly gop: number;
    readonly segment: number;
  };
}

export function latencyModel(gopSeconds: number, servedSegmentSeconds: number): LatencyModel {
  const mode = (Object.keys(LATENCY_PROFILES) as LatencyMode[]).find(
    (m) => LATENCY_PROFILES[m].gopSeconds === gopSeconds,
  );
  const expected = gopSeconds + PLAYER_HOLDBACK_SEGMENTS * servedSegmentSeconds + PACKAGING_AND_CDN_SECONDS;
  const worst = expected + servedSegmentSeconds + Math.max(1, servedSegmentSeconds / 2);
  return {
    ...(mode
      ? { mode, summary: { expected: expectedLatencySeconds(mode), worst: worstLatencySeconds(mode) } }
      : {}),
    served: { expected, worst, gop: gopSeconds, segment: servedSegmentSeconds },
  };
}

/**
 * Glass-to-glass for a player that holds back {@link PLAYER_HOLDBACK_SEGMENTS} segments: the
 * measured live-edge delay plus the hold-back.
 */
export function glassToGlass(liveEdgeSeconds: number, segmentSeconds: number): number {
  return liveEdgeSeconds + PLAYER_HOLDBACK_SEGMENTS * segmentSeconds;
}

export { PLAYER_HOLDBACK_SEGMENTS };
