/**
 * The actual cost of a run, from the usage its model steps reported. Pure.
 * A usage whose model has no price cannot be costed; rather than guess low, the run is charged its
 * whole reservation for it (fail closed on the side of the wallet).
 */
import { estimateCost, estimateMediaCost, type PriceTable } from '../../wallet/core/pricing.js';

export interface UsageRecord {
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/** Every `usage` found in the run's step outputs. */
export function usagesOf(outputs: Record<string, unknown>): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (const v of Object.values(outputs)) {
    const u = (v as { usage?: Partial<UsageRecord> } | null)?.usage;
    if (
      u &&
      typeof u.model === 'string' &&
      typeof u.inputTokens === 'number' &&
      typeof u.outputTokens === 'number'
    )
      out.push({ model: u.model, inputTokens: u.inputTokens, outputTokens: u.outputTokens });
  }
  return out;
}

/** What a media step billed: images delivered (withheld ones are not billed) or seconds of clip. */
export type MediaUsageRecord = { model: string; images: number } | { model: string; seconds: number };

/** Every `mediaUsage` found in the run's step outputs. */
export function mediaUsagesOf(outputs: Record<string, unknown>): MediaUsageRecord[] {
  const out: MediaUsageRecord[] = [];
  for (const v of Object.values(outputs)) {
    const u = (v as { mediaUsage?: { model?: unknown; images?: unknown; seconds?: unknown } } | null)
      ?.mediaUsage;
    if (!u || typeof u.model !== 'string') continue;
    if (typeof u.images === 'number') out.push({ model: u.model, images: u.images });
    else if (typeof u.seconds === 'number') out.push({ model: u.model, seconds: u.seconds });
  }
  return out;
}

export function actualCost(
  table: PriceTable,
  usages: UsageRecord[],
  reserved: number,
  media: MediaUsageRecord[] = [],
): {
  amount: number;
  usage: { inputTokens: number; outputTokens: number; images: number; videoSeconds: number };
  unpriced: string[];
} {
  let amount = 0;
  const unpriced: string[] = [];
  for (const u of usages) {
    const e = estimateCost(table, u.model, u);
    if (e.ok) amount += e.amount;
    else unpriced.push(u.model);
  }
  for (const m of media) {
    const e = estimateMediaCost(table, m.model, m);
    if (e.ok) amount += e.amount;
    else unpriced.push(m.model);
  }
  if (unpriced.length) amount = Math.max(amount, reserved);
  return {
    amount: Math.round(amount * 1_000_000) / 1_000_000,
    usage: {
      inputTokens: usages.reduce((n, u) => n + u.inputTokens, 0),
      outputTokens: usages.reduce((n, u) => n + u.outputTokens, 0),
      images: media.reduce((n, m) => n + ('images' in m ? m.images : 0), 0),
      videoSeconds: media.reduce((n, m) => n + ('seconds' in m ? m.seconds : 0), 0),
    },
    unpriced,
  };
}
