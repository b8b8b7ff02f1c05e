/**
 * The reminder periods per kind of decision, `config/reminders` (only the kinds changed need be
 * stored; the rest keep their documented defaults). Read through platform/settings.ts: a stored
 * document that fails to parse is an error naming the field, never silently replaced by defaults.
 */
import type { Firestore } from '@google-cloud/firestore';
import { recordAudit } from '../platform/audit.js';
import { loadSettings, parseSettings, settingsRef, type SettingsSpec } from '../platform/settings.js';
import type { Actor, Clock } from '../shared/ports.js';
import {
  applyReminderPatch,
  DEFAULT_REMINDER_SETTINGS,
  reminderChangeSchema,
  type ReminderSettings,
  type ReminderSettingsPatch,
} from './core/reminders.js';

/** As stored: any kinds, each with any fields, merged over the defaults. */
const storedSchema = reminderChangeSchema.transform((patch) =>
  applyReminderPatch(DEFAULT_REMINDER_SETTINGS, patch),
);

export const REMINDER_SETTINGS: SettingsSpec<ReminderSettings> = {
  path: 'config/reminders',
  schema: storedSchema,
  defaults: DEFAULT_REMINDER_SETTINGS,
};

export function loadReminderSettings(db: Firestore): Promise<ReminderSettings> {
  return loadSettings(db, REMINDER_SETTINGS);
}

/** Changes some kinds' periods (validated by the route), audited; returns the settings in force. */
export async function changeReminderSettings(
  deps: { db: Firestore; clock: Clock },
  patch: ReminderSettingsPatch,
  actor: Actor,
): Promise<ReminderSettings> {
  const at = deps.clock.now();
  const ref = settingsRef(deps.db, REMINDER_SETTINGS);
  const next = await deps.db.runTransaction(async (tx) => {
    const stored = parseSettings(REMINDER_SETTINGS, await tx.get(ref));
    // A broken stored document is replaced by defaults plus this change, which an operator asked for.
    const merged = applyReminderPatch(stored.ok ? stored.value : DEFAULT_REMINDER_SETTINGS, patch);
    tx.set(ref, merged);
    return merged;
  });
  await recordAudit(
    deps.db,
    {
      actor,
      action: 'settings.reminders',
      target: 'settings/reminders',
      outcome: 'ok',
      via: 'api',
      details: { change: patch },
    },
    at,
  );
  return next;
}
