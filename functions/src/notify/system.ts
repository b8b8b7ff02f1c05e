/**
 * Pushed decisions (notify): the Slack outbox's store and the reminders of decisions left waiting.
 * Producers write entries with slack-outbox.ts inside their own transactions; this system serves
 * the delivery (the Slack app reads and marks entries through `outbox`), starts reminders, and
 * keeps the reminder periods (`config/reminders`).
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from '../platform/log.js';
import type { Actor, Clock } from '../shared/ports.js';
import { systemActor } from '../shared/ports.js';
import type { ReminderSettings, ReminderSettingsPatch } from './core/reminders.js';
import {
  entriesWithRemindersDue,
  leaseEntry,
  markAttemptFailed,
  markDelivered,
  markRemindersStarted,
  pendingEntries,
  readDecision,
  readEntry,
} from './outbox-repo.js';
import type { DecidedView, StoredSlackOutboxEntry } from './outbox-types.js';
import { REMINDER_WORKFLOW, reminderRunId, type ReminderInput } from './reminder-run.js';
import { changeReminderSettings, loadReminderSettings } from './settings.js';
import { decidedEntryId } from './slack-outbox.js';

export interface NotifyDeps {
  db: Firestore;
  clock: Clock;
  log: Logger;
  /** The step engine's start (idempotent by `runId`). */
  startWorkflow: (req: {
    workflow: string;
    input: ReminderInput;
    actor: Actor;
    runId: string;
  }) => Promise<unknown>;
}

/** What the delivery of the outbox needs: read pending entries, lease and mark them. */
export interface OutboxStore {
  pending(limit: number): Promise<StoredSlackOutboxEntry[]>;
  entry(id: string): Promise<StoredSlackOutboxEntry | undefined>;
  /** The decision about `subject` made at or after `since` (ms), if any. */
  decisionOf(subject: { type: string; id: string }, since: number): Promise<DecidedView | undefined>;
  lease(id: string, leaseMs: number): Promise<boolean>;
  delivered(
    id: string,
    slack: { channel: string; ts: string; note?: string },
    remind: boolean,
  ): Promise<void>;
  failed(id: string, error: string, leased: boolean): Promise<void>;
  remindersDue(limit: number): Promise<StoredSlackOutboxEntry[]>;
  /** Starts (idempotently) the reminders of a delivered decision entry and marks them started. */
  startReminders(e: StoredSlackOutboxEntry): Promise<void>;
}

export interface Notify {
  outbox: OutboxStore;
  reminderSettings(): Promise<ReminderSettings>;
  changeReminderSettings(patch: ReminderSettingsPatch, actor: Actor): Promise<ReminderSettings>;
}

const isoAt = (v: string | undefined) => {
  const t = v ? new Date(v).getTime() : NaN;
  return Number.isNaN(t) ? 0 : t;
};

export function createNotify(deps: NotifyDeps): Notify {
  const { db, clock } = deps;
  const outbox: OutboxStore = {
    pending: (limit) => pendingEntries(db, limit),
    entry: (id) => readEntry(db, id),
    async decisionOf(subject, since) {
      const d = await readDecision(db, decidedEntryId(subject));
      return d && isoAt(d.at) >= since ? d : undefined;
    },
    lease: (id, leaseMs) => {
      const now = clock.now().getTime();
      return leaseEntry(db, id, now, now + leaseMs);
    },
    delivered: (id, slack, remind) => markDelivered(db, id, { at: clock.now(), slack, remind }),
    failed: (id, error, leased) => markAttemptFailed(db, id, { at: clock.now(), error, leased }),
    remindersDue: (limit) => entriesWithRemindersDue(db, limit),
    async startReminders(e) {
      await deps.startWorkflow({
        workflow: REMINDER_WORKFLOW,
        // The reminder repeats the message's text; the first 3,000 characters say what it is about.
        input: {
          entryId: e.id,
          kind: e.kind,
          subject: e.ref,
          channelKey: e.channelKey,
          neededAt: e.createdAt.toISOString(),
          about: e.text.slice(0, 3000),
        },
        actor: systemActor('reminders'),
        runId: reminderRunId(e.id),
      });
      await markRemindersStarted(db, e.id);
    },
  };
  return {
    outbox,
    reminderSettings: () => loadReminderSettings(db),
    changeReminderSettings: (patch, actor) => changeReminderSettings({ db, clock }, patch, actor),
  };
}
