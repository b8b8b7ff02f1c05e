/**
 * Project context (CMOS MASTER_CONTEXT.json): constraints and decisions made. Entries are appended,
 * never rewritten; a decision carries its reason and time.
 */
import type { Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import type { Clock } from '../shared/ports.js';
import { viaOf } from './audited.js';
import { contextRef, eventId, readContextEntries, targets, type ContextEntry } from './repo.js';

export type { ContextEntry };

/** Appends a constraint or a decision; decisions are audited as the decision they are. */
export async function appendContext(
  deps: { db: Firestore; clock: Clock },
  input: Omit<ContextEntry, 'id' | 'at'>,
): Promise<ContextEntry> {
  const { db, clock } = deps;
  return db.runTransaction(async (tx) => {
    const at = clock.now();
    const entry: ContextEntry = { ...input, id: eventId(at), at };
    tx.create(contextRef(db, entry.id), entry);
    if (entry.kind === 'decision') {
      auditInTransaction(
        db,
        tx,
        {
          actor: entry.actor,
          action: 'context.decision',
          target: targets.context(entry.id),
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
  const all = await readContextEntries(deps.db);
  return {
    constraints: all.filter((e) => e.kind === 'constraint'),
    decisions: all.filter((e) => e.kind === 'decision'),
  };
}
