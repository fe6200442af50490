import type { EncoderSettings, InputResolution } from '@aws-sdk/client-medialive';
import { maxHeightForInputResolution } from './encoder-settings';

export interface EncoderCheckContext {
  /** Segment lengths (seconds) the GOP must divide, keyed by what produces them. */
  readonly segmentSeconds: Readonly<Record<string, number>>;
  /** Input resolution class of the channel. */
  readonly inputResolution: InputResolution;
  /** Destination ids the channel defines. */
  readonly destinationIds: readonly string[];
}

function duplicates(names: readonly (string | undefined)[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) {
    if (n === undefined) continue;
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return [...dup];
}

/**
 * Semantic checks MediaLive would otherwise report only at channel creation or start.
 * Returns one message per problem (empty when the settings are sound).
 */
export function checkEncoderSettings(settings: EncoderSettings, ctx: EncoderCheckContext): string[] {
  const problems: string[] = [];
  const videos = settings.VideoDescriptions ?? [];
  const audios = settings.AudioDescriptions ?? [];
  const groups = settings.OutputGroups ?? [];
  const videoNames = new Set(videos.map((v) => v.Name));
  const audioNames = new Set(audios.map((a) => a.Name));

  for (const d of duplicates(videos.map((v) => v.Name)))
    problems.push(`video description name "${d}" is not unique`);
  for (const d of duplicates(audios.map((a) => a.Name)))
    problems.push(`audio description name "${d}" is not unique`);
  for (const d of duplicates(groups.map((g) => g.Name)))
    problems.push(`output group name "${d}" is not unique`);
  const outputs = groups.flatMap((g) => g.Outputs ?? []);
  for (const d of duplicates(outputs.map((o) => o.OutputName)))
    problems.push(`output name "${d}" is not unique`);

  for (const g of groups) {
    for (const o of g.Outputs ?? []) {
      if (o.VideoDescriptionName !== undefined && !videoNames.has(o.VideoDescriptionName)) {
        problems.push(
          `output "${o.OutputName}" references video description "${o.VideoDescriptionName}", which does not exist`,
        );
      }
      for (const a of o.AudioDescriptionNames ?? []) {
        if (!audioNames.has(a))
          problems.push(`output "${o.OutputName}" references audio description "${a}", which does not exist`);
      }
    }
    const s = g.OutputGroupSettings;
    const ref =
      s?.MediaPackageGroupSettings?.Destination?.DestinationRefId ??
      s?.ArchiveGroupSettings?.Destination?.DestinationRefId ??
      s?.FrameCaptureGroupSettings?.Destination?.DestinationRefId;
    if (ref !== undefined && !ctx.destinationIds.includes(ref)) {
      problems.push(
        `output group "${g.Name}" sends to destination "${ref}", which the channel does not define`,
      );
    }
  }
  for (const v of videos) {
    if (!outputs.some((o) => o.VideoDescriptionName === v.Name))
      problems.push(`video description "${v.Name}" is not used by any output`);
  }

  const maxHeight = maxHeightForInputResolution(ctx.inputResolution);
  const rungs: { name: string; height: number; bitrate: number }[] = [];
  for (const v of videos) {
    const h264 = v.CodecSettings?.H264Settings;
    if (h264 === undefined) continue;
    const gop = h264.GopSize;
    if (gop !== undefined) {
      for (const [what, seconds] of Object.entries(ctx.segmentSeconds)) {
        const ratio = seconds / gop;
        if (Math.abs(ratio - Math.round(ratio)) > 1e-9 || ratio < 1) {
          problems.push(
            `video description "${v.Name}": GOP ${gop} s does not divide the ${what} segment length ${seconds} s`,
          );
        }
      }
    }
    if (v.Height !== undefined && v.Height > maxHeight) {
      problems.push(
        `video description "${v.Name}": ${v.Height} lines exceed the ${ctx.inputResolution} input class (at most ${maxHeight}); raise input.resolution or drop the rung`,
      );
    }
    rungs.push({ name: v.Name ?? '?', height: v.Height ?? 0, bitrate: h264.MaxBitrate ?? h264.Bitrate ?? 0 });
  }
  rungs.sort((a, b) => a.height - b.height);
  for (let i = 1; i < rungs.length; i++) {
    const lo = rungs[i - 1];
    const hi = rungs[i];
    if (lo !== undefined && hi !== undefined && hi.bitrate <= lo.bitrate) {
      problems.push(
        `bitrates must rise with resolution: "${hi.name}" (${hi.height} lines, ${hi.bitrate} bit/s) is not above "${lo.name}" (${lo.height} lines, ${lo.bitrate} bit/s)`,
      );
    }
  }
  return problems;
}
