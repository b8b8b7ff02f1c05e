/** Reading incidents back (Timestamps revived) and the escalation settings in force. */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { notFound } from '../shared/errors.js';
import { revive } from '../tasks/store.js';
import {
  DEFAULT_ESCALATION_POLICY,
  escalationPolicySchema,
  type EscalationPolicy,
} from './core/escalation.js';
import type { Incident } from './core/incident.js';
import { INCIDENTS } from './open-incident.js';

/** Runtime-tunable settings (escalation deadlines per severity). */
export const INCIDENT_SETTINGS = 'incidentSettings';

export type StoredIncident = Incident & { levelSince?: Date };

export const incidentRef = (db: Firestore, id: string) => db.collection(INCIDENTS).doc(id);

export function incidentFrom(data: FirebaseFirestore.DocumentData | undefined): StoredIncident | undefined {
  return data ? revive<StoredIncident>(data) : undefined;
}

export async function getIncident(deps: { db: Firestore }, id: string): Promise<StoredIncident> {
  const inc = incidentFrom((await incidentRef(deps.db, id).get()).data());
  if (!inc) throw notFound(`unknown incident "${id}"`);
  return inc;
}

export async function readIncidentTx(db: Firestore, tx: Transaction, id: string): Promise<StoredIncident> {
  const inc = incidentFrom((await tx.get(incidentRef(db, id))).data());
  if (!inc) throw notFound(`unknown incident "${id}"`);
  return inc;
}

export async function loadEscalationPolicy(db: Firestore): Promise<EscalationPolicy> {
  const parsed = escalationPolicySchema.safeParse(
    (await db.collection(INCIDENT_SETTINGS).doc('escalation').get()).data(),
  );
  return parsed.success ? parsed.data : DEFAULT_ESCALATION_POLICY;
}
