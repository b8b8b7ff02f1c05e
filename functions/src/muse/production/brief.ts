/**
 * The muse's production for a brief (Level 4's `muse.produce` stage): the brief becomes an intent
 * of its own, outside the trend loop, and goes through the same production workflow (CFO gate,
 * narrative, visual, motion, critic, publish). The stage's output names the intent and the
 * production run; the staged asset appears on the intent when that run publishes.
 */
import type { Container } from '../../platform/container.js';
import { invalidInput } from '../../shared/errors.js';
import { intentsRef } from './intents.js';
import { produceIntent } from './produce.js';

export async function produceBrief(
  app: Container,
  req: { brief: string; runId: string; stageId: string; profile: string },
): Promise<{ intentId: string; productionRunId: string; status: string }> {
  const topic = req.brief.trim().slice(0, 200);
  if (!topic) throw invalidInput('muse.produce needs a non-empty brief');
  // One intent per pipeline run and stage: a redelivered stage finds it and starts nothing twice.
  const intentId = `brief-${req.runId}-${req.stageId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120);
  const ref = intentsRef(app.db).doc(intentId);
  await app.db.runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) return;
    tx.create(ref, {
      id: intentId,
      topic,
      normalizedTopic: topic
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
      vvs: null,
      status: 'new',
      createdAt: app.clock.now(),
      tickId: null,
      sources: [`pipeline:${req.runId}/${req.stageId}`],
      profile: req.profile,
    });
  });
  const existing = (await ref.get()).data();
  if (existing?.runId)
    return { intentId, productionRunId: String(existing.runId), status: String(existing.status) };
  const r = await produceIntent(app, { intentId, actor: { kind: 'system', id: `pipeline:${req.runId}` } });
  return { intentId, productionRunId: r.runId, status: 'producing' };
}
