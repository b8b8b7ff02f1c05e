/**
 * When a decision left waiting is reminded. Per kind of decision: a reminder in the message's
 * thread `remindAfterMinutes` after the decision was needed, then the manager role mentioned
 * `managerAfterMinutes` after the reminder. Incidents are not here: their escalation levels
 * (incidents/core/escalation.ts) already call people in. Pure: time comes in as a parameter.
 */
import { z } from 'zod';

export const REMINDER_KINDS = ['gate', 'run', 'classification', 'breaker', 'safemode'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

const minutes = z
  .number()
  .int('whole minutes')
  .min(1)
  .max(7 * 24 * 60);

export const reminderPeriodSchema = z
  .object({ enabled: z.boolean(), remindAfterMinutes: minutes, managerAfterMinutes: minutes })
  .strict();
export type ReminderPeriod = z.infer<typeof reminderPeriodSchema>;

export const reminderSettingsSchema = z
  .object({
    gate: reminderPeriodSchema,
    run: reminderPeriodSchema,
    classification: reminderPeriodSchema,
    breaker: reminderPeriodSchema,
    safemode: reminderPeriodSchema,
  })
  .strict();
export type ReminderSettings = z.infer<typeof reminderSettingsSchema>;

const periodChange = reminderPeriodSchema.partial().strict();

/** Any kinds, each with any fields; unknown kinds and fields are refused by name (also how they are stored). */
export const reminderChangeSchema = z
  .object({
    gate: periodChange,
    run: periodChange,
    classification: periodChange,
    breaker: periodChange,
    safemode: periodChange,
  })
  .partial()
  .strict();

/** A change as asked for: it must name at least one kind. */
export const reminderSettingsPatchSchema = reminderChangeSchema.refine(
  (p) => Object.keys(p).length > 0,
  'name at least one kind of decision to change',
);
export type ReminderSettingsPatch = z.infer<typeof reminderSettingsPatchSchema>;

/** Documented defaults (README, "Pushed decisions"). */
export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  gate: { enabled: true, remindAfterMinutes: 30, managerAfterMinutes: 60 },
  run: { enabled: true, remindAfterMinutes: 60, managerAfterMinutes: 240 },
  classification: { enabled: true, remindAfterMinutes: 120, managerAfterMinutes: 480 },
  breaker: { enabled: true, remindAfterMinutes: 15, managerAfterMinutes: 30 },
  safemode: { enabled: true, remindAfterMinutes: 30, managerAfterMinutes: 60 },
};

export function applyReminderPatch(s: ReminderSettings, p: ReminderSettingsPatch): ReminderSettings {
  const out = structuredClone(s);
  for (const k of REMINDER_KINDS) if (p[k]) out[k] = { ...out[k], ...p[k] };
  return out;
}

export const isReminderKind = (k: string): k is ReminderKind =>
  (REMINDER_KINDS as readonly string[]).includes(k);

export type ReminderStage = 'start' | 'reminder' | 'manager';

export type ReminderStep =
  | { action: 'stop'; reason: string }
  | { action: 'wait'; until: number; stage: ReminderStage }
  | {
      action: 'post';
      stage: 'reminder' | 'manager';
      waitedMinutes: number;
      then?: { until: number; stage: ReminderStage };
    };

/** What the reminder timer does at `now`, at `stage`, for a decision needed at `neededAt`. */
export function nextReminderStep(
  stage: ReminderStage,
  neededAt: number,
  p: ReminderPeriod,
  now: number,
): ReminderStep {
  if (!p.enabled) return { action: 'stop', reason: 'reminders are disabled for this kind' };
  const first = neededAt + p.remindAfterMinutes * 60_000;
  const second = first + p.managerAfterMinutes * 60_000;
  const waited = Math.floor((now - neededAt) / 60_000);
  if (stage === 'start' || (stage === 'reminder' && now < first))
    return now < first
      ? { action: 'wait', until: first, stage: 'reminder' }
      : nextReminderStep('reminder', neededAt, p, now);
  if (stage === 'reminder')
    return {
      action: 'post',
      stage: 'reminder',
      waitedMinutes: waited,
      then: { until: Math.max(second, now + 1000), stage: 'manager' },
    };
  if (now < second) return { action: 'wait', until: second, stage: 'manager' };
  return { action: 'post', stage: 'manager', waitedMinutes: waited };
}
