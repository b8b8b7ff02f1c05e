/**
 * Wallet and breaker settings in currency units: the schema of the `config/walletSettings`
 * document (declared in muse/settings.ts) and the code's defaults, which apply until a finance
 * person stores the document (`PUT /v1/muse/settings/wallet`). Pure.
 */
import { z } from 'zod';
import { toMicros } from './core/money.js';
import type { BreakerPolicy } from './core/breaker-policy.js';
import { DEFAULT_PRICE_TABLE, type ModelPrice } from './core/pricing.js';

const money = z.number().finite().min(0).max(1_000_000_000);
/**
 * Per 1,000 tokens (text models: both numbers), per image (image models), per second of clip
 * (video models) or per minute of session (live voice models): exactly one kind, and a problem
 * names the missing or extra field.
 */
const price = z
  .strictObject({
    inputPer1k: money.optional(),
    outputPer1k: money.optional(),
    perImage: money.optional(),
    perSecond: money.optional(),
    perMinute: money.optional(),
  })
  .superRefine((p, ctx) => {
    const tokens = p.inputPer1k !== undefined || p.outputPer1k !== undefined;
    const kinds = [
      tokens,
      p.perImage !== undefined,
      p.perSecond !== undefined,
      p.perMinute !== undefined,
    ].filter(Boolean).length;
    if (kinds !== 1)
      ctx.addIssue({
        code: 'custom',
        message:
          'give inputPer1k and outputPer1k, or perImage, or perSecond, or perMinute (exactly one kind)',
      });
    else if (tokens)
      for (const k of ['inputPer1k', 'outputPer1k'] as const)
        if (p[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'Required' });
  })
  .transform((p) => p as ModelPrice);

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
