/**
 * Project context (CMOS MASTER_CONTEXT.json): constraints and decisions made. Entries are appended,
 * never rewritten; a decision carries its reason and time.
 */
import type { Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import type { Actor, Clock } from '../shared/ports.js';
import { viaOf } from './audited.js';
import { eventId, PROJECT_CONTEXT, revive } from './store.js';

export interface ContextEntry {
  id: string;
  kind: 'constraint' | 'decision';
  text: string;
  /** Required for decisions. */
  reason?: string;
  missionId?: string;
  at: Date;
  actor: Actor;
}

/** Appends a constraint or a decision; decisions are audited as the decision they are. */
export async function appendContext(
  deps: { db: Firestore; clock: Clock },
  input: Omit<ContextEntry, 'id' | 'at'>,
): Promise<ContextEntry> {
  const { db, clock } = deps;
  return db.runTransaction(async (tx) => {
    const at = clock.now();
    const entry: ContextEntry = { ...input, id: eventId(at), at };
    tx.create(db.collection(PROJECT_CONTEXT).doc(entry.id), entry);
    if (entry.kind === 'decision') {
      auditInTransaction(
        db,
        tx,
        {
          actor: entry.actor,
          action: 'context.decision',
          target: `${PROJECT_CONTEXT}/${entry.id}`,
          outcome: 'ok',
          rationale: entry.reason,
          via: viaOf(entry.actor),
          details: { text: entry.text },
        },
        at,
      );
    }
    return entry;
  });
}

/** The project context, oldest first. */
export async function readContext(deps: {
  db: Firestore;
}): Promise<{ constraints: ContextEntry[]; decisions: ContextEntry[] }> {
  const snap = await deps.db.collection(PROJECT_CONTEXT).orderBy('at').get();
  const all = snap.docs.map((d) => revive<ContextEntry>(d.data()));
  return {
    constraints: all.filter((e) => e.kind === 'constraint'),
    decisions: all.filter((e) => e.kind === 'decision'),
  };
}
