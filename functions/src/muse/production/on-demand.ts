/**
 * A production asked for by a person (`POST /v1/muse/intents`, `/muse produce <topic>`): an intent
 * for that topic, then production like any trend's, through the CFO gate. Refused, and audited,
 * when the topic is not a usable topic or while anything holds the pause switch (the CFO breaker
 * above all: money decisions wait for its override). With a requestId the intent id is derived from
 * it, so a retried request finds its intent and run instead of producing twice.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { conflict, invalidInput, isAppError, type AppError } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import type { MuseDeps, Via } from '../deps.js';
import { createIntentInTx, readIntentInTx, rememberTopicInTx } from '../intents/repo.js';
import { readStatusInTx, recordRequestedIntent } from '../status/repo.js';
import { normalizeTopic } from '../trends/core/topics.js';
import { BREAKER_HOLDER } from '../wallet/repo.js';
import { produceIntent } from './produce.js';

export const onDemandSchema = z.strictObject({
  topic: z.string().trim().min(2, 'a topic of at least 2 characters is required').max(200),
  /** Idempotency key: the same request retried returns the same intent and run. */
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{6,64}$/, '6-64 letters, digits, _ -')
    .optional(),
});

export interface OnDemandResult {
  intentId: string;
  topic: string;
  runId: string;
  /** False when a request with this requestId was already made. */
  created: boolean;
}

export async function requestProduction(
  deps: MuseDeps,
  /** The breaker's look at the wallet: on-demand spend is looked at like a tick's. */
  checkBreaker: () => Promise<unknown>,
  p: { topic: string; requestId?: string; actor: Actor; via: Via },
): Promise<OnDemandResult> {
  const topic = p.topic.trim();
  const refuse = async (err: AppError) => {
    await deps.audit.record(
      {
        ...auditBase(p, topic),
        target: 'intents',
        outcome: 'refused',
        reason: `${err.code}: ${err.message}`,
      },
      deps.clock.now(),
    );
    return err;
  };
  const t = normalizeTopic(topic);
  if (!t)
    throw await refuse(
      invalidInput(`topic "${topic}" is not usable: too short, too long, or a generic label like "news"`),
    );
  await checkBreaker();
  const pause = await deps.engine.pause();
  if (pause.paused) {
    const breaker = pause.holds[BREAKER_HOLDER];
    throw await refuse(
      conflict(
        breaker
          ? `the CFO breaker holds every loop (${breaker.reason}); a finance person must override it first (/muse breaker override)`
          : `the engine is paused by ${Object.entries(pause.holds)
              .map(([h, v]) => `${h} (${v.reason})`)
              .join(', ')}; resume it first`,
      ),
    );
  }
  const intentId = `request~${p.requestId ?? randomUUID()}`;
  const created = await createIntent(deps, { ...p, topic, key: t.key, intentId });
  try {
    const r = await produceIntent(deps, { intentId, actor: p.actor });
    return { intentId, topic, runId: r.runId, created };
  } catch (e) {
    // A retried request whose production is already under way (or done) answers with that run.
    const runId = isAppError(e) ? (e.details as { runId?: string } | undefined)?.runId : undefined;
    if (!created && isAppError(e) && e.code === 'conflict' && runId)
      return { intentId, topic, runId, created };
    throw e;
  }
}

const auditBase = (p: { actor: Actor; via: Via }, topic: string) => ({
  actor: p.actor,
  action: 'muse.produce.request',
  rationale: `produce "${topic}"`,
  via: p.via,
});

/** Creates the intent with its audit record and event; false when this requestId already made it. */
async function createIntent(
  deps: MuseDeps,
  p: { topic: string; key: string; intentId: string; actor: Actor; via: Via },
): Promise<boolean> {
  const at = deps.clock.now();
  const { db } = deps;
  return db.runTransaction(async (tx) => {
    const existing = await readIntentInTx(db, tx, p.intentId);
    const status = await readStatusInTx(db, tx);
    if (existing) {
      if (existing.normalizedTopic !== p.key)
        throw conflict(`this requestId was used for the topic "${existing.topic}"`);
      return false;
    }
    createIntentInTx(db, tx, {
      id: p.intentId,
      topic: p.topic,
      normalizedTopic: p.key,
      status: 'new',
      origin: 'request',
      requestedBy: p.actor,
      createdAt: at,
      sources: [],
      mentions: 0,
      engagement: 0,
    });
    // The next trend tick treats the topic as recently produced (its de-dupe window).
    rememberTopicInTx(db, tx, p.key, p.intentId, at);
    recordRequestedIntent(
      db,
      tx,
      status,
      { id: p.intentId, topic: p.topic, status: 'new', origin: 'request' },
      at,
    );
    deps.audit.inTx(tx, { ...auditBase(p, p.topic), target: `intents/${p.intentId}`, outcome: 'ok' }, at);
    deps.engine.eventInTx(tx, {
      type: 'muse.intent.requested',
      actor: p.actor,
      at,
      data: { intentId: p.intentId, topic: p.topic },
    });
    return true;
  });
}
