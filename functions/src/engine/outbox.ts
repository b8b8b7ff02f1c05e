/**
 * Publishing what committed transactions dispatched. An entry is deleted once Pub/Sub has it;
 * if publishing fails the entry stays and the sweep (a scheduler job) publishes it later. A
 * publish that happens twice is harmless: the step accepts only the message it is waiting for.
 */
import { outbox, type OutboxDoc } from './store.js';
import type { EnginePorts } from './deps.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function publishEntry(app: EnginePorts, e: OutboxDoc): Promise<void> {
  const attributes: Record<string, string> =
    'stepId' in e.data ? { runId: e.runId, stepId: e.data.stepId } : { runId: e.runId };
  await app.bus.publish(e.topic, e.data, attributes);
  await outbox(app.db).doc(e.id).delete();
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
  await Promise.all(order.map((e) => publishEntry(app, e)));
}

/** Publishes a run's entries that are due (used when a duplicate message finds its step already done). */
export async function flushRunOutbox(app: EnginePorts, runId: string): Promise<number> {
  const snap = await outbox(app.db).where('runId', '==', runId).get();
  const now = app.clock.now().getTime();
  const due = snap.docs.map((d) => d.data()).filter((e) => e.notBefore.getTime() <= now);
  await Promise.all(due.map((e) => publishEntry(app, e)));
  return due.length;
}

/** The sweep: publishes every entry that is due. Returns how many. */
export async function sweepOutbox(app: EnginePorts, limit = 500): Promise<number> {
  const snap = await outbox(app.db)
    .where('notBefore', '<=', app.clock.now())
    .orderBy('notBefore')
    .limit(limit)
    .get();
  await Promise.all(snap.docs.map((d) => publishEntry(app, d.data())));
  return snap.size;
}
