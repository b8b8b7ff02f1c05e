/**
 * L2 failure logs. `createFailureLog` is a contract: the incidents system turns post-incident
 * reviews into failure logs with it, and KB search reads the `failureLogs` collection.
 */
import type { Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import { notFound } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { auditRefusals, viaOf } from '../missions/audited.js';
import { revive } from '../missions/store.js';
import { validateFailureLog, type FailureLogFields, type PreventionKind } from './core/failure-log.js';
import { FAILURE_LOGS, getSessionDoc, newId, readFailureLogs, type FailureLog } from './store.js';

export interface FailureLogInput {
  summary: string;
  whatBroke: string;
  whys: string[];
  rootCause: string;
  prevention: { kind: PreventionKind; text: string };
  sessionId?: string;
  source?: string | Record<string, unknown>;
  actor: Actor;
}

/**
 * Records a failure log after checking it has every part (five whys, root cause, an actionable
 * prevention); refused with invalid_input naming the missing parts, writing nothing. A named session
 * must exist. The log and its audit record commit together.
 */
export async function createFailureLog(
  deps: { db: Firestore; clock: Clock },
  input: FailureLogInput,
): Promise<{ id: string }> {
  const audit = {
    actor: input.actor,
    action: 'failure.log',
    target: FAILURE_LOGS,
    rationale: input.rootCause,
  };
  return auditRefusals(deps, audit, () => write(deps, validateFailureLog(input), input.actor));
}

async function write(
  { db, clock }: { db: Firestore; clock: Clock },
  fields: FailureLogFields,
  actor: Actor,
): Promise<{ id: string }> {
  return db.runTransaction(async (tx) => {
    if (fields.sessionId) await getSessionDoc(db, fields.sessionId, tx);
    const createdAt = clock.now();
    const log: FailureLog = { ...fields, id: newId('fail'), createdAt, actor };
    tx.create(db.collection(FAILURE_LOGS).doc(log.id), log);
    auditInTransaction(
      db,
      tx,
      {
        actor,
        action: 'failure.log',
        target: `${FAILURE_LOGS}/${log.id}`,
        outcome: 'ok',
        rationale: log.rootCause,
        via: viaOf(actor),
        details: { summary: log.summary, prevention: log.prevention.kind, source: log.source ?? null },
      },
      createdAt,
    );
    return { id: log.id };
  });
}

/** Failure logs, newest first. */
export function listFailureLogs(deps: { db: Firestore }, opts: { limit?: number; sessionId?: string } = {}) {
  return readFailureLogs(deps.db, opts);
}

export async function getFailureLog(deps: { db: Firestore }, id: string): Promise<FailureLog> {
  const snap = await deps.db.collection(FAILURE_LOGS).doc(id).get();
  if (!snap.exists) throw notFound(`unknown failure log ${id}`);
  return revive<FailureLog>(snap.data());
}
