/**
 * The post-incident review (root cause, lessons, prevention, the whys) and turning it into an SCMS
 * failure log with one call. The failure log is created by the sessions system's own use case, so
 * its rules (five whys, actionable prevention) apply and its refusals come back as they are.
 */
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { recordEvent } from '../engine/events.js';
import { auditInTransaction } from '../platform/audit.js';
import { AppError, conflict, describeIssues, invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { incidentRef, readIncidentTx } from './store.js';

export const reviewSchema = z.object({
  whatBroke: z.string().trim().min(1),
  whys: z.array(z.string().trim().min(1)).min(1).max(10),
  rootCause: z.string().trim().min(1),
  lessons: z.array(z.string().trim().min(1)).min(1).max(20),
  prevention: z.object({ kind: z.string().min(1), text: z.string().trim().min(1) }),
});
export type ReviewInput = z.infer<typeof reviewSchema>;

/** Records the review on a resolved incident; closes its post-incident phase. */
export async function recordReview(
  deps: { db: Firestore; clock: Clock },
  input: { incidentId: string; review: unknown; actor: Actor },
) {
  const parsed = reviewSchema.safeParse(input.review);
  if (!parsed.success)
    throw invalidInput(`review refused: ${describeIssues(parsed.error.issues).join('; ')}`);
  const at = deps.clock.now();
  await deps.db.runTransaction(async (tx) => {
    const inc = await readIncidentTx(deps.db, tx, input.incidentId);
    if (inc.status !== 'resolved')
      throw conflict(`incident ${inc.id} is ${inc.status}; review it after resolving`);
    tx.update(incidentRef(deps.db, inc.id), {
      review: {
        ...parsed.data,
        recordedAt: at,
        recordedBy: input.actor,
        ...(inc.review?.failureLogId ? { failureLogId: inc.review.failureLogId } : {}),
      },
      'phases.closed': inc.phases.closed ?? at,
    });
    recordEvent(deps.db, tx, {
      type: 'incident.reviewed',
      actor: input.actor,
      at,
      data: { incidentId: inc.id },
    });
    auditInTransaction(
      deps.db,
      tx,
      {
        actor: input.actor,
        action: 'incident.review',
        target: `incidents/${inc.id}`,
        outcome: 'ok',
        rationale: parsed.data.rootCause,
        via: 'api',
      },
      at,
    );
  });
  return { id: input.incidentId };
}

type CreateFailureLog = (
  deps: { db: Firestore; clock: Clock },
  input: {
    summary: string;
    whatBroke: string;
    whys: string[];
    rootCause: string;
    prevention: { kind: string; text: string };
    source: unknown;
    actor: Actor;
  },
) => Promise<unknown>;

async function loadCreateFailureLog(): Promise<CreateFailureLog> {
  // Resolved at call time: sessions/failure-logs.ts is owned (and may still be written) by the sessions system.
  const path = '../sessions/failure-logs.js';
  const mod = (await import(path)) as { createFailureLog?: CreateFailureLog };
  if (!mod.createFailureLog)
    throw new AppError('unavailable', 'the SCMS failure log use case is not available');
  return mod.createFailureLog;
}

/** Turns the incident's review into an SCMS failure log (once; a second call returns the same id). */
export async function reviewToFailureLog(
  deps: { db: Firestore; clock: Clock; createFailureLog?: CreateFailureLog },
  input: { incidentId: string; actor: Actor },
): Promise<{ failureLogId: string; created: boolean }> {
  const snap = await incidentRef(deps.db, input.incidentId).get();
  if (!snap.exists) throw new AppError('not_found', `unknown incident "${input.incidentId}"`);
  const review = snap.get('review') as (ReviewInput & { failureLogId?: string }) | undefined;
  if (!review) throw conflict(`incident ${input.incidentId} has no review yet`);
  if (review.failureLogId) return { failureLogId: review.failureLogId, created: false };
  const create = deps.createFailureLog ?? (await loadCreateFailureLog());
  const res = (await create(deps, {
    summary: String(snap.get('summary')),
    whatBroke: review.whatBroke,
    whys: review.whys,
    rootCause: review.rootCause,
    prevention: review.prevention,
    source: { type: 'incident', id: input.incidentId },
    actor: input.actor,
  })) as { id?: string } | string;
  const failureLogId = typeof res === 'string' ? res : String(res?.id ?? '');
  await incidentRef(deps.db, input.incidentId).update({ 'review.failureLogId': failureLogId });
  return { failureLogId, created: true };
}
