/**
 * Firestore collections of SCMS and their readers. Collection names and the `failureLogs` and
 * `memories` shapes are a contract: other systems (incidents, KB search) read and write them.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { revive } from '../missions/store.js';
import type { ClosureReport } from './core/closure.js';
import type { FailureLogFields } from './core/failure-log.js';
import type { Memory, Reuse, WorkspaceRule } from './core/memory.js';

export const SESSIONS = 'sessions';
export const MEMORIES = 'memories';
export const MEMORY_REUSES = 'memoryReuses';
export const FAILURE_LOGS = 'failureLogs';
export const WORKSPACE_RULES = 'workspaceRules';
export const PROMOTIONS = 'promotions';
export const SCMS_SETTINGS = 'scmsSettings';

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

/** A random id with a readable prefix: a full UUID (122 random bits), e.g. `mem-0b7e…`, never truncated. */
export const newId = (prefix: string) => `${prefix}-${randomUUID()}`;

/**
 * A timestamp session id, as the manual's "Start Session" sets: `S-20260101T000000Z-<uuid>`. The
 * full UUID keeps two sessions started in the same second apart (16 bits did not).
 */
export const sessionId = (at: Date) =>
  `S-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomUUID()}`;

async function all<T>(db: Firestore, col: string): Promise<T[]> {
  return (await db.collection(col).get()).docs.map((d) => revive<T>(d.data()));
}

export const readMemories = (db: Firestore) => all<Memory>(db, MEMORIES);
export const readReuses = (db: Firestore) => all<Reuse>(db, MEMORY_REUSES);
export const readSessions = (db: Firestore) => all<Session>(db, SESSIONS);
export const readPromotions = (db: Firestore) => all<Promotion>(db, PROMOTIONS);

export async function readRules(db: Firestore): Promise<WorkspaceRule[]> {
  const snap = await db.collection(WORKSPACE_RULES).orderBy('createdAt').get();
  return snap.docs.map((d) => revive<WorkspaceRule>(d.data()));
}

export async function readFailureLogs(db: Firestore, opts: { limit?: number; sessionId?: string } = {}) {
  let q = db.collection(FAILURE_LOGS).orderBy('createdAt', 'desc');
  if (opts.sessionId) q = db.collection(FAILURE_LOGS).where('sessionId', '==', opts.sessionId);
  const docs = (await (opts.limit && !opts.sessionId ? q.limit(opts.limit) : q).get()).docs;
  const logs = docs.map((d) => revive<FailureLog>(d.data()));
  return logs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
}

export async function countFailureLogs(db: Firestore): Promise<number> {
  return (await db.collection(FAILURE_LOGS).count().get()).data().count;
}

export async function readFocusAreas(db: Firestore): Promise<string[]> {
  const doc = await db.collection(SCMS_SETTINGS).doc('focusAreas').get();
  return (doc.get('areas') as string[] | undefined) ?? [];
}

/** Reads a session inside a transaction (or not), failing with not_found. */
export async function getSessionDoc(db: Firestore, id: string, tx?: Transaction): Promise<Session> {
  const ref = db.collection(SESSIONS).doc(id);
  const snap = tx ? await tx.get(ref) : await ref.get();
  if (!snap.exists) throw notFound(`unknown session ${id}`);
  return revive<Session>(snap.data());
}

export async function getMemoryDoc(db: Firestore, id: string, tx?: Transaction): Promise<Memory> {
  const ref = db.collection(MEMORIES).doc(id);
  const snap = tx ? await tx.get(ref) : await ref.get();
  if (!snap.exists) throw notFound(`unknown memory ${id}`);
  return revive<Memory>(snap.data());
}
