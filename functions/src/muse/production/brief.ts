/**
 * The muse's production for a brief (Level 4's `muse.produce` stage): the brief becomes an intent
 * of its own, outside the trend loop, and goes through the same production workflow (CFO gate,
 * narrative, visual, motion, critic, publish). The stage's output names the intent and the
 * production's run; the staged asset appears on the intent when that production publishes.
 */
import { invalidInput } from '../../shared/errors.js';
import type { MuseDeps } from '../deps.js';
import { createIntentInTx, findIntent, readIntentInTx } from '../intents/repo.js';
import { produceIntent } from './produce.js';

export interface BriefRequest {
  brief: string;
  runId: string;
  stageId: string;
  profile: string;
}

export async function produceBrief(
  deps: Pick<MuseDeps, 'db' | 'clock' | 'engine'>,
  req: BriefRequest,
): Promise<{ intentId: string; productionRunId: string; status: string }> {
  const topic = req.brief.trim().slice(0, 200);
  if (!topic) throw invalidInput('muse.produce needs a non-empty brief');
  const { db } = deps;
  // One intent per pipeline run and stage: a redelivered stage finds it and starts nothing twice.
  const intentId = `brief-${req.runId}-${req.stageId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120);
  await db.runTransaction(async (tx) => {
    if (await readIntentInTx(db, tx, intentId)) return;
    createIntentInTx(db, tx, {
      id: intentId,
      topic,
      normalizedTopic: topic
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
      vvs: null,
      status: 'new',
      createdAt: deps.clock.now(),
      tickId: null,
      sources: [`pipeline:${req.runId}/${req.stageId}`],
      profile: req.profile,
    });
  });
  const existing = await findIntent(db, intentId);
  if (existing?.runId) return { intentId, productionRunId: existing.runId, status: existing.status };
  const r = await produceIntent(deps, { intentId, actor: { kind: 'system', id: `pipeline:${req.runId}` } });
  return { intentId, productionRunId: r.runId, status: 'producing' };
}
