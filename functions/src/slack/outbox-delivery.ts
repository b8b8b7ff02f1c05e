/**
 * Delivers the Slack outbox (notify/slack-outbox.ts): every pending entry goes to the channel its
 * key names in `config/slack`, in the order written, at the channel's pace. An entry stays pending
 * until Slack accepted it: a failure (Slack down, rate-limited, no channel configured yet) records
 * the attempt and the error, and the next run (every minute) tries again, so nothing is lost.
 *
 * Incident entries are one message per incident per channel, updated in place as the level rises;
 * level 3 also goes to the system-wide channel and level 4 to the emergency one (their channel keys).
 * Entries are leased while being sent so overlapping runs do not post one twice.
 */
import { FieldValue } from '@google-cloud/firestore';
import { SLACK_OUTBOX, type StoredSlackOutboxEntry } from '../notify/slack-outbox.js';
import { breakerMessage, incidentMessage, plainAlert, safeModeMessage } from './core/alerts.js';
import { gateBlocks, notice } from './core/messages.js';
import { message } from './core/blocks.js';
import { channelFor } from './core/settings.js';
import { postMessage, type SlackMessage } from './post.js';
import { incidentView, postsOf, rememberPost, updateEverywhere } from './refresh.js';
import type { SlackRuntime } from './runtime.js';
import { loadSettings } from './settings-store.js';

const LEASE_MS = 90_000;
const BATCH = 200;

type Entry = StoredSlackOutboxEntry;

export interface DeliveryResult {
  delivered: number;
  failed: number;
  pending: number;
}

const millis = (v: unknown) =>
  v instanceof Date
    ? v.getTime()
    : v && typeof v === 'object' && 'toMillis' in v
      ? (v as { toMillis(): number }).toMillis()
      : 0;

async function lease(rt: SlackRuntime, id: string): Promise<boolean> {
  const { db, clock } = rt.app;
  const ref = db.collection(SLACK_OUTBOX).doc(id);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const now = clock.now().getTime();
    if (snap.get('status') !== 'pending' || millis(snap.get('leaseUntil')) > now) return false;
    tx.update(ref, { leaseUntil: new Date(now + LEASE_MS) });
    return true;
  });
}

/** Renders an entry as its kind's message. */
async function render(rt: SlackRuntime, e: Entry): Promise<SlackMessage> {
  const base = rt.app.config.publicBaseUrl;
  const d = e.data ?? {};
  switch (e.kind) {
    case 'incident': {
      const view = await incidentView(rt.app, e.ref.id, typeof d.why === 'string' ? d.why : undefined).catch(
        () => ({
          id: e.ref.id,
          severity: String(d.severity ?? 'sev?'),
          summary: String(d.summary ?? e.text),
          level: e.level ?? 1,
          status: 'open',
        }),
      );
      return incidentMessage({ ...view, level: Math.max(view.level, e.level ?? 1) }, base);
    }
    case 'breaker':
      return breakerMessage({ text: e.text, trip: e.ref.id }, base);
    case 'safemode':
      return safeModeMessage({ text: e.text, entered: d.entered === true }, base);
    case 'gate':
      if (typeof d.runId === 'string' && typeof d.stepId === 'string' && Array.isArray(d.edges))
        return message(
          e.text,
          gateBlocks({
            runId: d.runId,
            stepId: d.stepId,
            workflow: String(d.workflow ?? ''),
            edges: d.edges.map(String),
            context: (d.context as Record<string, unknown>) ?? {},
          }),
          base,
        );
      return notice(e.text);
    default:
      return plainAlert(e.text, e.ref, base);
  }
}

/** Sends one entry: incidents (other than notes) update their earlier copies, everything else posts. */
async function send(rt: SlackRuntime, e: Entry, channel: string): Promise<{ channel: string; ts: string }> {
  const m = await render(rt, e);
  const isNote = e.kind === 'incident' && !e.data;
  if (e.kind === 'incident' && !isNote) {
    // Every earlier copy shows the new level; the level's own channel gets a post if it has none.
    await updateEverywhere(rt, e.ref, m);
    const known = (await postsOf(rt.app, e.ref))[channel];
    if (known) return { channel, ts: known };
  }
  const thread = isNote ? (await postsOf(rt.app, e.ref))[channel] : undefined;
  const posted = await postMessage(
    rt,
    channel,
    isNote
      ? { text: e.text, ...(thread ? { thread_ts: thread } : {}) }
      : { ...m, ...(thread ? { thread_ts: thread } : {}) },
    { maxWaitMs: 5000 },
  );
  if (!isNote) await rememberPost(rt.app, e.ref, posted.channel, posted.ts);
  return posted;
}

async function deliverChannel(
  rt: SlackRuntime,
  entries: Entry[],
  channel: string | undefined,
  deadline: number,
  r: DeliveryResult,
) {
  const { db, clock } = rt.app;
  for (const e of entries) {
    if (Date.now() > deadline) return;
    const ref = db.collection(SLACK_OUTBOX).doc(e.id);
    if (!channel) {
      await ref.update({
        attempts: FieldValue.increment(1),
        lastError: `no channel configured for "${e.channelKey}" in config/slack`,
        lastAttemptAt: clock.now(),
      });
      r.failed++;
      continue;
    }
    if (!(await lease(rt, e.id))) return; // another run is delivering this channel: it keeps the order
    try {
      const posted = await send(rt, e, channel);
      await ref.update({
        status: 'delivered',
        deliveredAt: clock.now(),
        attempts: FieldValue.increment(1),
        slack: posted,
        leaseUntil: FieldValue.delete(),
      });
      r.delivered++;
    } catch (err) {
      await ref.update({
        attempts: FieldValue.increment(1),
        lastError: (err as Error).message.slice(0, 500),
        lastAttemptAt: clock.now(),
        leaseUntil: FieldValue.delete(),
      });
      r.failed++;
      return; // keep the channel's order: later entries wait for this one
    }
  }
}

/** One delivery run. `budgetMs` keeps it inside the function's timeout; leftovers wait for the next run. */
export async function deliverOutbox(rt: SlackRuntime, budgetMs = 45_000): Promise<DeliveryResult> {
  const deadline = Date.now() + budgetMs;
  const settings = await loadSettings(rt.app);
  const snap = await rt.app.db.collection(SLACK_OUTBOX).where('status', '==', 'pending').limit(BATCH).get();
  const entries = snap.docs
    .map((d) => ({ ...(d.data() as Entry), id: d.id }))
    .sort((a, b) => millis(a.createdAt) - millis(b.createdAt) || a.id.localeCompare(b.id));
  const byChannel = new Map<string, { channel?: string; entries: Entry[] }>();
  for (const e of entries) {
    const channel = channelFor(settings, e.channelKey);
    const k = channel ?? `?${e.channelKey}`;
    if (!byChannel.has(k)) byChannel.set(k, { ...(channel ? { channel } : {}), entries: [] });
    byChannel.get(k)!.entries.push(e);
  }
  const r: DeliveryResult = { delivered: 0, failed: 0, pending: 0 };
  await Promise.all(
    [...byChannel.values()].map((g) => deliverChannel(rt, g.entries, g.channel, deadline, r)),
  );
  r.pending = entries.length - r.delivered;
  return r;
}
