/**
 * Publishing what committed transactions dispatched. An entry is deleted once Pub/Sub has it;
 * if publishing fails the entry stays and the sweep (a scheduler job) publishes it later. A
 * publish that happens twice is harmless: the step accepts only the message it is waiting for.
 *
 * Steps due together for the same step topic (a fan-out, the sweep releasing many wakes) travel
 * as one message of up to MAX_STEPS_PER_MESSAGE steps: one push, one read and one commit for all
 * of them (step-handler.ts). A step due alone keeps the single-step envelope, and so does every
 * step of an autonomous run (`alone`, commit.ts).
 */
import { MAX_STEPS_PER_MESSAGE } from './core/limits.js';
import { outbox, outboxDocRef, type OutboxDoc, type StepEnvelope } from './store.js';
import type { EnginePorts } from './deps.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function publishEntry(app: EnginePorts, e: OutboxDoc): Promise<void> {
  const attributes: Record<string, string> =
    'stepId' in e.data ? { runId: e.runId, stepId: e.data.stepId } : { runId: e.runId };
  await app.bus.publish(e.topic, e.data, attributes);
  await outbox(app.db).doc(e.id).delete();
}

type StepEntry = OutboxDoc & { data: StepEnvelope };
const isStepEntry = (e: OutboxDoc): e is StepEntry => 'stepId' in e.data;

/** Publishes steps due together on one topic as one batch message, then deletes their entries. */
async function publishStepBatch(app: EnginePorts, batch: StepEntry[]): Promise<void> {
  const steps = batch.map(({ data: { runId, stepId, attempt, wake } }) => ({ runId, stepId, attempt, wake }));
  await app.bus.publish(batch[0]!.topic, { v: 1, steps }, { steps: String(steps.length) });
  const deletes = app.db.batch();
  for (const e of batch) deletes.delete(outboxDocRef(app.db, e.id));
  await deletes.commit();
}

/** Publishes entries, grouping steps bound for the same topic (see the top of this file). */
async function publishEntries(app: EnginePorts, entries: OutboxDoc[]): Promise<void> {
  const byTopic = new Map<string, StepEntry[][]>();
  const alone: OutboxDoc[] = [];
  for (const e of entries) {
    if (!isStepEntry(e) || e.alone) {
      alone.push(e);
      continue;
    }
    const chunks = byTopic.get(e.topic) ?? [];
    const last = chunks.at(-1);
    if (last && last.length < MAX_STEPS_PER_MESSAGE) last.push(e);
    else chunks.push([e]);
    byTopic.set(e.topic, chunks);
  }
  const chunks = [...byTopic.values()].flat();
  await Promise.all([
    ...alone.map((e) => publishEntry(app, e)),
    ...chunks.map((c) => (c.length === 1 ? publishEntry(app, c[0]!) : publishStepBatch(app, c))),
  ]);
}

/**
 * Publishes entries due now; waits in-process for ones due within the inline window (short retry
 * backoffs), and leaves later ones to the sweep. Throws if a publish fails, so the message being
 * handled is redelivered and the flush tried again.
 */
export async function flushOutbox(app: EnginePorts, entries: OutboxDoc[]): Promise<void> {
  const now = app.clock.now().getTime();
  const inline = entries.filter((e) => e.notBefore.getTime() - now <= app.config.stepInlineDelayMaxMs);
  const order = [...inline].sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime());
  for (const e of order) {
    const wait = e.notBefore.getTime() - app.clock.now().getTime();
    if (wait > 0) await sleep(wait);
  }
  await publishEntries(app, order);
}

/** Publishes a run's entries that are due (used when a duplicate message finds its step already done). */
export async function flushRunOutbox(app: EnginePorts, runId: string): Promise<number> {
  const snap = await outbox(app.db).where('runId', '==', runId).get();
  const now = app.clock.now().getTime();
  const due = snap.docs.map((d) => d.data()).filter((e) => e.notBefore.getTime() <= now);
  await publishEntries(app, due);
  return due.length;
}

/**
 * The sweep: publishes every entry that is due, a page at a time (published entries are deleted,
 * so the next page is the next ones), up to `maxPages` pages a call. Returns how many.
 */
export async function sweepOutbox(app: EnginePorts, pageSize = 500, maxPages = 10): Promise<number> {
  let published = 0;
  for (let page = 0; page < maxPages; page++) {
    const snap = await outbox(app.db)
      .where('notBefore', '<=', app.clock.now())
      .orderBy('notBefore')
      .limit(pageSize)
      .get();
    await publishEntries(
      app,
      snap.docs.map((d) => d.data()),
    );
    published += snap.size;
    if (snap.size < pageSize) break;
  }
  return published;
}
