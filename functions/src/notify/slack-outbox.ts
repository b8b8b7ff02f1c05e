/**
 * The Slack outbox: anything the product must tell people (escalations, breaker trips, safe mode,
 * reports, gates) is written here first, in the same transaction as the change when there is one.
 * The Slack app delivers pending entries and retries failures, so nothing is lost while Slack is down.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';

export const SLACK_OUTBOX = 'slackOutbox';

export interface SlackOutboxEntry {
  /** What kind of message, so the Slack app can render it: incident, breaker, safemode, report, gate, run. */
  kind: 'incident' | 'breaker' | 'safemode' | 'report' | 'gate' | 'run' | 'notice';
  /** Where it goes: a key into the channel config (e.g. `alerts`, `level-3`, `finance`), not a raw channel id. */
  channelKey: string;
  /** Plain-text fallback, always present. */
  text: string;
  /** What the message is about, so updates in place can find the earlier post. */
  ref: { type: string; id: string };
  /** Escalation level (1-4) for incident messages. */
  level?: number;
  data?: Record<string, unknown>;
}

export interface StoredSlackOutboxEntry extends SlackOutboxEntry {
  id: string;
  status: 'pending' | 'delivered';
  attempts: number;
  lastError?: string;
  createdAt: Date;
  deliveredAt?: Date;
}

/**
 * Enqueues an entry. `id` makes it idempotent: a redelivered message that enqueues the same id
 * again changes nothing.
 */
export function enqueueSlack(
  db: Firestore,
  tx: Transaction,
  id: string,
  entry: SlackOutboxEntry,
  at: Date,
): void {
  tx.set(
    db.collection(SLACK_OUTBOX).doc(id),
    { ...entry, id, status: 'pending', attempts: 0, createdAt: at },
    { merge: false },
  );
}
