/** Packaging formats viewers play, one MediaPackage origin endpoint each. */
export type Format = 'hls' | 'dash' | 'cmaf';

/**
 * Id of the CMAF endpoint's HLS manifest. MediaPackage v1 serves a CMAF endpoint's manifest
 * below `/out/v1/<endpoint id>/<manifest id>/`, so the id is part of the viewer path too (the
 * manifest's relative references then resolve the same way at the edge as at the origin).
 */
export const CMAF_HLS_MANIFEST_ID = 'hls';

/**
 * Manifest file below the endpoint's `/out/v1/<endpoint path id>/` (MediaPackage v1's own path,
 * which is also the viewer path). Shared by the CDK app and the functions.
 */
export const MANIFEST_FILES: Readonly<Record<Format, string>> = {
  hls: 'index.m3u8',
  dash: 'index.mpd',
  cmaf: `${CMAF_HLS_MANIFEST_ID}/index.m3u8`,
};

/**
 * Id of a MediaPackage v1 origin endpoint: `<MediaPackage channel id>-<format>`. Chosen by the
 * CDK app (lib/constructs/channel/packaging.ts), so functions derive it from the registry's channel id.
 */
export function originEndpointId(mediapackageChannelId: string, format: Format): string {
  return `${mediapackageChannelId}-${format}`;
}
