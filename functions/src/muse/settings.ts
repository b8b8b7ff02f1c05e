/**
 * The muse's runtime settings documents, each declared once with its schema and code defaults:
 * the trend sources, the trend tick's settings, and the wallet's (reserve floor, breaker lines,
 * price table). Read through platform/settings.ts: a document never written means these
 * defaults; a stored one that does not parse is an error naming the field, never the defaults.
 */
import { z } from 'zod';
import type { SettingsSpec } from '../platform/settings.js';
import {
  DEFAULT_SOURCES,
  DEFAULT_TICK_SETTINGS,
  sourcesSchema,
  tickSettingsSchema,
  type SourceSetting,
  type TickSettings,
} from './trends/core/settings.js';
import { DEFAULT_WALLET_SETTINGS, walletSettingsSchema, type WalletSettings } from './wallet/policy.js';

/** `config/trendSources`: `{ sources: [...] }`. */
export const TREND_SOURCES: SettingsSpec<{ sources: SourceSetting[] }> = {
  path: 'config/trendSources',
  schema: z.object({ sources: sourcesSchema }),
  defaults: { sources: DEFAULT_SOURCES.map((s) => ({ ...s })) },
};

/** `config/trendSettings`: threshold, de-dupe window, lease, production cap, VVS. */
export const TREND_SETTINGS: SettingsSpec<TickSettings> = {
  path: 'config/trendSettings',
  schema: tickSettingsSchema,
  defaults: { ...DEFAULT_TICK_SETTINGS },
};

/** `config/walletSettings`: the reserve floor, the breaker's lines, the price table. */
export const WALLET_SETTINGS: SettingsSpec<WalletSettings> = {
  path: 'config/walletSettings',
  schema: walletSettingsSchema,
  defaults: DEFAULT_WALLET_SETTINGS,
};

export const MUSE_SETTINGS: ReadonlyArray<SettingsSpec<unknown>> = [
  TREND_SOURCES,
  TREND_SETTINGS,
  WALLET_SETTINGS,
] as ReadonlyArray<SettingsSpec<unknown>>;
