/**
 * The actual cost of a run, from the usage its model steps reported. Pure.
 * A usage whose model has no price cannot be costed; rather than guess low, the run is charged its
 * whole reservation for it (fail closed on the side of the wallet).
 */
import { estimateCost, type PriceTable } from '../../wallet/core/pricing.js';

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

export function actualCost(
  table: PriceTable,
  usages: UsageRecord[],
  reserved: number,
): { amount: number; usage: { inputTokens: number; outputTokens: number }; unpriced: string[] } {
  let amount = 0;
  const unpriced: string[] = [];
  for (const u of usages) {
    const e = estimateCost(table, u.model, u);
    if (e.ok) amount += e.amount;
    else unpriced.push(u.model);
  }
  if (unpriced.length) amount = Math.max(amount, reserved);
  return {
    amount: Math.round(amount * 1_000_000) / 1_000_000,
    usage: {
      inputTokens: usages.reduce((n, u) => n + u.inputTokens, 0),
      outputTokens: usages.reduce((n, u) => n + u.outputTokens, 0),
    },
    unpriced,
  };
}
