/**
 * Audit helpers shared by missions and sessions: every decision a person makes is recorded with who
 * and why, and so is every refusal of one.
 */
import type { Firestore } from '@google-cloud/firestore';
import { recordAudit, type AuditEntry } from '../platform/audit.js';
import { isAppError } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';

/** Where an actor's request came from, for the audit record. */
export function viaOf(actor: Actor): AuditEntry['via'] {
  if (actor.kind === 'user') return 'slack';
  if (actor.kind === 'system') return 'system';
  return 'api';
}

/** Actor display name for records that keep a plain string (waivers, approvals). */
export const actorName = (a: Actor) => a.name ?? `${a.kind}:${a.id}`;

/**
 * Runs a person's action; when it is refused with an AppError, writes a `refused` audit record
 * naming the reason and rethrows. The `ok` record is the action's own job, inside its transaction.
 */
export async function auditRefusals<T>(
  deps: { db: Firestore; clock: Clock },
  entry: Pick<AuditEntry, 'actor' | 'action' | 'target' | 'rationale' | 'details'>,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isAppError(err) && entry.actor.kind !== 'system') {
      await recordAudit(
        deps.db,
        { ...entry, outcome: 'refused', reason: `${err.code}: ${err.message}`, via: viaOf(entry.actor) },
        deps.clock.now(),
      );
    }
    throw err;
  }
}

/** The actor behind an API call: the key that made it. */
export const callerActor = (caller: { keyId: string; name: string }): Actor => ({
  kind: 'apikey',
  id: caller.keyId,
  name: caller.name,
});
