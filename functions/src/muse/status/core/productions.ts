/**
 * The `runs` list of the muse status document: the latest productions, newest first, one entry
 * per production, at most 10. (A production is carried by one engine run; the stored field names,
 * `runs` and `runId`, stay as the API shows them.) Pure.
 */
export const MAX_STATUS_PRODUCTIONS = 10;

export type ProductionState = 'queued' | 'running' | 'unfunded' | 'published' | 'rejected' | 'failed';

export interface StatusProduction {
  /** The engine run that carries the production. */
  runId: string;
  intentId: string;
  topic: string;
  /** The step the production is at (or ended on). */
  step: string;
  state: ProductionState;
  mode: 'free' | 'template';
  updatedAt: Date;
}

/** Replaces the production's entry (or adds it) and keeps the newest `max` entries. */
export function upsertProduction(
  list: readonly StatusProduction[],
  entry: StatusProduction,
  max = MAX_STATUS_PRODUCTIONS,
): StatusProduction[] {
  const others = list.filter((r) => r.runId !== entry.runId);
  return [entry, ...others].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).slice(0, max);
}

/** What an intent's status becomes as its production moves (shown in the status's `intents`). */
export const INTENT_STATUS_OF: Record<ProductionState, string> = {
  queued: 'producing',
  running: 'producing',
  unfunded: 'unfunded',
  published: 'published',
  rejected: 'failed',
  failed: 'failed',
};
