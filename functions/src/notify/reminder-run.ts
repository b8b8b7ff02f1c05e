/** A decision-reminders run: the workflow's name, its input, and the run id per outbox entry. */
import { z } from 'zod';

export const REMINDER_WORKFLOW = 'decision-reminders';

export const reminderInputSchema = z.strictObject({
  /** The outbox entry of the decision (its id names the run). */
  entryId: z.string().min(1).max(400),
  kind: z.string().min(1).max(40),
  subject: z.strictObject({ type: z.string().min(1).max(40), id: z.string().min(1).max(400) }),
  channelKey: z.string().min(1).max(40),
  /** ISO time the decision was needed (the entry's creation). */
  neededAt: z.string().max(40),
  /** The original message's plain text, repeated in the reminder. */
  about: z.string().max(4000),
});

export type ReminderInput = z.infer<typeof reminderInputSchema>;

export const reminderRunId = (entryId: string) => `remind-${entryId}`;
