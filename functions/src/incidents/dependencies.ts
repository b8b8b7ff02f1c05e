/**
 * Which incidents not yet resolved name one of a set of shared dependencies. Level 4 asks this
 * before starting a run (the seed's runbook: "verify no active incident on shared dependencies"),
 * inside its own transaction so the answer and the run it allows commit together. Unresolved
 * incidents are few, so they are read by status and matched here (no composite index).
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { listUnresolvedTx } from './repo.js';

export interface IncidentOnDependency {
  id: string;
  /** The incident's summary: what people call its title. */
  title: string;
  severity: string;
  status: string;
  /** The asked-for dependencies this incident names. */
  dependencies: string[];
}

export async function openIncidentsOnDependencies(
  db: Firestore,
  tx: Transaction,
  names: readonly string[],
): Promise<IncidentOnDependency[]> {
  if (!names.length) return [];
  const wanted = new Set(names);
  // Not-resolved rather than a list of statuses, so a status added later still holds runs.
  const live = await listUnresolvedTx(db, tx, 1000);
  return live
    .map((i) => ({
      id: i.id,
      title: i.summary ?? '',
      severity: String(i.severity ?? ''),
      status: String(i.status ?? ''),
      dependencies: (i.dependencies ?? []).filter((n) => wanted.has(n)).sort(),
    }))
    .filter((i) => i.dependencies.length > 0)
    .sort((a, b) => a.id.localeCompare(b.id));
}
