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
import type { StepContext, StepOutcome, WorkflowDefinition } from '../engine/workflow.js';
import {
  isReminderKind,
  nextReminderStep,
  type ReminderSettings,
  type ReminderStage,
} from './core/reminders.js';
import { readDecision } from './outbox-repo.js';
import { REMINDER_WORKFLOW, reminderInputSchema, type ReminderInput } from './reminder-run.js';
import { decidedEntryId, enqueueSlack } from './slack-outbox.js';

export interface ReminderOutput {
  stopped?: string;
  posted?: 'reminder' | 'manager';
  waitedMinutes?: number;
}

export interface DecisionRemindersDeps {
  db: Firestore;
  /** The periods in force (`config/reminders`); throws when the stored document is invalid. */
  reminderSettings: () => Promise<ReminderSettings>;
}

const at = (v: string | undefined) => {
  const t = v === undefined ? NaN : new Date(v).getTime();
  return Number.isNaN(t) ? 0 : t;
};

async function decidedSince(
  db: Firestore,
  subject: ReminderInput['subject'],
  since: number,
  tx?: Transaction,
): Promise<boolean> {
  const d = await readDecision(db, decidedEntryId(subject), tx);
  return !!d && at(d.at) >= since;
}

/** The workflow to register. Not autonomous: a breaker trip must still be reminded while it pauses the muse. */
export function decisionRemindersWorkflow(deps: DecisionRemindersDeps): WorkflowDefinition {
  async function timer(ctx: StepContext): Promise<StepOutcome> {
    const input = reminderInputSchema.parse(ctx.input);
    const neededAt = at(input.neededAt);
    if (await decidedSince(deps.db, input.subject, neededAt))
      return { type: 'done', output: { stopped: 'decided' } satisfies ReminderOutput };
    if (!isReminderKind(input.kind))
      return { type: 'done', output: { stopped: `no reminders for ${input.kind}` } satisfies ReminderOutput };
    const settings = await deps.reminderSettings();
    const stage = (ctx.wake?.state as { stage?: ReminderStage } | null)?.stage ?? 'start';
    const next = nextReminderStep(stage, neededAt, settings[input.kind], ctx.now.getTime());
    if (next.action === 'stop')
      return { type: 'done', output: { stopped: next.reason } satisfies ReminderOutput };
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
    const output: ReminderOutput = { posted: next.stage, waitedMinutes: next.waitedMinutes };
    if (!next.then) return { type: 'done', output, effect, slack: true };
    return {
      type: 'wait',
      until: new Date(next.then.until),
      state: { stage: next.then.stage },
      effect,
      slack: true,
    };
  }

  return {
    name: REMINDER_WORKFLOW,
    autonomous: false,
    input: reminderInputSchema,
    graph: () => ({ start: ['timer'], steps: { timer: { type: 'timer' } } }),
    handlers: { timer },
  };
}
