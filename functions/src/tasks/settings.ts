/**
 * The tasks system's runtime settings: the heartbeat thresholds (`taskSettings/heartbeat`). A
 * stored document that does not parse is an error naming the field, never the manual's defaults.
 */
import type { Firestore } from '@google-cloud/firestore';
import { loadSettings, settingsRef, type SettingsSpec } from '../platform/settings.js';
import { DEFAULT_HEARTBEAT_POLICY, heartbeatPolicySchema, type HeartbeatPolicy } from './core/heartbeat.js';

export const heartbeatSettings: SettingsSpec<HeartbeatPolicy> = {
  path: 'taskSettings/heartbeat',
  schema: heartbeatPolicySchema,
  defaults: DEFAULT_HEARTBEAT_POLICY,
};

/** The thresholds in force (2 h, 15 min unless stored); throws (422, naming the field) when invalid. */
export const loadHeartbeatPolicy = (db: Firestore): Promise<HeartbeatPolicy> =>
  loadSettings(db, heartbeatSettings);

export async function saveHeartbeatPolicy(db: Firestore, policy: HeartbeatPolicy): Promise<void> {
  await settingsRef(db, heartbeatSettings).set(policy);
}
