/**
 * Cost estimates from a model price table. Fails closed: a model without a price, or a price or
 * usage that is not a non-negative number, yields `{ ok: false, reason }` and the caller must not
 * produce (the intent is parked with that reason). Nothing here guesses a price.
 */

/** Price per 1,000 tokens, in wallet currency units. */
export interface ModelPrice {
  inputPer1k: number;
  outputPer1k: number;
}

/** Prices keyed by model name, e.g. `gemini-2.5-flash`. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export interface ExpectedUsage {
  inputTokens: number;
  outputTokens: number;
}

export type CostEstimate = { ok: true; model: string; amount: number } | { ok: false; reason: string };

/**
 * Default prices (USD per 1k tokens) for the models the product uses. The local model is free of
 * charge but still priced so that the ledger is exercised the same way locally as in production.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = Object.freeze({
  'gemini-2.5-flash': { inputPer1k: 0.0003, outputPer1k: 0.0025 },
  'gemini-2.5-pro': { inputPer1k: 0.00125, outputPer1k: 0.01 },
  'local-muse-1': { inputPer1k: 0.0003, outputPer1k: 0.0025 },
});

const nonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** Estimated cost of one call (or a whole production) from expected token usage. */
export function estimateCost(
  priceTable: PriceTable,
  model: string,
  expectedUsage: ExpectedUsage,
): CostEstimate {
  const price = Object.prototype.hasOwnProperty.call(priceTable, model) ? priceTable[model] : undefined;
  if (!price) return { ok: false, reason: `no price for model "${model}" in the price table` };
  if (!nonNegative(price.inputPer1k) || !nonNegative(price.outputPer1k))
    return { ok: false, reason: `the price of model "${model}" is not a non-negative number` };
  if (!nonNegative(expectedUsage.inputTokens) || !nonNegative(expectedUsage.outputTokens))
    return { ok: false, reason: 'expected token usage must be non-negative numbers' };
  const raw =
    (expectedUsage.inputTokens / 1000) * price.inputPer1k +
    (expectedUsage.outputTokens / 1000) * price.outputPer1k;
  // Rounded up to the micro so an estimate never under-reserves by a rounding error.
  return { ok: true, model, amount: Math.ceil(raw * 1_000_000 - 1e-6) / 1_000_000 };
}
