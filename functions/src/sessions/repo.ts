/**
 * The sessions system's (SCMS) documents: sessions, L0 memories and their reuses, L2 failure logs,
 * L1 workspace rules and promotions. The collection names are private to this file; other systems
 * (incidents' reviews, the tasks KB) call the sessions system's use cases and read functions.
 */
import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { typedCollection } from '../platform/firestore/typed.js';
import { notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import type { ClosureReport } from './core/closure.js';
import type { FailureLogFields } from './core/failure-log.js';
import type { Memory, Reuse, WorkspaceRule } from './core/memory.js';

const SESSIONS = 'sessions';
const MEMORIES = 'memories';
const MEMORY_REUSES = 'memoryReuses';
const FAILURE_LOGS = 'failureLogs';
const WORKSPACE_RULES = 'workspaceRules';
const PROMOTIONS = 'promotions';

export interface Session {
  id: string;
  status: 'open' | 'closed';
  startedAt: Date;
  closedAt: Date | null;
  actor: Actor;
  focusAreas: string[];
  closure: ClosureReport | null;
}

export interface FailureLog extends FailureLogFields {
  id: string;
  createdAt: Date;
  actor: Actor;
}

export interface Promotion {
  id: string;
  memoryId: string;
  ruleId: string;
  criticalRules: string[];
  rationale: string | null;
  sessionId: string | null;
  actor: Actor;
  at: Date;
}

type StoredReuse = Reuse & { actor: Actor };

const sessions = (db: Firestore) => typedCollection<Session>(db, SESSIONS);
const memories = (db: Firestore) => typedCollection<Memory>(db, MEMORIES);
const reuses = (db: Firestore) => typedCollection<StoredReuse>(db, MEMORY_REUSES);
const failureLogs = (db: Firestore) => typedCollection<FailureLog>(db, FAILURE_LOGS);
const rules = (db: Firestore) => typedCollection<WorkspaceRule>(db, WORKSPACE_RULES);
const promotions = (db: Firestore) => typedCollection<Promotion>(db, PROMOTIONS);

/** Audit targets, `collection/id`, as the audit trail has always named them. */
export const targets = {
  session: (id: string) => `${SESSIONS}/${id}`,
  memory: (id: string) => `${MEMORIES}/${id}`,
  failureLogs: FAILURE_LOGS,
  failureLog: (id: string) => `${FAILURE_LOGS}/${id}`,
  rule: (id: string) => `${WORKSPACE_RULES}/${id}`,
};

export const sessionRef = (db: Firestore, id: string): DocumentReference<Session> => sessions(db).doc(id);
export const memoryRef = (db: Firestore, id: string): DocumentReference<Memory> => memories(db).doc(id);
export const reuseRef = (
  db: Firestore,
  memoryId: string,
  sessionId: string,
): DocumentReference<StoredReuse> => reuses(db).doc(`${memoryId}~${sessionId}`);
export const failureLogRef = (db: Firestore, id: string): DocumentReference<FailureLog> =>
  failureLogs(db).doc(id);
export const ruleRef = (db: Firestore, id: string): DocumentReference<WorkspaceRule> => rules(db).doc(id);
export const promotionRef = (db: Firestore, id: string): DocumentReference<Promotion> =>
  promotions(db).doc(id);

const all = async <T extends object>(col: FirebaseFirestore.CollectionReference<T>): Promise<T[]> =>
  (await col.get()).docs.map((d) => d.data());

export const readMemories = (db: Firestore) => all(memories(db));
export const readReuses = (db: Firestore): Promise<Reuse[]> => all(reuses(db));
export const readSessions = (db: Firestore) => all(sessions(db));
export const readPromotions = (db: Firestore) => all(promotions(db));

export async function readRules(db: Firestore): Promise<WorkspaceRule[]> {
  return (await rules(db).orderBy('createdAt').get()).docs.map((d) => d.data());
}

export async function readFailureLogs(db: Firestore, opts: { limit?: number; sessionId?: string } = {}) {
  const q = opts.sessionId
    ? failureLogs(db).where('sessionId', '==', opts.sessionId)
    : failureLogs(db).orderBy('createdAt', 'desc');
  const docs = (await (opts.limit && !opts.sessionId ? q.limit(opts.limit) : q).get()).docs;
  const logs = docs.map((d) => d.data());
  return logs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
}

export async function countFailureLogs(db: Firestore): Promise<number> {
  return (await failureLogs(db).count().get()).data().count;
}

/** Documents created after `after` (exclusive), oldest first: the KB's incremental index. */
async function createdAfter<T extends { createdAt: Date }>(
  col: FirebaseFirestore.CollectionReference<T>,
  after: Date | undefined,
  limit: number,
): Promise<Array<T & { id: string }>> {
  const q = after ? col.orderBy('createdAt').where('createdAt', '>', after) : col.orderBy('createdAt');
  return (await q.limit(limit).get()).docs.map((d) => ({ ...d.data(), id: d.id }));
}
export const failureLogsAfter = (db: Firestore, after: Date | undefined, limit: number) =>
  createdAfter(failureLogs(db), after, limit);
export const memoriesAfter = (db: Firestore, after: Date | undefined, limit: number) =>
  createdAfter(memories(db), after, limit);

/** Reads a session inside a transaction (or not), failing with not_found. */
export async function getSessionDoc(db: Firestore, id: string, tx?: Transaction): Promise<Session> {
  const ref = sessionRef(db, id);
  const s = (tx ? await tx.get(ref) : await ref.get()).data();
  if (!s) throw notFound(`unknown session ${id}`);
  return s;
}

export async function getMemoryDoc(db: Firestore, id: string, tx?: Transaction): Promise<Memory> {
  const ref = memoryRef(db, id);
  const m = (tx ? await tx.get(ref) : await ref.get()).data();
  if (!m) throw notFound(`unknown memory ${id}`);
  return m;
}

export async function getFailureLogDoc(db: Firestore, id: string): Promise<FailureLog> {
  const f = (await failureLogRef(db, id).get()).data();
  if (!f) throw notFound(`unknown failure log ${id}`);
  return f;
}

/** Sessions still open (the Slack status and the close-all command). */
export async function listOpenSessions(db: Firestore): Promise<Session[]> {
  return (await sessions(db).where('status', '==', 'open').get()).docs.map((d) => d.data());
}
