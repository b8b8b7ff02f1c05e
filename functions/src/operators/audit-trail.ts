/**
 * Reading the audit trail without a database console: by actor, action, target and time, newest
 * first, one page at a time. A key with `read` sees only what it did itself; `admin` sees everyone.
 * Slack's `/muse audit <run|incident|user>` uses `auditOfSubject`.
 */
import type { Firestore, Query } from '@google-cloud/firestore';
import { AUDIT_COLLECTION, type AuditEntry } from '../platform/audit.js';
import { typedCollection } from '../platform/firestore/typed.js';

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

/** An audit document as stored (platform/audit.ts writes it): the entry and its time. */
type StoredAudit = AuditEntry & { at: Date };

/** The platform's audit collection, read typed (the platform offers no query of its own yet). */
const trail = (db: Firestore) => typedCollection<StoredAudit>(db, AUDIT_COLLECTION);

function record(id: string, d: StoredAudit): AuditRecord {
  return { ...d, id, at: d.at instanceof Date ? d.at.toISOString() : '' };
}

/** One page of the trail. Equality on actor and action, a range on time, newest first. */
export async function queryAudit(db: Firestore, q: AuditQuery) {
  // The order comes first so every shape the filters make is served by an `at desc` index.
  let query: Query<StoredAudit> = trail(db).orderBy('at', 'desc');
  if (q.actor) query = query.where('actor.id', '==', q.actor);
  if (q.action) query = query.where('action', '==', q.action);
  if (q.from) query = query.where('at', '>=', q.from);
  if (q.to) query = query.where('at', '<', q.to);
  if (q.after) {
    const cursor = await trail(db).doc(q.after).get();
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
  const col = trail(db);
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
