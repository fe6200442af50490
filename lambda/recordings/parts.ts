import { HARVEST_LAG_SECONDS } from '../shared/contract';

/** One harvested piece of a session: [start, end), at most one part length. */
export interface PartRange {
  /** 1-based, in session order. */
  readonly index: number;
  readonly start: string;
  readonly end: string;
}

/** `p01`, `p02`, …: a part's key in the record (sorts in session order up to 999 parts). */
export function partKey(index: number): string {
  return `p${String(index).padStart(2, '0')}`;
}

/**
 * The parts of a session that can be harvested now. While the session is live (`sessionEnd`
 * undefined) only whole parts that ended at least {@link HARVEST_LAG_SECONDS} before `now`; once
 * it has ended, every part up to the end, the last one shorter. Parts are fixed by the session
 * start and the part length alone, so every sweep and every retry computes the same ones.
 */
export function partsDue(
  sessionStart: string,
  partSeconds: number,
  now: Date,
  sessionEnd?: string,
): PartRange[] {
  if (!(partSeconds > 0)) throw new Error(`part length must be positive, got ${partSeconds}`);
  const start = Date.parse(sessionStart);
  const partMs = partSeconds * 1000;
  const parts: PartRange[] = [];
  if (sessionEnd === undefined) {
    const upTo = now.getTime() - HARVEST_LAG_SECONDS * 1000;
    for (let i = 0; start + (i + 1) * partMs <= upTo; i++)
      parts.push(range(start, partMs, i, start + (i + 1) * partMs));
    return parts;
  }
  const end = Date.parse(sessionEnd);
  for (let i = 0; start + i * partMs < end; i++)
    parts.push(range(start, partMs, i, Math.min(end, start + (i + 1) * partMs)));
  return parts;
}

function range(start: number, partMs: number, i: number, end: number): PartRange {
  return {
    index: i + 1,
    start: new Date(start + i * partMs).toISOString(),
    end: new Date(end).toISOString(),
  };
}
