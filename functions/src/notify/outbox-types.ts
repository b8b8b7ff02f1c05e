/** The shapes of Slack outbox entries, shared by the producers' API (slack-outbox.ts) and the store. */

export interface SlackOutboxEntry {
  /** What kind of message, so the Slack app can render it: incident, breaker, safemode, report, gate, run. */
  kind:
    | 'incident'
    | 'breaker'
    | 'safemode'
    | 'report'
    | 'gate'
    | 'run'
    | 'classification'
    | 'reminder'
    | 'notice'
    | 'decided'
    | 'alert';
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
  lastAttemptAt?: Date;
  /** While a delivery run sends it. */
  leaseUntil?: Date;
  /** Where it went: the post's channel and ts, or what changed instead. */
  slack?: { channel: string; ts: string; note?: string };
  /** A pushed decision's reminders: `due` once posted, `started` once their run is started. */
  reminders?: 'due' | 'started';
}

/** A decision as its subject's `decided` entry records it (`data`). */
export interface DecidedView {
  by: string;
  what: string;
  why?: string;
  /** ISO time. */
  at: string;
}
