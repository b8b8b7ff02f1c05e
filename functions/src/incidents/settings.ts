/**
 * The incidents system's runtime settings: the escalation deadlines per severity
 * (`incidentSettings/escalation`). A stored document that does not parse is an error naming the
 * field (the API's GET and the timers refuse, `/healthz` reports it), never the defaults.
 */
import type { Firestore } from '@google-cloud/firestore';
import { loadSettings, settingsRef, type SettingsSpec } from '../platform/settings.js';
import {
  DEFAULT_ESCALATION_POLICY,
  escalationPolicySchema,
  type EscalationPolicy,
} from './core/escalation.js';

export const escalationSettings: SettingsSpec<EscalationPolicy> = {
  path: 'incidentSettings/escalation',
  schema: escalationPolicySchema,
  defaults: DEFAULT_ESCALATION_POLICY,
};

/** The deadlines in force; throws (422, naming the field) when the stored document is invalid. */
export const loadEscalationPolicy = (db: Firestore): Promise<EscalationPolicy> =>
  loadSettings(db, escalationSettings);

export async function saveEscalationPolicy(db: Firestore, policy: EscalationPolicy): Promise<void> {
  await settingsRef(db, escalationSettings).set(policy);
}
