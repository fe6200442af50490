import type { OnAirConfig } from './config/schema';
import { estimateChannelCost } from './media/estimate';
import { ladderLabel } from './media/ladders';
import { expectedLatencySeconds, type LatencyMode, worstLatencySeconds } from './media/latency';
import { renderQuotaPreflight } from './quotas';

/**
 * The synth summary: what each channel is, what latency to expect, what an hour costs, and which
 * service quotas the config needs raised before the first deploy (`region`: the target Region,
 * when the environment names it).
 */
export function renderSummary(config: OnAirConfig, region?: string): string {
  const lines = [`OnAir stage "${config.stage}": ${config.channels.length} channel(s)`];
  let total = 0;
  for (const ch of config.channels) {
    const cost = estimateChannelCost(ch);
    total += cost.totalUsdPerHour;
    lines.push(
      `  ${ch.id}: ${ch.channelClass}, RTMP_PUSH x${ch.channelClass === 'STANDARD' ? 2 : 1}, ladder ${ladderLabel(ch.ladder)}, ` +
        `latency ${ch.latency} ~${expectedLatencySeconds(ch.latency as LatencyMode)} s glass-to-glass ` +
        `(up to ${worstLatencySeconds(ch.latency as LatencyMode)} s), ` +
        `~$${cost.totalUsdPerHour.toFixed(2)}/running hour${ch.archive ? ', archived' : ''}${ch.autoStart ? ', auto-start' : ''}`,
    );
  }
  lines.push(
    `  all channels running: ~$${total.toFixed(2)}/hour (MediaLive + MediaPackage ingest; CDN egress extra)`,
  );
  lines.push(...renderQuotaPreflight(config, region));
  return `${lines.join('\n')}\n`;
}
