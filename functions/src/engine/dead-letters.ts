/**
 * Poison messages: an envelope that fails validation, a step of a run that does not exist, an unknown
 * step type. They are recorded with the raw payload, the reason and the time, and acknowledged so
 * Pub/Sub does not redeliver them forever. A person can list them and replay one after a fix.
 */
import type { Container } from '../platform/container.js';
import { recordAudit } from '../platform/audit.js';
import { notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { DEAD_LETTERS } from './store.js';

export interface PoisonMessage {
  topic: string;
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  subscription?: string;
  /** When Pub/Sub accepted the message (RFC 3339). */
  publishTime?: string;
}

export interface DeadLetterDoc {
  id: string;
  topic: string;
  messageId: string;
  subscription: string | null;
  /** The message bytes, base64, exactly as received. */
  raw: string;
  /** The same bytes as text when they are valid UTF-8, for people reading the list. */
  text: string | null;
  attributes: Record<string, string>;
  reason: string;
  at: Date;
  status: 'open' | 'replayed';
  replays: Array<{ at: Date; by: string; messageId: string }>;
}

/** Records a dead letter; recording the same message again (a redelivery) changes nothing. */
export async function recordDeadLetter(app: Container, m: PoisonMessage, reason: string): Promise<string> {
  const id = `${m.topic}~${m.messageId}`.replace(/\//g, '_');
  const text = m.data.toString('utf8');
  const doc: DeadLetterDoc = {
    id,
    topic: m.topic,
    messageId: m.messageId,
    subscription: m.subscription ?? null,
    raw: m.data.toString('base64'),
    text: Buffer.from(text, 'utf8').equals(m.data) ? text : null,
    attributes: m.attributes,
    reason,
    at: app.clock.now(),
    status: 'open',
    replays: [],
  };
  try {
    await app.db.collection(DEAD_LETTERS).doc(id).create(doc);
    app.log.warn('dead letter recorded', { deadLetterId: id, topic: m.topic, reason });
  } catch (err) {
    if ((err as { code?: number }).code !== 6) throw err; // 6 = ALREADY_EXISTS: a redelivery
  }
  return id;
}

export async function listDeadLetters(
  app: Container,
  opts: { status?: 'open' | 'replayed'; limit?: number } = {},
) {
  let q = app.db
    .collection(DEAD_LETTERS)
    .orderBy('at', 'desc')
    .limit(opts.limit ?? 50);
  if (opts.status)
    q = app.db
      .collection(DEAD_LETTERS)
      .where('status', '==', opts.status)
      .orderBy('at', 'desc')
      .limit(opts.limit ?? 50);
  return (await q.get()).docs.map((d) => d.data() as DeadLetterDoc);
}

/** Publishes the raw payload again to its topic, with the original attributes. */
export async function replayDeadLetter(
  app: Container,
  id: string,
  actor: Actor,
): Promise<{ messageId: string }> {
  const ref = app.db.collection(DEAD_LETTERS).doc(id);
  const snap = await ref.get();
  if (!snap.exists) throw notFound(`dead letter "${id}" does not exist`);
  const dl = snap.data() as DeadLetterDoc;
  const messageId = await app.bus.publishRaw(dl.topic, Buffer.from(dl.raw, 'base64'), {
    ...dl.attributes,
    replayOf: id,
  });
  const at = app.clock.now();
  await ref.update({ status: 'replayed', replays: [...dl.replays, { at, by: actor.id, messageId }] });
  await recordAudit(
    app.db,
    {
      actor,
      action: 'deadletter.replay',
      target: `deadLetters/${id}`,
      outcome: 'ok',
      via: 'api',
      details: { messageId },
    },
    at,
  );
  return { messageId };
}
