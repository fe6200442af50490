/** Latency modes: segment and GOP lengths, manifest windows and the player hold-back model. */
export enum LatencyMode {
  STANDARD = 'standard',
  LOW = 'low',
}

export interface LatencyProfile {
  /** Packaged segment length (MediaPackage endpoints), seconds. */
  readonly segmentSeconds: number;
  /** Closed GOP length, seconds; must divide segmentSeconds so every segment starts on an IDR frame. */
  readonly gopSeconds: number;
  /** Live manifest window (HLS playlist / DASH timeShiftBufferDepth), seconds. */
  readonly manifestWindowSeconds: number;
  /** DASH minBufferTime, seconds. */
  readonly dashMinBufferSeconds: number;
  /** DASH suggestedPresentationDelay, seconds (mirrors the HLS hold-back). */
  readonly dashPresentationDelaySeconds: number;
  /** Encoder look-ahead: a shorter look-ahead trades a little quality for latency. */
  readonly lookAhead: 'LOW' | 'MEDIUM';
}

export const LATENCY_PROFILES: Readonly<Record<LatencyMode, LatencyProfile>> = {
  [LatencyMode.STANDARD]: {
    segmentSeconds: 4,
    gopSeconds: 2,
    manifestWindowSeconds: 60,
    dashMinBufferSeconds: 8,
    dashPresentationDelaySeconds: 12,
    lookAhead: 'MEDIUM',
  },
  [LatencyMode.LOW]: {
    segmentSeconds: 1,
    gopSeconds: 1,
    manifestWindowSeconds: 30,
    dashMinBufferSeconds: 2,
    dashPresentationDelaySeconds: 3,
    lookAhead: 'LOW',
  },
};

/**
 * Glass-to-glass latency model (seconds), documented in docs/media.md:
 *   contribution buffer (SRT inputs only: SRT holds every packet for its negotiated latency, at
 *   least the input's minimumLatencyMs; RTMP adds no fixed buffer)
 * + encoder delay (one GOP of buffering and look-ahead in MediaLive)
 * + player hold-back (hls.js default liveSyncDurationCount = 3 segments behind the live edge)
 * + packaging and CDN (MediaPackage publishes a segment once complete; CloudFront fetch ≈ 1 s).
 */
export const PLAYER_HOLDBACK_SEGMENTS = 3;
export const PACKAGING_AND_CDN_SECONDS = 1;
export const LATENCY_TARGET_SECONDS: Readonly<Record<LatencyMode, number>> = {
  [LatencyMode.STANDARD]: 15,
  [LatencyMode.LOW]: 6,
};

/** `srtLatencyMs`: an SRT input's minimumLatencyMs (0 for RTMP). */
export function expectedLatencySeconds(mode: LatencyMode, srtLatencyMs = 0): number {
  const p = LATENCY_PROFILES[mode];
  return (
    srtLatencyMs / 1000 +
    p.gopSeconds +
    PLAYER_HOLDBACK_SEGMENTS * p.segmentSeconds +
    PACKAGING_AND_CDN_SECONDS
  );
}

/**
 * The worst case the first-order model leaves out: the live edge ages by up to one segment
 * between publications, and a cached manifest can be stale by MediaPackage's max-age (half a
 * segment) or CloudFront's 1 s minimum TTL, whichever is longer.
 */
export function worstLatencySeconds(mode: LatencyMode, srtLatencyMs = 0): number {
  const p = LATENCY_PROFILES[mode];
  return expectedLatencySeconds(mode, srtLatencyMs) + p.segmentSeconds + Math.max(1, p.segmentSeconds / 2);
}
