/**
 * The incidents system's documents: the incidents and one dedupe-key document per live key. The
 * collection names are private to this file; other systems call the incidents use cases or the
 * read functions the system exports (`createIncidents`), never these collections.
 */
import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { typedCollection } from '../platform/firestore/typed.js';
import { notFound } from '../shared/errors.js';
import { dedupeDocId, type Incident, type IncidentStatus } from './core/incident.js';

const INCIDENTS = 'incidents';
const INCIDENT_KEYS = 'incidentKeys';

export type StoredIncident = Incident & { levelSince?: Date; escalationRunId?: string };

/** The dedupe key document: which incident holds the key while it is not resolved. */
export interface IncidentKey {
  key: string;
  incidentId: string;
  at: Date;
}

const incidents = (db: Firestore) => typedCollection<StoredIncident>(db, INCIDENTS, 'id');
const keys = (db: Firestore) => typedCollection<IncidentKey>(db, INCIDENT_KEYS);

/** The audit target of an incident: `incidents/<id>`. */
export const incidentTarget = (id: string) => `${INCIDENTS}/${id}`;

export const incidentRef = (db: Firestore, id: string): DocumentReference<StoredIncident> =>
  incidents(db).doc(id);

export const incidentKeyRef = (db: Firestore, dedupeKey: string): DocumentReference<IncidentKey> =>
  keys(db).doc(dedupeDocId(dedupeKey));

export async function findIncident(db: Firestore, id: string): Promise<StoredIncident | undefined> {
  return (await incidentRef(db, id).get()).data();
}

export async function getIncident(deps: { db: Firestore }, id: string): Promise<StoredIncident> {
  const inc = await findIncident(deps.db, id);
  if (!inc) throw notFound(`unknown incident "${id}"`);
  return inc;
}

export async function findIncidentTx(
  db: Firestore,
  tx: Transaction,
  id: string,
): Promise<StoredIncident | undefined> {
  return (await tx.get(incidentRef(db, id))).data();
}

export async function readIncidentTx(db: Firestore, tx: Transaction, id: string): Promise<StoredIncident> {
  const inc = await findIncidentTx(db, tx, id);
  if (!inc) throw notFound(`unknown incident "${id}"`);
  return inc;
}

export async function readKeyTx(
  db: Firestore,
  tx: Transaction,
  dedupeKey: string,
): Promise<IncidentKey | undefined> {
  return (await tx.get(incidentKeyRef(db, dedupeKey))).data();
}

export function createIncidentTx(db: Firestore, tx: Transaction, incident: StoredIncident): void {
  tx.create(incidentRef(db, incident.id), incident);
}

/** Incidents, newest first, optionally of one status (at most `limit` read). */
export async function listIncidents(
  db: Firestore,
  opts: { status?: IncidentStatus; limit: number },
): Promise<StoredIncident[]> {
  const q = opts.status ? incidents(db).where('status', '==', opts.status) : incidents(db);
  const snap = await q.limit(opts.limit).get();
  return snap.docs.map((d) => d.data()).sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime());
}

/** Incidents in any of `statuses` (reports, the heartbeat sweep). */
export async function listIncidentsIn(
  db: Firestore,
  statuses: IncidentStatus[],
  limit: number,
): Promise<StoredIncident[]> {
  return (await incidents(db).where('status', 'in', statuses).limit(limit).get()).docs.map((d) => d.data());
}

/** Incidents not resolved, read inside a transaction (not-resolved, so a status added later counts). */
export async function listUnresolvedTx(
  db: Firestore,
  tx: Transaction,
  limit: number,
): Promise<StoredIncident[]> {
  return (await tx.get(incidents(db).where('status', '!=', 'resolved').limit(limit))).docs.map((d) =>
    d.data(),
  );
}

/** Incidents opened at or after `since`. */
export async function listOpenedSince(db: Firestore, since: Date, limit: number): Promise<StoredIncident[]> {
  return (await incidents(db).where('openedAt', '>=', since).limit(limit).get()).docs.map((d) => d.data());
}

/** Incidents opened in [from, to), for the metrics window. */
export async function listOpenedBetween(
  db: Firestore,
  from: Date,
  to: Date,
  limit: number,
): Promise<StoredIncident[]> {
  const q = incidents(db).where('openedAt', '>=', from).where('openedAt', '<', to);
  return (await q.limit(limit).get()).docs.map((d) => d.data());
}

/** Incidents not resolved, read outside a transaction (status views). */
export async function listUnresolved(db: Firestore, limit: number): Promise<StoredIncident[]> {
  return (await incidents(db).where('status', '!=', 'resolved').limit(limit).get()).docs.map((d) => d.data());
}

/** Follows the incidents not resolved (the live stream); returns the unsubscribe function. */
export function watchUnresolved(
  db: Firestore,
  next: (incidents: StoredIncident[]) => void,
  fail: (err: Error) => void,
): () => void {
  return incidents(db)
    .where('status', '!=', 'resolved')
    .onSnapshot((qs) => next(qs.docs.map((d) => d.data())), fail);
}
