import type { OnAirConfig } from './config/schema';
import { estimateChannelCost } from './media/estimate';
import { ladderLabel } from './media/ladders';
import { expectedLatencySeconds, type LatencyMode, worstLatencySeconds } from './media/latency';

/** The synth summary: what each channel is, what latency to expect, what an hour costs. */
export function renderSummary(config: OnAirConfig): string {
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
  return `${lines.join('\n')}\n`;
}
