/**
 * Reading the audit trail without a database console: by actor, action, target and time, newest
 * first, one page at a time. A key with `read` sees only what it did itself; `admin` sees everyone.
 * Slack's `/muse audit <run|incident|user>` uses `auditOfSubject`.
 */
import type { Firestore, Query } from '@google-cloud/firestore';
import { AUDIT_COLLECTION } from '../platform/audit.js';

export interface AuditRecord {
  id: string;
  at: string;
  actor: { kind: string; id: string; name?: string };
  action: string;
  target: string;
  outcome: 'ok' | 'refused';
  rationale?: string;
  reason?: string;
  via: string;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** The id of the last record of the previous page. */
  after?: string;
}

const toIso = (v: unknown) =>
  v instanceof Date ? v.toISOString() : ((v as { toDate?: () => Date })?.toDate?.().toISOString() ?? '');

function record(id: string, d: Record<string, unknown>): AuditRecord {
  return { ...(d as Omit<AuditRecord, 'id' | 'at'>), id, at: toIso(d.at) };
}

/** One page of the trail. Equality on actor and action, a range on time, newest first. */
export async function queryAudit(db: Firestore, q: AuditQuery) {
  // The order comes first so every shape the filters make is served by an `at desc` index.
  let query: Query = db.collection(AUDIT_COLLECTION).orderBy('at', 'desc');
  if (q.actor) query = query.where('actor.id', '==', q.actor);
  if (q.action) query = query.where('action', '==', q.action);
  if (q.from) query = query.where('at', '>=', q.from);
  if (q.to) query = query.where('at', '<', q.to);
  if (q.after) {
    const cursor = await db.collection(AUDIT_COLLECTION).doc(q.after).get();
    if (cursor.exists) query = query.startAfter(cursor);
  }
  const snap = await query.limit(q.limit).get();
  const records = snap.docs.map((d) => record(d.id, d.data()));
  return { records, next: records.length === q.limit ? records.at(-1)!.id : null };
}

const SUBJECT_PREFIXES = ['runs/', 'pipelineRuns/', 'incidents/', 'missions/', 'tasks/', 'sessions/'];

/**
 * Everything recorded about one thing or by one person: a Slack user id (`U…`/`W…`) is an actor;
 * anything else is looked up as the target of each system's records (`runs/<id>`, `runs/<id>#step`,
 * `incidents/<id>`, …). Newest first.
 */
export async function auditOfSubject(db: Firestore, subject: string, limit = 20): Promise<AuditRecord[]> {
  const col = db.collection(AUDIT_COLLECTION);
  if (/^[UW][A-Z0-9]{2,}$/.test(subject)) {
    const snap = await col.where('actor.id', '==', subject).orderBy('at', 'desc').limit(limit).get();
    return snap.docs.map((d) => record(d.id, d.data()));
  }
  const pages = await Promise.all(
    SUBJECT_PREFIXES.map((p) =>
      col
        .where('target', '>=', `${p}${subject}`)
        .where('target', '<=', `${p}${subject}#\uf8ff`)
        .limit(limit)
        .get(),
    ),
  );
  return pages
    .flatMap((s) => s.docs.map((d) => record(d.id, d.data())))
    .filter((r) => r.target.split('#')[0]!.endsWith(`/${subject}`))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, limit);
}
