import { IngestProtocol } from '../../lambda/shared/contract';
import type { ChannelConfig } from '../config/schema';
import { buildInputSpecification } from './encoder-settings';
import { resolveLadder } from './ladders';
import prices from './prices.json';

export type Klass = 'SINGLE_PIPELINE' | 'STANDARD';
export type Resolution = 'SD' | 'HD' | 'UHD';
export type BitrateClass = 'MAX_10_MBPS' | 'MAX_20_MBPS' | 'MAX_50_MBPS';
type FramerateClass = 'UP_TO_30' | 'ABOVE_30';

export interface PriceTable {
  readonly source: string;
  /** When the table was compiled. */
  readonly compiled: string;
  /** Whether the rates were checked against the live price list. */
  readonly verified: boolean;
  readonly region: string;
  readonly currency: string;
  readonly notes: readonly string[];
  readonly medialive: {
    /**
     * The input types the input rates apply to: MediaLive bills an input by its input
     * specification (codec, resolution, maximum bitrate), not by its protocol.
     */
    readonly inputRatesApplyTo: readonly string[];
    /** USD per input-hour. */
    readonly input: Record<Klass, Record<Resolution, Record<BitrateClass, number>>>;
    /** USD per AVC output-hour (video outputs). */
    readonly outputAvc: Record<
      Klass,
      Record<Resolution, Record<Exclude<BitrateClass, 'MAX_50_MBPS'>, Record<FramerateClass, number>>>
    >;
  };
  readonly mediapackage: { readonly ingestUsdPerGb: number; readonly originationUsdPerGb: number };
}

export const PRICES: PriceTable = prices as PriceTable;

export interface ChannelCost {
  /** The input type the input rate was looked up for. */
  readonly inputType: IngestProtocol;
  readonly inputUsdPerHour: number;
  readonly outputsUsdPerHour: number;
  readonly packagingIngestUsdPerHour: number;
  readonly totalUsdPerHour: number;
}

function outputResolution(height: number): Resolution {
  if (height < 720) return 'SD';
  if (height <= 1080) return 'HD';
  return 'UHD';
}

/** What a channel's running cost depends on: class, input type and class, frame rate and ladder. */
export interface CostSpec {
  readonly channelClass: Klass;
  /**
   * The input type (RTMP push or SRT listener).
   * @default - RTMP_PUSH
   */
  readonly inputType?: IngestProtocol;
  /** MediaLive input class (InputSpecification): SD, HD or UHD. */
  readonly inputResolution: Resolution;
  readonly inputMaximumBitrate: BitrateClass;
  readonly framerate: number;
  readonly renditions: readonly { readonly height: number; readonly maxBitrateKbps: number }[];
}

/**
 * Estimated USD per running hour of one channel: MediaLive input + one AVC output per rung
 * (the archive output reuses the top rung's encode) + MediaPackage ingest of every rung at
 * its QVBR ceiling (an upper bound; QVBR averages less). CDN egress depends on the audience
 * and is not included.
 */
export function estimateChannelCost(ch: ChannelConfig, table: PriceTable = PRICES): ChannelCost {
  const renditions = resolveLadder(ch.ladder);
  const spec = buildInputSpecification(renditions, {
    resolution: ch.input.resolution,
    maximumBitrate: ch.input.maximumBitrate,
  });
  return hourlyCost(
    {
      channelClass: ch.channelClass as Klass,
      inputType: ch.input.type,
      inputResolution: spec.Resolution as Resolution,
      inputMaximumBitrate: spec.MaximumBitrate as BitrateClass,
      framerate: ch.framerate,
      renditions,
    },
    table,
  );
}

/** {@link estimateChannelCost} from the deployed channel's parameters (what the control API reports). */
export function hourlyCost(spec: CostSpec, table: PriceTable = PRICES): ChannelCost {
  const klass = spec.channelClass;
  const inputType = spec.inputType ?? IngestProtocol.RTMP_PUSH;
  // MediaLive bills a running input by its input specification (MediaLive user guide, "Input
  // specifications": "For billing, MediaLive uses these fields"), the same for RTMP push and SRT
  // listener inputs; a table that does not say it covers the input type has no rate for it.
  if (!table.medialive.inputRatesApplyTo.includes(inputType))
    throw new Error(
      `the price table has no input rate for ${inputType} inputs (medialive.inputRatesApplyTo)`,
    );
  const input = table.medialive.input[klass][spec.inputResolution][spec.inputMaximumBitrate];
  const fr: FramerateClass = spec.framerate > 30 ? 'ABOVE_30' : 'UP_TO_30';
  let outputs = 0;
  for (const r of spec.renditions) {
    const bitrate = r.maxBitrateKbps <= 10000 ? 'MAX_10_MBPS' : 'MAX_20_MBPS';
    outputs += table.medialive.outputAvc[klass][outputResolution(r.height)][bitrate][fr];
  }
  const audioKbps = 128;
  const kbps = spec.renditions.reduce((sum, r) => sum + r.maxBitrateKbps + audioKbps, 0);
  const pipelines = klass === 'STANDARD' ? 2 : 1;
  const gbPerHour = ((kbps * 1000 * 3600) / 8 / 1e9) * pipelines;
  const packaging = gbPerHour * table.mediapackage.ingestUsdPerGb;
  return {
    inputType,
    inputUsdPerHour: input,
    outputsUsdPerHour: outputs,
    packagingIngestUsdPerHour: packaging,
    totalUsdPerHour: input + outputs + packaging,
  };
}

/** MediaLive bills a running channel per minute with a 10-minute minimum. */
export const MEDIALIVE_MINIMUM_MINUTES = 10;

/**
 * What running a channel for `minutes` cost: MediaLive (input + outputs, per started minute, at
 * least `minimumMinutes`) and MediaPackage ingest (per minute of running). A share of a run that
 * started earlier passes `minimumMinutes` 0 (the start paid the minimum).
 */
export function runCost(
  hourly: ChannelCost,
  minutes: number,
  minimumMinutes = MEDIALIVE_MINIMUM_MINUTES,
): { medialiveUsd: number; mediapackageUsd: number; totalUsd: number; billedMinutes: number } {
  const billedMinutes = Math.max(minimumMinutes, Math.ceil(minutes));
  const medialiveUsd = ((hourly.inputUsdPerHour + hourly.outputsUsdPerHour) * billedMinutes) / 60;
  const mediapackageUsd = (hourly.packagingIngestUsdPerHour * Math.ceil(minutes)) / 60;
  return { medialiveUsd, mediapackageUsd, totalUsd: medialiveUsd + mediapackageUsd, billedMinutes };
}
