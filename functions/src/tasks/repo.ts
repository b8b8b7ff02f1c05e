/**
 * The tasks system's documents: agents, tasks, evidence (and its archive), CI guard results, the
 * daily and weekly reports, and the KB index with its stats. The collection names are private to
 * this file; other systems call the tasks use cases and read functions (`createTasks`).
 */
import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { typedCollection } from '../platform/firestore/typed.js';
import { notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import type { Task, TaskStatus } from './core/task.js';

const TASKS = 'tasks';
const AGENTS = 'agents';
const EVIDENCE = 'evidence';
const EVIDENCE_ARCHIVE = 'evidenceArchive';
const GUARD_RESULTS = 'guardResults';
const REPORTS = 'reports';
const KB_INDEX = 'kbIndex';
const KB_STATS = 'kbStats';

/** A task as stored: the task plus the sweep's bookkeeping. */
export type StoredTask = Task & { beats?: number; staleFlags?: number };

export interface Agent {
  id: string;
  name: string;
  updatedAt: Date;
}

export interface EvidenceDoc {
  taskId: string;
  agentId: string;
  at: Date;
  receivedAt: Date;
  line: number;
  [field: string]: unknown;
}

export interface GuardResult {
  guard: string;
  status: 'pass' | 'fail' | 'error';
  details: string;
  commit?: string;
  ref?: string;
  at: Date;
  reportedBy: Actor;
}

export interface Report {
  id: string;
  kind: 'daily' | 'weekly';
  text: string;
  createdAt: Date;
  [field: string]: unknown;
}

export type KbSource = 'task' | 'failure' | 'memory';

export interface KbIndexDoc {
  id: string;
  source: KbSource;
  refId: string;
  title: string;
  snippet: string;
  tf: Record<string, number>;
  /** The distinct terms, for `array-contains-any` candidate lookup. */
  terms: string[];
  length: number;
  at: Date;
}

/** Corpus totals for BM25 and, per foreign source, how far it has been indexed. */
export interface KbStats {
  docs?: number;
  totalLength?: number;
  cursors?: Record<string, Date>;
}

const tasks = (db: Firestore) => typedCollection<StoredTask>(db, TASKS);
const agents = (db: Firestore) => typedCollection<Agent>(db, AGENTS);
const evidence = (db: Firestore) => typedCollection<EvidenceDoc>(db, EVIDENCE);
const guardResults = (db: Firestore) => typedCollection<GuardResult>(db, GUARD_RESULTS);
const reports = (db: Firestore) => typedCollection<Report>(db, REPORTS);
const kbIndex = (db: Firestore) => typedCollection<KbIndexDoc>(db, KB_INDEX);

/** Audit targets, `collection/id`, as the audit trail has always named them. */
export const targets = {
  task: (id: string) => `${TASKS}/${id}`,
  agent: (id: string) => `${AGENTS}/${id}`,
  guardResult: (id: string) => `${GUARD_RESULTS}/${id}`,
};

export const taskRef = (db: Firestore, id: string): DocumentReference<StoredTask> => tasks(db).doc(id);
export const agentRef = (db: Firestore, id: string): DocumentReference<Agent> => agents(db).doc(id);
export const evidenceRef = (db: Firestore, id: string): DocumentReference<EvidenceDoc> =>
  evidence(db).doc(id);
export const newGuardResultRef = (db: Firestore): DocumentReference<GuardResult> => guardResults(db).doc();
export const reportRef = (db: Firestore, id: string): DocumentReference<Report> => reports(db).doc(id);
export const kbIndexRef = (db: Firestore, id: string): DocumentReference<KbIndexDoc> => kbIndex(db).doc(id);
export const kbStatsRef = (db: Firestore): DocumentReference<KbStats> =>
  typedCollection<KbStats>(db, KB_STATS).doc('global');

export async function getTaskDoc(db: Firestore, id: string, tx?: Transaction): Promise<StoredTask> {
  const ref = taskRef(db, id);
  const task = (tx ? await tx.get(ref) : await ref.get()).data();
  if (!task) throw notFound(`unknown task "${id}"`);
  return task;
}

export async function queryTasks(
  db: Firestore,
  filter: { agentId?: string; status?: TaskStatus },
  limit: number,
): Promise<StoredTask[]> {
  let q: FirebaseFirestore.Query<StoredTask> = tasks(db);
  if (filter.agentId) q = q.where('agentId', '==', filter.agentId);
  if (filter.status) q = q.where('status', '==', filter.status);
  return (await q.limit(limit).get()).docs.map((d) => d.data());
}

export async function tasksIn(db: Firestore, statuses: TaskStatus[], limit: number): Promise<StoredTask[]> {
  return (await tasks(db).where('status', 'in', statuses).limit(limit).get()).docs.map((d) => d.data());
}

export async function tasksCreatedBefore(db: Firestore, to: Date, limit: number): Promise<StoredTask[]> {
  return (await tasks(db).where('createdAt', '<', to).limit(limit).get()).docs.map((d) => d.data());
}

export async function agentIds(db: Firestore, limit: number): Promise<string[]> {
  return (await agents(db).select().limit(limit).get()).docs.map((d) => d.id);
}

export async function evidenceOf(db: Firestore, taskId: string, limit: number) {
  const snap = await evidence(db).where('taskId', '==', taskId).limit(limit).get();
  return snap.docs.map((d) => ({ id: d.id, ...d.data() }));
}

/**
 * Moves one batch of evidence received before `before` to the archive (same id, plus archivedAt),
 * copy and delete in one transaction. Returns how many it looked at (0: nothing left).
 */
export async function archiveEvidenceBatch(
  db: Firestore,
  before: Date,
  at: Date,
  limit: number,
): Promise<number> {
  const snap = await evidence(db).where('receivedAt', '<', before).limit(limit).get();
  if (snap.empty) return 0;
  await db.runTransaction(async (tx) => {
    const fresh = await tx.getAll(...snap.docs.map((d) => d.ref));
    for (const d of fresh) {
      if (!d.exists) continue;
      tx.set(typedCollection<EvidenceDoc>(db, EVIDENCE_ARCHIVE).doc(d.id), { ...d.data()!, archivedAt: at });
      tx.delete(d.ref);
    }
  });
  return snap.size;
}

export async function guardResultsBetween(db: Firestore, from: Date, to: Date): Promise<GuardResult[]> {
  const q = guardResults(db).where('at', '>=', from).where('at', '<', to);
  return (await q.limit(5000).get()).docs.map((d) => d.data());
}

export async function recentGuardResults(db: Firestore, limit: number): Promise<GuardResult[]> {
  return (await guardResults(db).orderBy('at', 'desc').limit(limit).get()).docs.map((d) => d.data());
}

export async function getReport(db: Firestore, id: string): Promise<Report> {
  const r = (await reportRef(db, id).get()).data();
  if (!r) throw notFound(`unknown report "${id}"`);
  return r;
}

/** A one-document read that only proves Firestore answers (the daily report's component check). */
export async function probeReports(db: Firestore): Promise<void> {
  await reports(db).limit(1).get();
}

export async function kbCandidates(db: Firestore, terms: string[], limit: number): Promise<KbIndexDoc[]> {
  const q = kbIndex(db).where('terms', 'array-contains-any', terms);
  return (await q.limit(limit).get()).docs.map((d) => d.data());
}
