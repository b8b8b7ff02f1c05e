/**
 * The Slack outbox: anything the product must tell people (escalations, breaker trips, safe mode,
 * reports, gates) is written here first, in the same transaction as the change when there is one.
 * The Slack app delivers pending entries and retries failures, so nothing is lost while Slack is down.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import { entryExists, writeEntry, type OutboxWriter } from './outbox-repo.js';
import type { SlackOutboxEntry } from './outbox-types.js';

export type { DecidedView, SlackOutboxEntry, StoredSlackOutboxEntry } from './outbox-types.js';
export type { OutboxWriter } from './outbox-repo.js';

/**
 * Enqueues an entry. `id` makes it idempotent: a redelivered message that enqueues the same id
 * again changes nothing.
 */
export function enqueueSlack(
  db: Firestore,
  tx: OutboxWriter,
  id: string,
  entry: SlackOutboxEntry,
  at: Date,
): void {
  // A plain set replaces the whole document: an id enqueued again starts over as pending.
  writeEntry(db, tx, { ...entry, id, status: 'pending', attempts: 0, createdAt: at });
}

/** Whether an entry with this id was ever enqueued (read in `tx`, for enqueue-once producers). */
export function outboxEntryExists(db: Firestore, tx: Transaction, id: string): Promise<boolean> {
  return entryExists(db, tx, id);
}

/**
 * A subject whose decision was just made (from a button, `/muse` or the API). Every Slack message
 * about it is rewritten in place by the delivery: who decided what, when and why, buttons removed.
 * Enqueue it in the same transaction as the decision, then `kickSlackOutbox` after the commit.
 */
export interface DecidedNote {
  /** Who decided: a Slack user id (`U…`), an API key id, or `system:<name>` for automatic recoveries. */
  by: string;
  /** What was decided, in a few words: `approve`, `acknowledged`, `override`, `resolved: heartbeat recovered`. */
  what: string;
  why?: string;
  at: Date;
}

/** The id of a subject's decided entry: one per subject, so it also marks the subject as decided. */
export const decidedEntryId = (subject: { type: string; id: string }) =>
  `decided~${subject.type}~${subject.id}`.replace(/\//g, '_');

export function enqueueDecided(
  db: Firestore,
  tx: OutboxWriter,
  subject: { type: string; id: string },
  note: DecidedNote,
  channelKey = 'default',
): void {
  const id = decidedEntryId(subject);
  enqueueSlack(
    db,
    tx,
    id,
    {
      kind: 'decided',
      channelKey,
      text: `${subject.type} ${subject.id}: ${note.what} by ${note.by}${note.why ? ` (${note.why})` : ''}`,
      ref: subject,
      data: {
        by: note.by,
        what: note.what,
        ...(note.why ? { why: note.why } : {}),
        at: note.at.toISOString(),
      },
    },
    note.at,
  );
}

/** The scheduler job's message, so a kick is a valid firing of `slack-outbox`. */
export const SLACK_OUTBOX_TOPIC = 'slack-outbox';

/**
 * Asks for delivery now, after a commit that enqueued entries: publishes one `slack-outbox` firing.
 * Best effort by design: if the publish fails, the every-minute job delivers the entry anyway, so
 * a failure is logged, never thrown into the use case that already committed.
 */
export async function kickSlackOutbox(app: { bus: Bus; log: Logger }): Promise<void> {
  try {
    await app.bus.publish(SLACK_OUTBOX_TOPIC, { job: 'slack-outbox', kick: true });
  } catch (err) {
    app.log.warn('slack outbox kick failed; the minute job will deliver', { error: (err as Error).message });
  }
}
