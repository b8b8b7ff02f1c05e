/**
 * The wallet's settings document belongs to finance, and while it does not parse the CFO cannot
 * work: no production is funded (the gate fails closed, naming the field) and the breaker cannot
 * look at the wallet. That must reach a person, not only `/healthz`: whichever reader finds the
 * document broken opens a sev2 finance incident naming the field (once, by dedupe key), escalated
 * through Slack like any incident. It is resolved as recovered when the document parses again: at
 * once on a PUT of the settings, or at the next trend tick for a document fixed by other means.
 */
import { readSettings, settingsValue } from '../../platform/settings.js';
import type { MuseDeps } from '../deps.js';
import { WALLET_SETTINGS } from '../settings.js';
import type { WalletSettings } from './policy.js';

export const WALLET_SETTINGS_INCIDENT = 'wallet:settings-invalid';

type Deps = Pick<MuseDeps, 'db' | 'clock' | 'incidents' | 'slack'>;

/** The settings in force; when the stored document does not parse, raises the incident, then throws naming the field. */
export async function loadWalletSettings(deps: Deps): Promise<WalletSettings> {
  const read = await readSettings(deps.db, WALLET_SETTINGS);
  if (!read.ok) await raiseInvalid(deps, read.error);
  return settingsValue(read);
}

async function raiseInvalid(deps: Deps, error: string): Promise<void> {
  const now = deps.clock.now();
  const opened = await deps.db.runTransaction((tx) =>
    deps.incidents.openInTx(
      tx,
      {
        severity: 'sev2',
        source: 'wallet',
        team: 'finance',
        summary:
          `Wallet settings do not parse (${error.slice(0, 1200)}). Until they are fixed no production ` +
          'is funded and the CFO breaker cannot evaluate: PUT /v1/muse/settings/wallet with a corrected document.',
        ref: { type: 'settings', id: WALLET_SETTINGS.path },
        dedupeKey: WALLET_SETTINGS_INCIDENT,
        actor: { kind: 'system', id: 'cfo' },
      },
      now,
    ),
  );
  // The escalation starts after the incident commits (idempotent by incident; the sweep is the backstop).
  if (opened.created) await deps.incidents.escalate(opened.id);
}

/**
 * A moment to look (each trend tick): a broken document raises the incident, a whole one resolves
 * it. Whether the settings parse.
 */
export async function reviewWalletSettings(deps: Deps, who: string): Promise<boolean> {
  const read = await readSettings(deps.db, WALLET_SETTINGS);
  if (!read.ok) await raiseInvalid(deps, read.error);
  else await recoverWalletSettings(deps, `${WALLET_SETTINGS.path} parses again (read by ${who})`);
  return read.ok;
}

/** Resolves the incident, if one is open, as recovered (`text` says how). True when it did. */
export async function recoverWalletSettings(deps: Deps, text: string): Promise<boolean> {
  const now = deps.clock.now();
  const recovered = await deps.db.runTransaction(async (tx) => {
    const live = await deps.incidents.liveInTx(tx, { dedupeKey: WALLET_SETTINGS_INCIDENT });
    if (!live) return false;
    deps.incidents.recoverInTx(tx, live, { cause: 'wallet', text }, now);
    return true;
  });
  if (recovered) await deps.slack.kick(); // the incident's Slack messages are rewritten as resolved
  return recovered;
}
