/**
 * Dead letters: an envelope that fails validation, a step of a run that does not exist, an unknown
 * step type. They are recorded with the raw payload, the reason and the time, and acknowledged so
 * Pub/Sub does not redeliver them forever. A person can list them and replay one after a fix.
 */
import { createHash } from 'node:crypto';
import { DEAD_LETTER_TOPIC, STEP_TOPICS, TOPICS } from '../platform/catalog.js';
import { recordAudit } from '../platform/audit.js';
import { conflict, notFound } from '../shared/errors.js';
import type { PushMessage } from '../platform/bus.js';
import type { Actor } from '../shared/ports.js';
import { MAX_DEAD_LETTER_RAW_BYTES } from './core/limits.js';
import { acceptsMessage } from './core/run-state.js';
import { deadLetters, workflowRunRef, type DeadLetterDoc } from './store.js';
import type { EngineDeps, EnginePorts } from './deps.js';

export type { DeadLetterDoc } from './store.js';

/**
 * Records a dead letter; recording the same message again (a redelivery) changes nothing. Every
 * field is bounded so the record always fits a Firestore document: whatever arrived, this write
 * can succeed, so a message too large to keep whole is never retried without end.
 */
export async function recordDeadLetter(deps: EnginePorts, m: PushMessage, reason: string): Promise<string> {
  const id = deadLetterId(m.topic, m.messageId);
  const kept = m.data.subarray(0, MAX_DEAD_LETTER_RAW_BYTES);
  const doc: DeadLetterDoc = {
    id,
    topic: clip(m.topic, 300),
    messageId: clip(m.messageId, 300),
    subscription: m.subscription ? clip(m.subscription, 500) : null,
    payload: m.payload ?? 'message',
    raw: kept.toString('base64'),
    text: utf8Text(kept, kept.length < m.data.length),
    size: m.data.length,
    sha256: createHash('sha256').update(m.data).digest('hex'),
    truncated: kept.length < m.data.length,
    attributes: boundedAttributes(m.attributes),
    reason: clip(reason, 2000),
    at: deps.clock.now(),
    status: 'open',
    replays: [],
  };
  try {
    await deadLetters(deps.db).doc(id).create(doc);
    deps.log.warn('dead letter recorded', { deadLetterId: id, topic: doc.topic, reason: doc.reason });
  } catch (err) {
    if ((err as { code?: number }).code !== 6) throw err; // 6 = ALREADY_EXISTS: a redelivery
  }
  return id;
}

/** A legal, bounded document id: `topic~messageId`, or a hash of it when it would not be one. */
function deadLetterId(topic: string, messageId: string): string {
  const id = `${topic}~${messageId}`.replace(/[^\w.~-]/g, '_');
  if (id.length <= 200 && !/^\.+$/.test(id) && !/^__.*__$/.test(id)) return id;
  return `${topic.replace(/[^\w-]/g, '_').slice(0, 80)}~h-${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

const clip = (s: string, max: number) =>
  s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;

/** The bytes as text when they are UTF-8 (a truncated tail may cut one character: it is dropped). */
function utf8Text(bytes: Buffer, truncated: boolean): string | null {
  for (let cut = 0; cut <= (truncated ? 3 : 0) && cut <= bytes.length; cut++) {
    const b = bytes.subarray(0, bytes.length - cut);
    const text = b.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(b)) return text;
  }
  return null;
}

/** Pub/Sub's own bounds (100 attributes, keys 256 bytes, values 1024), and keys Firestore accepts. */
function boundedAttributes(attributes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes).slice(0, 100)) {
    if (!k || /^__.*__$/.test(k)) continue;
    out[clip(k, 256)] = clip(String(v), 1024);
  }
  return out;
}

export async function listDeadLetters(
  deps: Pick<EngineDeps, 'db'>,
  opts: { status?: 'open' | 'replayed'; limit?: number } = {},
) {
  let q = deadLetters(deps.db)
    .orderBy('at', 'desc')
    .limit(opts.limit ?? 50);
  if (opts.status)
    q = deadLetters(deps.db)
      .where('status', '==', opts.status)
      .orderBy('at', 'desc')
      .limit(opts.limit ?? 50);
  return (await q.get()).docs.map((d) => d.data());
}

/** Publishes the raw payload again to its topic, with the original attributes. */
export async function replayDeadLetter(
  deps: EnginePorts,
  id: string,
  actor: Actor,
): Promise<{ messageId: string }> {
  const ref = deadLetters(deps.db).doc(id);
  const snap = await ref.get();
  if (!snap.exists) throw notFound(`dead letter "${id}" does not exist`);
  const dl = snap.data()!;
  const refusal = whyNotReplayable(dl) ?? (await stepMovedOn(deps, dl));
  if (refusal) throw conflict(`dead letter "${id}" cannot be replayed: ${refusal}`);
  const messageId = await deps.bus.publishRaw(dl.topic, Buffer.from(dl.raw, 'base64'), {
    ...dl.attributes,
    replayOf: id,
  });
  const at = deps.clock.now();
  await ref.update({ status: 'replayed', replays: [...dl.replays, { at, by: actor.id, messageId }] });
  await recordAudit(
    deps.db,
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

/** A replay that cannot work is refused up front, naming why (older records lack the newer fields). */
function whyNotReplayable(dl: DeadLetterDoc): string | undefined {
  if (dl.payload === 'push-body')
    return 'the push body was not a Pub/Sub message, so there is no message to publish again (its bytes are kept in raw)';
  if (dl.truncated)
    return `only the first ${MAX_DEAD_LETTER_RAW_BYTES} of its ${dl.size} bytes were kept (sha256 ${dl.sha256})`;
  if (!TOPICS.some((t) => t.name === dl.topic) || dl.topic === DEAD_LETTER_TOPIC)
    return `"${dl.topic}" is not a topic this system publishes to`;
  return undefined;
}

/** A step message whose step no longer waits for it would be a no-op: say so instead. */
async function stepMovedOn(deps: Pick<EngineDeps, 'db'>, dl: DeadLetterDoc): Promise<string | undefined> {
  if (!STEP_TOPICS.includes(dl.topic)) return undefined;
  let env: { runId?: unknown; stepId?: unknown; attempt?: unknown; wake?: unknown };
  try {
    env = JSON.parse(Buffer.from(dl.raw, 'base64').toString('utf8')) as typeof env;
  } catch {
    return undefined; // not an envelope: the step handler dead-letters it again, naming why
  }
  if (typeof env?.runId !== 'string' || typeof env.stepId !== 'string' || !env.runId) return undefined;
  const run = (await workflowRunRef(deps.db, env.runId).get()).data();
  if (!run) return undefined;
  const step = run.steps[env.stepId];
  if (acceptsMessage(step, Number(env.attempt), Number(env.wake))) return undefined;
  return `run "${run.id}" no longer waits for this message (step "${env.stepId}" is ${step?.status ?? 'unknown'}, the run is ${run.status})`;
}
