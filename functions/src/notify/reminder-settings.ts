/**
 * The reminder periods per kind of decision, in `config/reminders` (only the kinds changed are
 * stored; the rest keep their documented defaults). A stored document that fails to parse is an
 * error naming the field, never silently replaced by the defaults.
 */
import type { Firestore } from '@google-cloud/firestore';
import { recordAudit } from '../platform/audit.js';
import { AppError, describeIssues } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import {
  applyReminderPatch,
  DEFAULT_REMINDER_SETTINGS,
  reminderSettingsPatchSchema,
  type ReminderSettings,
  type ReminderSettingsPatch,
} from './core/reminders.js';

export const REMINDER_SETTINGS_DOC = { collection: 'config', id: 'reminders' } as const;

const ref = (db: Firestore) => db.collection(REMINDER_SETTINGS_DOC.collection).doc(REMINDER_SETTINGS_DOC.id);

export async function loadReminderSettings(db: Firestore): Promise<ReminderSettings> {
  const snap = await ref(db).get();
  if (!snap.exists) return DEFAULT_REMINDER_SETTINGS;
  const parsed = reminderSettingsPatchSchema.safeParse(snap.data());
  if (!parsed.success)
    throw new AppError(
      'internal',
      `config/reminders is invalid: ${describeIssues(parsed.error.issues).join('; ')}`,
    );
  return applyReminderPatch(DEFAULT_REMINDER_SETTINGS, parsed.data);
}

/** Changes some kinds' periods (validated by the route), audited; returns the settings in force. */
export async function changeReminderSettings(
  deps: { db: Firestore; clock: { now(): Date } },
  patch: ReminderSettingsPatch,
  actor: Actor,
): Promise<ReminderSettings> {
  const at = deps.clock.now();
  const next = await deps.db.runTransaction(async (tx) => {
    const snap = await tx.get(ref(deps.db));
    const stored = snap.exists ? reminderSettingsPatchSchema.safeParse(snap.data()) : undefined;
    // A broken stored document is replaced by defaults plus this change, which an operator asked for.
    const current = applyReminderPatch(DEFAULT_REMINDER_SETTINGS, stored?.success ? stored.data : {});
    const merged = applyReminderPatch(current, patch);
    tx.set(ref(deps.db), merged);
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
