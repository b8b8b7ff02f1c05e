/**
 * The post-incident review (root cause, lessons, prevention, the whys) and turning it into an SCMS
 * failure log with one call. The failure log is created by the sessions system's own use case, so
 * its rules (five whys, actionable prevention) apply and its refusals come back as they are.
 */
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { recordEvent } from '../engine/events.js';
import { auditInTransaction } from '../platform/audit.js';
import { conflict, describeIssues, invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { getIncident, incidentRef, incidentTarget, readIncidentTx } from './repo.js';

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
        target: incidentTarget(inc.id),
        outcome: 'ok',
        rationale: parsed.data.rootCause,
        via: 'api',
      },
      at,
    );
  });
  return { id: input.incidentId };
}

/** The sessions system's failure log use case, as this system needs it (a port). */
export type CreateFailureLog = (input: {
  summary: string;
  whatBroke: string;
  whys: string[];
  rootCause: string;
  prevention: { kind: string; text: string };
  source: { type: string; id: string };
  actor: Actor;
}) => Promise<{ id: string }>;

/** Turns the incident's review into an SCMS failure log (once; a second call returns the same id). */
export async function reviewToFailureLog(
  deps: { db: Firestore; createFailureLog: CreateFailureLog },
  input: { incidentId: string; actor: Actor },
): Promise<{ failureLogId: string; created: boolean }> {
  const inc = await getIncident(deps, input.incidentId);
  const review = inc.review;
  if (!review) throw conflict(`incident ${input.incidentId} has no review yet`);
  if (review.failureLogId) return { failureLogId: review.failureLogId, created: false };
  const { id: failureLogId } = await deps.createFailureLog({
    summary: inc.summary,
    whatBroke: review.whatBroke,
    whys: review.whys,
    rootCause: review.rootCause,
    prevention: review.prevention,
    source: { type: 'incident', id: input.incidentId },
    actor: input.actor,
  });
  await incidentRef(deps.db, input.incidentId).update({ 'review.failureLogId': failureLogId });
  return { failureLogId, created: true };
}
