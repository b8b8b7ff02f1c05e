/**
 * The audit trail: every decision, override, refusal and modal submission, with who, what, when
 * and why. Records are append-only (firestore.rules forbid updates and deletes). Pass a
 * transaction to make the audit record commit with the change it describes.
 *
 * Free text is bounded here whatever the caller validated: an audit record must never be the
 * write that fails (a 1 MB rationale once made the action it described answer 500). Longer text
 * is kept clipped, with its original length, so the record still says what happened.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../shared/ports.js';
import { RATIONALE_MAX } from '../shared/validation.js';
import { typedCollection } from './firestore/typed.js';

/** Exported for the audit trail's reader (operators/audit-trail.ts) and tests. */
export const AUDIT_COLLECTION = 'audit';

export interface AuditEntry {
  actor: Actor;
  /** What was attempted, e.g. `gate.decide`, `breaker.override`, `mission.complete`. */
  action: string;
  /** What it was done to, e.g. `runs/abc`. */
  target: string;
  outcome: 'ok' | 'refused';
  rationale?: string;
  /** Why a refusal happened (the error code and message). */
  reason?: string;
  via: 'api' | 'slack' | 'system' | 'cli';
  slack?: { teamId?: string; channelId?: string };
  details?: Record<string, unknown>;
}

/** An audit record as stored. */
export type AuditRecord = AuditEntry & { at: Date };

/** The audit trail, read and written as `AuditRecord`. */
export const auditRecords = (db: Firestore) => typedCollection<AuditRecord>(db, AUDIT_COLLECTION);

/** Longest `details`, as JSON, kept whole in a record; larger ones keep a clipped preview. */
export const AUDIT_DETAILS_MAX = 8000;
const SHORT_MAX = 300;

/** Text clipped to `max` characters, never splitting a surrogate pair. */
export function clipText(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = /[\uD800-\uDBFF]/.test(s[max - 1] ?? '') ? max - 1 : max;
  return `${s.slice(0, cut)}… [${s.length} characters, clipped]`;
}

/** The entry as stored: every free-text field and the details bounded. */
export function boundedEntry(entry: AuditEntry): AuditEntry {
  const out: AuditEntry = {
    ...entry,
    action: clipText(entry.action, SHORT_MAX),
    target: clipText(entry.target, SHORT_MAX * 2),
  };
  if (entry.rationale !== undefined) out.rationale = clipText(entry.rationale, RATIONALE_MAX);
  if (entry.reason !== undefined) out.reason = clipText(entry.reason, RATIONALE_MAX);
  if (entry.details !== undefined) {
    const json = JSON.stringify(entry.details) ?? '';
    if (json.length > AUDIT_DETAILS_MAX)
      out.details = { clipped: true, length: json.length, preview: clipText(json, AUDIT_DETAILS_MAX) };
  }
  return out;
}

/** Writes an audit record inside a transaction, so it commits with the change it describes. */
export function auditInTransaction(db: Firestore, tx: Transaction, entry: AuditEntry, at: Date): string {
  const id = `${at.toISOString()}~${randomUUID()}`;
  tx.create(auditRecords(db).doc(id), { ...boundedEntry(entry), at });
  return id;
}

/** Awaited variant for writes outside a transaction. */
export async function recordAudit(db: Firestore, entry: AuditEntry, at: Date): Promise<string> {
  const id = `${at.toISOString()}~${randomUUID()}`;
  await auditRecords(db)
    .doc(id)
    .create({ ...boundedEntry(entry), at });
  return id;
}
