/**
 * The wallet's settings document, `config/walletSettings` (declared in muse/settings.ts): the
 * reserve floor every reservation leaves, the breaker's panic line and burn limit, and the price
 * table the CFO gate estimates with. Until a finance person stores it, the code's defaults apply;
 * a stored one that does not parse makes every use case that needs it refuse, naming the field.
 */
import { readSettings, type SettingsRead } from '../../platform/settings.js';
import type { MuseDeps } from '../deps.js';
import { WALLET_SETTINGS } from '../settings.js';
import { withoutAudit, writeSettingsAudited, type SettingsChange } from '../settings-write.js';
import type { WalletSettings } from './policy.js';

export async function readWalletSettings(deps: Pick<MuseDeps, 'db'>): Promise<SettingsRead<WalletSettings>> {
  return readSettings(deps.db, WALLET_SETTINGS);
}

/** Replaces the wallet settings, audited with the values before and after. */
export async function putWalletSettings(
  deps: Pick<MuseDeps, 'db' | 'clock' | 'audit' | 'engine'>,
  change: SettingsChange & { settings: WalletSettings },
): Promise<void> {
  await writeSettingsAudited(
    deps,
    WALLET_SETTINGS,
    'muse.wallet-settings.update',
    change,
    change.settings,
    (before) => ({
      before: withoutAudit(before) ?? null,
      after: change.settings,
    }),
  );
}
