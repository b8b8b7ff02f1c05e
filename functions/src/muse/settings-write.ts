/**
 * A person's change of one of the muse's settings documents: a whole-document write with who and
 * why beside it, audited in the same transaction, with a global event. Settings routes need a
 * rationale, so every change can be traced.
 */
import type { DocumentData } from '@google-cloud/firestore';
import { settingsRef, type SettingsSpec } from '../platform/settings.js';
import type { Actor } from '../shared/ports.js';
import type { MuseDeps, Via } from './deps.js';

export interface SettingsChange {
  actor: Actor;
  rationale: string;
  via: Via;
}

const AUDIT_FIELDS = ['updatedAt', 'updatedBy', 'rationale'];

/** The stored document without its audit fields. */
export const withoutAudit = (d: DocumentData | undefined) =>
  d ? Object.fromEntries(Object.entries(d).filter(([k]) => !AUDIT_FIELDS.includes(k))) : undefined;

export async function writeSettingsAudited<T extends object>(
  deps: Pick<MuseDeps, 'db' | 'clock' | 'audit' | 'engine'>,
  spec: SettingsSpec<T>,
  action: string,
  change: SettingsChange,
  value: T,
  details: (before: DocumentData | undefined) => Record<string, unknown>,
): Promise<void> {
  const { db } = deps;
  const ref = settingsRef(db, spec as SettingsSpec<unknown>);
  const at = deps.clock.now();
  await db.runTransaction(async (tx) => {
    const before = (await tx.get(ref)).data();
    tx.set(ref, { ...value, updatedAt: at, updatedBy: change.actor, rationale: change.rationale });
    deps.audit.inTx(
      tx,
      {
        actor: change.actor,
        action,
        target: spec.path,
        outcome: 'ok',
        rationale: change.rationale,
        via: change.via,
        details: details(before),
      },
      at,
    );
    deps.engine.eventInTx(tx, { type: `${action}d`, actor: change.actor, at, data: { target: spec.path } });
  });
}
