import type { LadderPreset, RenditionConfig } from '../config/schema';

/** One rung of an ABR ladder (QVBR, so the bitrate is a ceiling, not a target). */
export interface Rendition {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly maxBitrateKbps: number;
  readonly qvbrQuality: number;
}

const R = (
  name: string,
  width: number,
  height: number,
  maxBitrateKbps: number,
  qvbrQuality: number,
): Rendition => ({
  name,
  width,
  height,
  maxBitrateKbps,
  qvbrQuality,
});

/**
 * Preset ladders, highest rung first. Ceilings follow common 16:9 OTT ladders; QVBR spends
 * less than the ceiling on easy content, which is where its saving over CBR comes from.
 */
export const LADDER_PRESETS: Readonly<Record<LadderPreset, readonly Rendition[]>> = {
  '1080p': [
    R('1080p', 1920, 1080, 5000, 8),
    R('720p', 1280, 720, 3000, 7),
    R('540p', 960, 540, 1800, 7),
    R('432p', 768, 432, 1100, 6),
    R('360p', 640, 360, 700, 6),
    R('288p', 512, 288, 400, 6),
  ],
  '720p': [
    R('720p', 1280, 720, 3000, 7),
    R('540p', 960, 540, 1800, 7),
    R('360p', 640, 360, 700, 6),
    R('288p', 512, 288, 400, 6),
  ],
  '540p': [R('540p', 960, 540, 1800, 7), R('360p', 640, 360, 700, 6), R('288p', 512, 288, 400, 6)],
};

/** Resolves a channel's ladder setting to concrete renditions, highest first. */
export function resolveLadder(ladder: LadderPreset | readonly RenditionConfig[]): Rendition[] {
  if (typeof ladder === 'string') return [...LADDER_PRESETS[ladder]];
  return ladder
    .map((r) => R(r.name, r.width, r.height, r.maxBitrateKbps, r.qvbrQuality ?? defaultQuality(r.height)))
    .sort((a, b) => b.height - a.height);
}

function defaultQuality(height: number): number {
  if (height >= 1080) return 8;
  if (height >= 540) return 7;
  return 6;
}

/** Human label for summaries: "720p (4 rungs)" or "custom (2 rungs)". */
export function ladderLabel(ladder: LadderPreset | readonly RenditionConfig[]): string {
  const n = resolveLadder(ladder).length;
  return `${typeof ladder === 'string' ? ladder : 'custom'} (${n} rung${n === 1 ? '' : 's'})`;
}
