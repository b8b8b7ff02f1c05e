/**
 * Every runtime settings document of the product, one line per system. `/healthz` reads them all
 * in one round trip and reports any that does not parse, naming the field.
 */
import { MUSE_SETTINGS } from './muse/settings.js';
import type { SettingsSpec } from './platform/settings.js';

export const SETTINGS_CATALOG: ReadonlyArray<SettingsSpec<unknown>> = [
  ...MUSE_SETTINGS, // config/trendSources, config/trendSettings, config/walletSettings
];
