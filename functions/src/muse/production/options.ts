/**
 * What the production workflow is configured with. The composition root builds this once (prices
 * and floor from the wallet settings, the threshold and limit from configuration) and hands it to
 * `museProductionWorkflow`; nothing here reads the environment.
 */
import type { Container } from '../../platform/container.js';
import type { ModelPort } from '../../model/port.js';
import type { PriceTable } from '../wallet/core/pricing.js';
import { DEFAULT_DRIFT_THRESHOLD } from '../critic/core/drift.js';
import { DEFAULT_REJECTION_LIMIT } from '../critic/core/safe-mode.js';
import { DEFAULT_FRESHNESS_MS } from './bible-store.js';

export interface ProductionOptions {
  priceTable: PriceTable;
  /** Money every reservation must leave in the wallet. */
  reserveFloor: number;
  /** A generation passes when drift < this (0.02 = 2%). */
  driftThreshold: number;
  /** Consecutive rejections that enter safe mode. */
  rejectionLimit: number;
  /** `local`: the deterministic drift rules; `model`: the model answers through a response schema. */
  critic: 'local' | 'model';
  bibleFreshnessMs: number;
  /** The model; defaults to the container's. */
  model?: ModelPort;
}

export function productionOptions(
  o: Pick<ProductionOptions, 'priceTable' | 'reserveFloor'> & Partial<ProductionOptions>,
): ProductionOptions {
  return {
    driftThreshold: DEFAULT_DRIFT_THRESHOLD,
    rejectionLimit: DEFAULT_REJECTION_LIMIT,
    critic: 'local',
    bibleFreshnessMs: DEFAULT_FRESHNESS_MS,
    ...o,
  };
}

/** The model a step calls: the option when given, else the container's. */
export function modelOf(app: Container, o: ProductionOptions): ModelPort {
  return o.model ?? app.model;
}

/** The ledger key of a run's reservation (letters, digits and _ . : ~ @ - only). */
export const reservationKey = (runId: string) => `reserve~${runId.replace(/[^A-Za-z0-9_.:@-]/g, '_')}`;
