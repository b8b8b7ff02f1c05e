/**
 * Wallet and breaker settings in currency units, with defaults for local runs. Use cases take a
 * partial override; nothing here reads the environment (the composition root may pass values
 * parsed by loadConfig).
 */
import { toMicros } from './core/money.js';
import type { BreakerPolicy } from './core/breaker-policy.js';
import { DEFAULT_PRICE_TABLE, type PriceTable } from './core/pricing.js';

export interface WalletSettings {
  currency: string;
  /** Money every reservation must leave untouched. */
  reserveFloor: number;
  /** The breaker trips when the balance is under this. */
  panicLine: number;
  /** The breaker trips when the debits over the window, per hour, exceed this. */
  burnLimitPerHour: number;
  burnWindowMinutes: number;
  priceTable: PriceTable;
}

export const DEFAULT_WALLET_SETTINGS: Readonly<WalletSettings> = Object.freeze({
  currency: 'USD',
  reserveFloor: 5,
  panicLine: 2,
  burnLimitPerHour: 20,
  burnWindowMinutes: 60,
  priceTable: DEFAULT_PRICE_TABLE,
});

export function walletSettings(overrides: Partial<WalletSettings> = {}): WalletSettings {
  return { ...DEFAULT_WALLET_SETTINGS, ...overrides };
}

/** The breaker policy in micros. */
export function breakerPolicy(s: WalletSettings): BreakerPolicy {
  return {
    panicLine: toMicros(s.panicLine, 'panicLine', { allowZero: true }),
    burnLimitPerHour: toMicros(s.burnLimitPerHour, 'burnLimitPerHour', { allowZero: true }),
    burnWindowMs: s.burnWindowMinutes * 60_000,
  };
}
