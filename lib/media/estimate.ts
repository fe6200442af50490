import type { ChannelConfig } from '../config/schema';
import { buildInputSpecification } from './encoder-settings';
import { resolveLadder } from './ladders';
import prices from './prices.json';

type Klass = 'SINGLE_PIPELINE' | 'STANDARD';
type Resolution = 'SD' | 'HD' | 'UHD';
type BitrateClass = 'MAX_10_MBPS' | 'MAX_20_MBPS' | 'MAX_50_MBPS';
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

/**
 * Estimated USD per running hour of one channel: MediaLive input + one AVC output per rung
 * (the archive output reuses the top rung's encode) + MediaPackage ingest of every rung at
 * its QVBR ceiling (an upper bound; QVBR averages less). CDN egress depends on the audience
 * and is not included.
 */
export function estimateChannelCost(ch: ChannelConfig, table: PriceTable = PRICES): ChannelCost {
  const klass = ch.channelClass as Klass;
  const renditions = resolveLadder(ch.ladder);
  const spec = buildInputSpecification(renditions, {
    resolution: ch.input.resolution,
    maximumBitrate: ch.input.maximumBitrate,
  });
  const input =
    table.medialive.input[klass][spec.Resolution as Resolution][spec.MaximumBitrate as BitrateClass];
  const fr: FramerateClass = ch.framerate > 30 ? 'ABOVE_30' : 'UP_TO_30';
  let outputs = 0;
  for (const r of renditions) {
    const bitrate = r.maxBitrateKbps <= 10000 ? 'MAX_10_MBPS' : 'MAX_20_MBPS';
    outputs += table.medialive.outputAvc[klass][outputResolution(r.height)][bitrate][fr];
  }
  const audioKbps = 128;
  const kbps = renditions.reduce((sum, r) => sum + r.maxBitrateKbps + audioKbps, 0);
  const pipelines = klass === 'STANDARD' ? 2 : 1;
  const gbPerHour = ((kbps * 1000 * 3600) / 8 / 1e9) * pipelines;
  const packaging = gbPerHour * table.mediapackage.ingestUsdPerGb;
  return {
    inputUsdPerHour: input,
    outputsUsdPerHour: outputs,
    packagingIngestUsdPerHour: packaging,
    totalUsdPerHour: input + outputs + packaging,
  };
}
