/**
 * Wallet and breaker settings in currency units: the schema of the `config/walletSettings`
 * document (declared in muse/settings.ts) and the code's defaults, which apply until a finance
 * person stores the document (`PUT /v1/muse/settings/wallet`). Pure.
 */
import { z } from 'zod';
import { toMicros } from './core/money.js';
import type { BreakerPolicy } from './core/breaker-policy.js';
import { DEFAULT_PRICE_TABLE } from './core/pricing.js';

const money = z.number().finite().min(0).max(1_000_000_000);
/** Per 1,000 tokens (text models), per image (image models) or per second of clip (video models). */
const price = z.union([
  z.strictObject({ inputPer1k: money, outputPer1k: money }),
  z.strictObject({ perImage: money }),
  z.strictObject({ perSecond: money }),
]);

export const walletSettingsSchema = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO currency code'),
  /** Money every reservation must leave untouched. */
  reserveFloor: money,
  /** The breaker trips when the balance is under this. */
  panicLine: money,
  /** The breaker trips when the debits over the window, per hour, exceed this. */
  burnLimitPerHour: money,
  burnWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  /** Prices by model name (tokens, images or seconds); a model without a price fails closed. */
  priceTable: z.record(z.string().min(1).max(200), price),
});

export type WalletSettings = z.infer<typeof walletSettingsSchema>;

export const DEFAULT_WALLET_SETTINGS: Readonly<WalletSettings> = Object.freeze({
  currency: 'USD',
  reserveFloor: 5,
  panicLine: 2,
  burnLimitPerHour: 20,
  burnWindowMinutes: 60,
  priceTable: { ...DEFAULT_PRICE_TABLE },
});

/** The breaker policy in micros. */
export function breakerPolicy(s: WalletSettings): BreakerPolicy {
  return {
    panicLine: toMicros(s.panicLine, 'panicLine', { allowZero: true }),
    burnLimitPerHour: toMicros(s.burnLimitPerHour, 'burnLimitPerHour', { allowZero: true }),
    burnWindowMs: s.burnWindowMinutes * 60_000,
  };
}
