import { type OnAirConfig, srtSettingsOf } from './config/schema';
import { estimateChannelCost } from './media/estimate';
import { ladderLabel } from './media/ladders';
import { expectedLatencySeconds, type LatencyMode, worstLatencySeconds } from './media/latency';
import { renderQuotaPreflight } from './quotas';

/** Seconds as the summary prints them: whole, or to a tenth when an SRT latency makes them fractional. */
function seconds(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

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
    const srt = srtSettingsOf(ch.input);
    const input = srt ? `${cost.inputType} (${srt.encryption}, ${srt.minimumLatencyMs} ms)` : cost.inputType;
    const mode = ch.latency as LatencyMode;
    const srtMs = srt?.minimumLatencyMs ?? 0;
    lines.push(
      `  ${ch.id}: ${ch.channelClass}, ${input} x${ch.channelClass === 'STANDARD' ? 2 : 1}, ladder ${ladderLabel(ch.ladder)}, ` +
        `latency ${ch.latency} ~${seconds(expectedLatencySeconds(mode, srtMs))} s glass-to-glass ` +
        `(up to ${seconds(worstLatencySeconds(mode, srtMs))} s), ` +
        `~$${cost.totalUsdPerHour.toFixed(2)}/running hour${ch.archive ? ', archived' : ''}${ch.autoStart ? ', auto-start' : ''}`,
    );
  }
  lines.push(
    `  all channels running: ~$${total.toFixed(2)}/hour (MediaLive + MediaPackage ingest; CDN egress extra)`,
  );
  lines.push(...renderQuotaPreflight(config, region));
  return `${lines.join('\n')}\n`;
}
