/**
 * Cost estimates from a model price table. Fails closed: a model without a price, or a price or
 * usage that is not a non-negative number, yields `{ ok: false, reason }` and the caller must not
 * produce (the intent is parked with that reason). Nothing here guesses a price.
 */

/** Price per 1,000 tokens, in wallet currency units. */
export interface TokenPrice {
  inputPer1k: number;
  outputPer1k: number;
}

/** Price of an image model, per image delivered (withheld images are not billed). */
export interface ImagePrice {
  perImage: number;
}

/** Price of a video model, per second of clip. */
export interface VideoPrice {
  perSecond: number;
}

/** Price of a live (voice) model, per minute of session. */
export interface LivePrice {
  perMinute: number;
}

export type ModelPrice = TokenPrice | ImagePrice | VideoPrice | LivePrice;

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
  // Media: Imagen per image, Veo per second (list prices, no audio); the local storyboard and
  // animatic cost nothing but are listed, so a model missing here still fails closed.
  'imagen-4.0-generate-001': { perImage: 0.04 },
  'veo-3.0-generate-001': { perSecond: 0.4 },
  'local-storyboard': { perImage: 0 },
  'local-animatic': { perSecond: 0 },
  // Voice (the Live API), per minute of session: audio in and out for a whole minute is about
  // 0.024 USD (an estimate from the per-token audio prices, not a list price). The local live
  // model is priced the same so the ledger moves locally as it does in production.
  'gemini-live-2.5-flash': { perMinute: 0.024 },
  'local-live-1': { perMinute: 0.024 },
});

const nonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** Estimated cost of one call (or a whole production) from expected token usage. */
export function estimateCost(
  priceTable: PriceTable,
  model: string,
  expectedUsage: ExpectedUsage,
): CostEstimate {
  const price = priceOf(priceTable, model);
  if (!price) return { ok: false, reason: `no price for model "${model}" in the price table` };
  if (!('inputPer1k' in price))
    return { ok: false, reason: `model "${model}" is not priced per token in the price table` };
  if (!nonNegative(price.inputPer1k) || !nonNegative(price.outputPer1k))
    return { ok: false, reason: `the price of model "${model}" is not a non-negative number` };
  if (!nonNegative(expectedUsage.inputTokens) || !nonNegative(expectedUsage.outputTokens))
    return { ok: false, reason: 'expected token usage must be non-negative numbers' };
  const raw =
    (expectedUsage.inputTokens / 1000) * price.inputPer1k +
    (expectedUsage.outputTokens / 1000) * price.outputPer1k;
  return { ok: true, model, amount: roundUp(raw) };
}

// Rounded up to the micro so an estimate never under-reserves by a rounding error.
const roundUp = (raw: number) => Math.ceil(raw * 1_000_000 - 1e-6) / 1_000_000;

const priceOf = (table: PriceTable, model: string): ModelPrice | undefined =>
  Object.prototype.hasOwnProperty.call(table, model) ? table[model] : undefined;

/**
 * Cost of media: `images` from an image model, `seconds` of clip from a video model, or `minutes`
 * of a live (voice) session.
 */
export function estimateMediaCost(
  priceTable: PriceTable,
  model: string,
  usage: { images: number } | { seconds: number } | { minutes: number },
): CostEstimate {
  const price = priceOf(priceTable, model);
  if (!price) return { ok: false, reason: `no price for model "${model}" in the price table` };
  const [unit, count] =
    'images' in usage
      ? (['perImage', usage.images] as const)
      : 'seconds' in usage
        ? (['perSecond', usage.seconds] as const)
        : (['perMinute', usage.minutes] as const);
  const per = (price as Partial<ImagePrice & VideoPrice & LivePrice>)[unit];
  if (per === undefined)
    return { ok: false, reason: `model "${model}" has no ${unit} price in the price table` };
  if (!nonNegative(per))
    return { ok: false, reason: `the price of model "${model}" is not a non-negative number` };
  if (!nonNegative(count)) return { ok: false, reason: 'expected media usage must be non-negative numbers' };
  return { ok: true, model, amount: roundUp(per * count) };
}
