/**
 * Firestore collections and settings of the tasks system, and the Timestamp -> Date revival every
 * read goes through (Firestore hands back Timestamps for the Dates we write).
 */
import type { Firestore } from '@google-cloud/firestore';
import { DEFAULT_HEARTBEAT_POLICY, heartbeatPolicySchema, type HeartbeatPolicy } from './core/heartbeat.js';
import type { Task } from './core/task.js';

export const TASKS = 'tasks';
export const AGENTS = 'agents';
export const EVIDENCE = 'evidence';
export const EVIDENCE_ARCHIVE = 'evidenceArchive';
export const GUARD_RESULTS = 'guardResults';
export const REPORTS = 'reports';
/** Runtime-tunable settings of this system (heartbeat thresholds). */
export const TASK_SETTINGS = 'taskSettings';

/** Turns every Firestore Timestamp in a document into a Date, deeply. */
export function revive<T>(value: unknown): T {
  if (value && typeof value === 'object') {
    if (typeof (value as { toDate?: unknown }).toDate === 'function')
      return (value as { toDate(): Date }).toDate() as T;
    if (value instanceof Date) return value as T;
    if (Array.isArray(value)) return value.map((v) => revive(v)) as T;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)])) as T;
  }
  return value as T;
}

export function taskFrom(data: FirebaseFirestore.DocumentData | undefined): Task | undefined {
  return data ? revive<Task>(data) : undefined;
}

/** The heartbeat thresholds in force: the stored settings, or the manual's defaults (2 h, 15 min). */
export async function loadHeartbeatPolicy(db: Firestore): Promise<HeartbeatPolicy> {
  const snap = await db.collection(TASK_SETTINGS).doc('heartbeat').get();
  const parsed = heartbeatPolicySchema.safeParse(snap.data());
  return parsed.success ? parsed.data : DEFAULT_HEARTBEAT_POLICY;
}
