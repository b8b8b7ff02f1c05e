/**
 * Delivers the Slack outbox (notify/slack-outbox.ts): every pending entry goes to the channel its
 * key names in `config/slack`, in the order written, at the channel's pace. An entry stays pending
 * until Slack accepted it: a failure (Slack down, rate-limited, no channel configured yet) records
 * the attempt and the error, and the next run (every minute) tries again, so nothing is lost.
 *
 * Incident entries are one message per incident per channel, updated in place as the level rises;
 * level 3 also goes to the system-wide channel and level 4 to the emergency one (their channel keys).
 * Entries are leased while being sent so overlapping runs do not post one twice.
 *
 * Pushed decisions (gates, runs awaiting approval, failures to classify, breaker, safe mode) post
 * with their buttons and start their reminders (notify/reminders.ts); a `decided` entry rewrites
 * every post of its subject in place; a `reminder` replies in the subject's thread. The App Home
 * of people who opened it is re-published when decisions were pushed or made.
 */
import { isReminderKind } from '../notify/core/reminders.js';
import type { StoredSlackOutboxEntry } from '../notify/slack-outbox.js';
import { managerMentions, reminderText, type DecidedView } from './core/decisions.js';
import { channelFor, type SlackSettings } from './core/settings.js';
import type { SlackRuntime } from './deps.js';
import { refreshHomes } from './home.js';
import { millis, renderEntry } from './outbox-render.js';
import { postMessage, updateMessage } from './post.js';
import { postsOf, rememberPost, subjectPosts, updateEverywhere } from './refresh.js';
import { loadSlackSettings } from './settings.js';

const LEASE_MS = 90_000;
const BATCH = 200;
/** `decided` entries rewrite posts wherever they are: they need no channel of their own. */
const ANYWHERE = '*';

type Entry = StoredSlackOutboxEntry;

export interface DeliveryResult {
  delivered: number;
  failed: number;
  pending: number;
}

interface Sent {
  channel: string;
  ts: string;
  /** What changed besides a post: messages rewritten, a reminder skipped because decided. */
  note?: string;
}

/** A decision made: every post of the subject is rendered again from the entry it showed, decided. */
async function sendDecided(rt: SlackRuntime, e: Entry): Promise<Sent> {
  const decided = e.data as unknown as DecidedView;
  const { posts, source } = await subjectPosts(rt.deps, e.ref);
  if (!Object.keys(posts).length) return { channel: ANYWHERE, ts: '', note: 'no post to update yet' };
  const original = source ? await rt.deps.outbox.entry(source) : undefined;
  const m = original
    ? await renderEntry(rt.deps, original, decided)
    : await renderEntry(rt.deps, { ...e, kind: 'notice' }, decided);
  const n = await updateEverywhere(rt, e.ref, m);
  return { channel: ANYWHERE, ts: '', note: `${n} message(s) rewritten` };
}

/** A reminder replies in the thread of the subject's post in this channel (or stands alone). */
async function sendReminder(rt: SlackRuntime, e: Entry, channel: string, settings: SlackSettings) {
  const d = (e.data ?? {}) as { stage?: string; waitedMinutes?: number; neededAt?: string };
  if (await rt.deps.outbox.decisionOf(e.ref, millis(d.neededAt)))
    return { channel, ts: '', note: 'skipped: decided meanwhile' };
  const thread = (await postsOf(rt.deps, e.ref))[channel];
  const text = reminderText(
    d.stage === 'manager' ? 'manager' : 'reminder',
    d.waitedMinutes ?? 0,
    thread ? '' : e.text,
    managerMentions(settings),
  );
  return postMessage(rt, channel, { text, ...(thread ? { thread_ts: thread } : {}) }, { maxWaitMs: 5000 });
}

/** Sends one entry: incidents (other than notes) update their earlier copies, everything else posts. */
async function send(rt: SlackRuntime, e: Entry, channel: string, settings: SlackSettings): Promise<Sent> {
  if (e.kind === 'decided') return sendDecided(rt, e);
  if (e.kind === 'reminder') return sendReminder(rt, e, channel, settings);
  const isNote = e.kind === 'incident' && !e.data;
  const decided = isReminderKind(e.kind)
    ? await rt.deps.outbox.decisionOf(e.ref, millis(e.createdAt))
    : undefined;
  const m = await renderEntry(rt.deps, e, decided);
  if (e.kind === 'incident' && !isNote) {
    // Every earlier copy shows the new level; the level's own channel gets a post if it has none.
    await updateEverywhere(rt, e.ref, m);
    const known = (await postsOf(rt.deps, e.ref))[channel];
    if (known) return { channel, ts: known };
  }
  const thread = isNote ? (await postsOf(rt.deps, e.ref))[channel] : undefined;
  const posted = await postMessage(
    rt,
    channel,
    isNote
      ? { text: e.text, ...(thread ? { thread_ts: thread } : {}) }
      : { ...m, ...(thread ? { thread_ts: thread } : {}) },
    { maxWaitMs: 5000 },
  );
  if (isNote) return posted;
  await rememberPost(rt.deps, e.ref, posted.channel, posted.ts, e.id);
  if (isReminderKind(e.kind) && !decided) {
    // Decided while this was posted: the decided entry may have found no post to rewrite yet.
    const late = await rt.deps.outbox.decisionOf(e.ref, millis(e.createdAt));
    if (late) await updateMessage(rt, posted.channel, posted.ts, await renderEntry(rt.deps, e, late));
  }
  return posted;
}

