/**
 * The audit trail: every decision, override, refusal and modal submission, with who, what, when
 * and why. Records are append-only (firestore.rules forbid updates and deletes). Pass a
 * transaction to make the audit record commit with the change it describes.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../shared/ports.js';

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

/** Writes an audit record inside a transaction, so it commits with the change it describes. */
export function auditInTransaction(db: Firestore, tx: Transaction, entry: AuditEntry, at: Date): string {
  const id = `${at.toISOString()}~${randomUUID().slice(0, 8)}`;
  tx.create(db.collection(AUDIT_COLLECTION).doc(id), { ...entry, at });
  return id;
}

/** Awaited variant for writes outside a transaction. */
export async function recordAudit(db: Firestore, entry: AuditEntry, at: Date): Promise<string> {
  const id = `${at.toISOString()}~${randomUUID().slice(0, 8)}`;
  await db
    .collection(AUDIT_COLLECTION)
    .doc(id)
    .create({ ...entry, at });
  return id;
}
