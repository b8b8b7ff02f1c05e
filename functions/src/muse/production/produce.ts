/**
 * Starting production for an intent (HLP's entry point): used by the API, Slack, the trend loop and
 * Level 4 briefs.
 *
 * The production's run id is derived from the intent and its attempt, so concurrent or repeated
 * starts for the same intent converge on one run (startRun is idempotent by id). An intent that is
 * producing or published is refused; an unfunded or failed one may be produced again, as a new
 * attempt. The mode is pinned at start: in safe mode the production uses the strict template.
 */
import { conflict } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import { readSafeMode } from '../critic/repo.js';
import type { MuseDeps } from '../deps.js';
import { getIntent, recordProgress } from '../intents/repo.js';
import { readStatusInTx, recordProduction } from '../status/repo.js';
import { MUSE_PRODUCTION, type ProductionInput, type ProductionMode } from './core/plan.js';

export interface ProduceResult {
  runId: string;
  created: boolean;
  mode: ProductionMode;
}

/** The engine run id of an intent's production attempt. */
export const productionId = (intentId: string, attempt: number) =>
  `muse-${intentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100)}-${attempt}`;

export async function produceIntent(
  deps: Pick<MuseDeps, 'db' | 'clock' | 'engine'>,
  p: { intentId: string; actor: Actor },
): Promise<ProduceResult> {
  const { db } = deps;
  const intent = await getIntent(db, p.intentId);
  if (intent.status === 'published')
    throw conflict(`intent ${intent.id} is already published`, { runId: intent.runId });
  if (intent.status === 'producing')
    throw conflict(`intent ${intent.id} is already in production (run ${intent.runId})`, {
      runId: intent.runId,
    });
  // A retry of an unfunded or failed intent is a new attempt; otherwise the pending one.
  const attempts = intent.productionAttempts ?? 0;
  const retry = (intent.status === 'unfunded' || intent.status === 'failed') && intent.runId !== undefined;
  const attempt = attempts + (retry ? 1 : 0) || 1;
  const mode: ProductionMode = (await readSafeMode(db)).active ? 'template' : 'free';
  const runId = productionId(intent.id, attempt);
  const input: ProductionInput = { intentId: intent.id, topic: intent.topic, mode };
  const started = await deps.engine.startRun({ workflow: MUSE_PRODUCTION, input, actor: p.actor, runId });
  if (started.created) {
    await recordProgress(db, intent.id, { productionAttempts: attempt, runId });
    await recordQueued(deps, { runId, intentId: intent.id, topic: intent.topic, mode });
  }
  return { runId: started.runId, created: started.created, mode };
}

/**
 * Adds the production's "queued" entry to the status document unless it has one: a late "queued"
 * must never hide the progress its first step already reported.
 */
async function recordQueued(
  deps: Pick<MuseDeps, 'db' | 'clock'>,
  entry: { runId: string; intentId: string; topic: string; mode: ProductionMode },
): Promise<void> {
  const at = deps.clock.now();
  await deps.db.runTransaction(async (tx) => {
    const status = await readStatusInTx(deps.db, tx);
    if (status.productions.some((r) => r.runId === entry.runId)) return;
    recordProduction(deps.db, tx, status, { ...entry, step: 'gate', state: 'queued' }, at);
  });
}
