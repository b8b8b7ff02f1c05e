/**
 * Starting production for an intent (HLP's entry point): used by the API, Slack and the trend loop.
 *
 * The run id is derived from the intent and its production attempt, so concurrent or repeated
 * starts for the same intent converge on one run (startRun is idempotent by id). An intent that is
 * producing or published is refused; an unfunded or failed one may be produced again, as a new
 * attempt. The mode is pinned at start: in safe mode the run uses the strict template.
 */
import { engineOf } from '../../wiring/engine.js';
import type { Container } from '../../platform/container.js';
import { conflict } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import { getSafeMode } from '../critic/safe-mode-store.js';
import { recordRunStatus } from '../status/status.js';
import { MUSE_PRODUCTION, type ProductionMode } from './core/plan.js';
import { getIntent, intentsRef } from './intents.js';

export interface ProduceResult {
  runId: string;
  created: boolean;
  mode: ProductionMode;
}

export const productionRunId = (intentId: string, attempt: number) =>
  `muse-${intentId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100)}-${attempt}`;

export async function produceIntent(
  app: Container,
  p: { intentId: string; actor: Actor },
): Promise<ProduceResult> {
  const intent = await getIntent(app.db, p.intentId);
  if (intent.status === 'published')
    throw conflict(`intent ${intent.id} is already published`, { runId: intent.runId });
  if (intent.status === 'producing')
    throw conflict(`intent ${intent.id} is already in production (run ${intent.runId})`, {
      runId: intent.runId,
    });
  // A retry of an unfunded or failed intent is a new attempt; otherwise the pending one.
  const retry = (intent.status === 'unfunded' || intent.status === 'failed') && intent.runId !== undefined;
  const attempt = intent.productionAttempts + (retry ? 1 : 0) || 1;
  const mode: ProductionMode = (await getSafeMode(app)).active ? 'template' : 'free';
  const runId = productionRunId(intent.id, attempt);
  const started = await engineOf(app).startWorkflowRun({
    workflow: MUSE_PRODUCTION,
    input: { intentId: intent.id, topic: intent.topic, mode },
    actor: p.actor,
    runId,
  });
  if (started.created) {
    await intentsRef(app.db).doc(intent.id).set({ productionAttempts: attempt, runId }, { merge: true });
    await recordRunStatus(
      app,
      { runId, intentId: intent.id, topic: intent.topic, mode, step: 'gate', state: 'queued' },
      { ifAbsent: true },
    );
  }
  return { runId: started.runId, created: started.created, mode };
}
