/**
 * L2 failure logs. `createFailureLog` is a contract: the incidents system turns post-incident
 * reviews into failure logs with it, and KB search reads the `failureLogs` collection.
 */
import type { Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import type { Actor, Clock } from '../shared/ports.js';
import { auditRefusals, viaOf } from '../missions/audited.js';
import { validateFailureLog, type FailureLogFields, type PreventionKind } from './core/failure-log.js';
import {
  failureLogRef,
  getFailureLogDoc,
  getSessionDoc,
  readFailureLogs,
  targets,
  type FailureLog,
} from './repo.js';
import { newId } from './store.js';

export interface FailureLogInput {
  summary: string;
  whatBroke: string;
  whys: string[];
  rootCause: string;
  /** `kind` is one of PREVENTION_KINDS; checked with the rest, so a refusal names it. */
  prevention: { kind: PreventionKind | (string & {}); text: string };
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
    target: targets.failureLogs,
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
    tx.create(failureLogRef(db, log.id), log);
    auditInTransaction(
      db,
      tx,
      {
        actor,
        action: 'failure.log',
        target: targets.failureLog(log.id),
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

export const getFailureLog = (deps: { db: Firestore }, id: string): Promise<FailureLog> =>
  getFailureLogDoc(deps.db, id);
