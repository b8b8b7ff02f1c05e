/**
 * What the production workflow is built with: its dependencies (the muse's, plus the wallet's
 * settings and settlement, which the gate and the ends use) and the critic's constants. The
 * reserve floor and the price table are not here: they are read from the wallet settings
 * document when a run reaches its gate, so a finance person changes them without a deploy.
 */
import { DEFAULT_DRIFT_THRESHOLD } from '../critic/core/drift.js';
import { DEFAULT_REJECTION_LIMIT } from '../critic/core/safe-mode.js';
import type { MuseDeps } from '../deps.js';
import type { WalletSettings } from '../wallet/policy.js';
import { DEFAULT_FRESHNESS_MS } from './bible-store.js';

export interface ProductionOptions {
  /** A generation passes when drift < this (0.02 = 2%). */
  driftThreshold: number;
  /** Consecutive rejections that enter safe mode. */
  rejectionLimit: number;
  bibleFreshnessMs: number;
}

export const PRODUCTION_OPTIONS: Readonly<ProductionOptions> = Object.freeze({
  driftThreshold: DEFAULT_DRIFT_THRESHOLD,
  rejectionLimit: DEFAULT_REJECTION_LIMIT,
  bibleFreshnessMs: DEFAULT_FRESHNESS_MS,
});

export interface ProductionDeps extends Pick<
  MuseDeps,
  'db' | 'model' | 'critic' | 'media' | 'engine' | 'incidents' | 'slack'
> {
  /** The wallet settings in force (refuses, naming the field, when the document does not parse). */
  walletSettings(): Promise<WalletSettings>;
  /** Settles a reservation with the actual cost (idempotent by key), then the breaker looks. */
  settle(p: { reservationKey: string; actual: number }): Promise<unknown>;
  options: ProductionOptions;
}

/** The ledger key of a production's reservation (letters, digits and _ . : ~ @ - only). */
export const reservationKey = (runId: string) => `reserve~${runId.replace(/[^A-Za-z0-9_.:@-]/g, '_')}`;