/** Pushed decisions get reminders; the ones whose start failed are started again by the next run. */
const remindsAbout = (e: Entry) =>
  isReminderKind(e.kind) && !(e.kind === 'safemode' && e.data?.entered !== true); // an exit asks nothing

async function startRemindersOf(rt: SlackRuntime, entries: Entry[]): Promise<void> {
  await Promise.all(
    entries.map(async (e) => {
      try {
        await rt.deps.outbox.startReminders(e);
      } catch (err) {
        rt.deps.log.warn('starting reminders failed; the next outbox run tries again', { id: e.id, err });
      }
    }),
  );
}

async function deliverChannel(
  rt: SlackRuntime,
  settings: SlackSettings,
  entries: Entry[],
  channel: string | undefined,
  deadline: number,
  r: DeliveryResult & { sent: Entry[] },
) {
  const { outbox } = rt.deps;
  for (const e of entries) {
    if (Date.now() > deadline) return;
    if (!channel) {
      await outbox.failed(e.id, `no channel configured for "${e.channelKey}" in config/slack`, false);
      r.failed++;
      continue;
    }
    // Another run is delivering this channel: it keeps the order.
    if (!(await outbox.lease(e.id, LEASE_MS))) return;
    try {
      const sent = await send(rt, e, channel, settings);
      await outbox.delivered(e.id, sent, remindsAbout(e));
      r.delivered++;
      r.sent.push(e);
    } catch (err) {
      await outbox.failed(e.id, (err as Error).message.slice(0, 500), true);
      r.failed++;
      return; // keep the channel's order: later entries wait for this one
    }
  }
}

/** After the posts: reminders for the decisions pushed (and any left due), and the App Homes. */
async function afterDelivery(rt: SlackRuntime, sent: Entry[]): Promise<void> {
  const start = new Map<string, Entry>();
  for (const e of await rt.deps.outbox.remindersDue(50)) start.set(e.id, e);
  for (const e of sent) if (remindsAbout(e)) start.set(e.id, e);
  await startRemindersOf(rt, [...start.values()]);
  if (sent.some((e) => remindsAbout(e) || e.kind === 'decided' || e.kind === 'incident'))
    await refreshHomes(rt).catch((err: unknown) =>
      rt.deps.log.warn('App Home refresh failed; it is rebuilt when opened', { err }),
    );
}

/**
 * One delivery run. `budgetMs` keeps it inside the function's timeout; leftovers wait for the next
 * run. A run that delivered something looks again before it ends: an entry committed while it ran
 * may have been kicked into a run that found this run holding its channel and left it (to keep the
 * channel's order), so this run delivers it rather than the minute job. A channel whose entry failed
 * is not looked at again in the same run: later entries wait behind the failed one.
 */
export async function deliverOutbox(rt: SlackRuntime, budgetMs = 45_000): Promise<DeliveryResult> {
  const deadline = Date.now() + budgetMs;
  const settings = await loadSlackSettings(rt.deps.db);
  const seen = new Set<string>();
  const stalled = new Set<string>();
  const r = { delivered: 0, failed: 0, pending: 0, sent: [] as Entry[] };
  let left = 0;
  for (let pass = 0; pass < 10 && Date.now() < deadline; pass++) {
    const pending = await rt.deps.outbox.pending(BATCH);
    const entries = pending
      .filter((e) => !seen.has(e.id))
      .sort((a, b) => millis(a.createdAt) - millis(b.createdAt) || a.id.localeCompare(b.id));
    left = pending.length;
    if (!entries.length) break;
    const byChannel = new Map<string, { channel?: string; entries: Entry[] }>();
    for (const e of entries) {
      seen.add(e.id);
      const channel = channelFor(settings, e.channelKey) ?? (e.kind === 'decided' ? ANYWHERE : undefined);
      const k = channel ?? `?${e.channelKey}`;
      if (stalled.has(k)) continue;
      if (!byChannel.has(k)) byChannel.set(k, { ...(channel ? { channel } : {}), entries: [] });
      byChannel.get(k)!.entries.push(e);
    }
    const before = r.delivered;
    await Promise.all(
      [...byChannel.entries()].map(async ([k, g]) => {
        const failed = r.failed;
        await deliverChannel(rt, settings, g.entries, g.channel, deadline, r);
        if (r.failed > failed) stalled.add(k);
      }),
    );
    left -= r.delivered - before;
    if (r.delivered === before) break;
  }
  await afterDelivery(rt, r.sent);
  return { delivered: r.delivered, failed: r.failed, pending: Math.max(0, left) };
}
