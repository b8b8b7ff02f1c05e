/**
 * Reminders of decisions left waiting, on the step engine. Each pushed decision gets one
 * `decision-reminders` run (id `remind-<outbox entry id>`, started when its message is first
 * delivered) whose `timer` step waits durably (the engine's `wait` outcome: an outbox entry due at
 * the deadline, published by the sweep), then enqueues a reminder for the message's thread, waits
 * again, and enqueues the manager role's mention. A decision made in between (its `decided` entry,
 * written in the decision's own transaction) stops it: the step re-reads it in its commit
 * transaction, so a reminder is never written after the decision committed.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { z } from 'zod';
import { engineOf } from '../wiring/engine.js';
import type { StepContext, StepOutcome, WorkflowDefinition } from '../engine/workflow.js';
import type { Container } from '../platform/container.js';
import { systemActor } from '../shared/ports.js';
import { isReminderKind, nextReminderStep, type ReminderStage } from './core/reminders.js';
import { loadReminderSettings } from './reminder-settings.js';
import { decidedEntryId, enqueueSlack, SLACK_OUTBOX } from './slack-outbox.js';

export const REMINDER_WORKFLOW = 'decision-reminders';

export interface ReminderInput {
  /** The outbox entry of the decision (its id names the run). */
  entryId: string;
  kind: string;
  subject: { type: string; id: string };
  channelKey: string;
  /** ISO time the decision was needed (the entry's creation). */
  neededAt: string;
  /** The original message's plain text, repeated in the reminder. */
  about: string;
}

const at = (v: unknown) => {
  const d = (v as { toDate?: () => Date })?.toDate?.() ?? new Date(v as string);
  return Number.isNaN(d.getTime()) ? 0 : d.getTime();
};

async function decidedSince(
  db: Firestore,
  subject: ReminderInput['subject'],
  since: number,
  tx?: Transaction,
): Promise<boolean> {
  const ref = db.collection(SLACK_OUTBOX).doc(decidedEntryId(subject));
  const snap = tx ? await tx.get(ref) : await ref.get();
  return snap.exists && at(snap.get('data.at')) >= since;
}

async function timer(ctx: StepContext): Promise<StepOutcome> {
  const input = ctx.input as unknown as ReminderInput;
  const neededAt = at(input.neededAt);
  const db = ctx.app.db;
  if (await decidedSince(db, input.subject, neededAt))
    return { type: 'done', output: { stopped: 'decided' } };
  if (!isReminderKind(input.kind))
    return { type: 'done', output: { stopped: `no reminders for ${input.kind}` } };
  const settings = await loadReminderSettings(db);
  const stage = ((ctx.wake?.state as { stage?: ReminderStage } | null)?.stage ?? 'start') as ReminderStage;
  const next = nextReminderStep(stage, neededAt, settings[input.kind], ctx.now.getTime());
  if (next.action === 'stop') return { type: 'done', output: { stopped: next.reason } };
  if (next.action === 'wait')
    return { type: 'wait', until: new Date(next.until), state: { stage: next.stage } };
  const effect = async (tx: Transaction, fdb: Firestore) => {
    if (await decidedSince(fdb, input.subject, neededAt, tx)) return; // decided while this ran
    enqueueSlack(
      fdb,
      tx,
      `remind~${input.entryId}~${next.stage}`,
      {
        kind: 'reminder',
        channelKey: input.channelKey,
        text: input.about,
        ref: input.subject,
        data: { stage: next.stage, waitedMinutes: next.waitedMinutes, neededAt: input.neededAt },
      },
      ctx.now,
    );
  };
  const output = { posted: next.stage, waitedMinutes: next.waitedMinutes };
  if (!next.then) return { type: 'done', output, effect, slack: true };
  return {
    type: 'wait',
    until: new Date(next.then.until),
    state: { stage: next.then.stage },
    effect,
    slack: true,
  };
}

/** The workflow to register. Not autonomous: a breaker trip must still be reminded while it pauses the muse. */
export const decisionRemindersWorkflow: WorkflowDefinition = {
  name: REMINDER_WORKFLOW,
  autonomous: false,
  input: z.strictObject({
    entryId: z.string().min(1).max(400),
    kind: z.string().min(1).max(40),
    subject: z.strictObject({ type: z.string().min(1).max(40), id: z.string().min(1).max(400) }),
    channelKey: z.string().min(1).max(40),
    neededAt: z.string().max(40),
    about: z.string().max(4000),
  }),
  graph: () => ({ start: ['timer'], steps: { timer: { type: 'timer' } } }),
  handlers: { timer },
};

export const reminderRunId = (entryId: string) => `remind-${entryId}`;

/** Starts (idempotently) the reminders of a pushed decision. */
export async function startReminders(app: Container, input: ReminderInput): Promise<void> {
  await engineOf(app).startWorkflowRun({
    workflow: REMINDER_WORKFLOW,
    // The reminder repeats the message's text; the first 3,000 characters say what it is about.
    input: { ...input, about: input.about.slice(0, 3000) } as unknown as Record<string, unknown>,
    actor: systemActor('reminders'),
    runId: reminderRunId(input.entryId),
  });
}
