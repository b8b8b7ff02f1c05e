/**
 * Once-only Slack work. Slack retries a request it thinks went unanswered (`X-Slack-Retry-Num`) and
 * people double-click; both arrive with the same key (the trigger id of a command, the message and
 * state a button was clicked on). A job document per key records how far the work got:
 *
 *   running  -> the effect may be under way (a crash here re-runs it; use cases refuse duplicates)
 *   effected -> the effect committed; only the stored reply is still to send (whoever holds the
 *               reply lease sends it, so two concurrent twins never both answer)
 *   done     -> nothing left to do: a repeat is dropped
 */
import { createHash } from 'node:crypto';
import { FieldValue } from '@google-cloud/firestore';
import type { Container } from '../platform/container.js';
import { AppError } from '../shared/errors.js';
import type { SlackMessage } from './post.js';

export const SLACK_JOBS = 'slackJobs';
/** Kept for a day, then removed by Firestore TTL on `expireAt`. */
const KEEP_MS = 24 * 3600_000;
/** A `running` job older than this is taken to have crashed, and runs again. */
const RUNNING_LEASE_MS = 60_000;

export type Claim = { state: 'new' } | { state: 'effected'; reply?: Reply } | { state: 'done' };

export interface Reply extends SlackMessage {
  inChannel?: boolean;
  replaceOriginal?: boolean;
}

const millisOf = (v: unknown) => (v as { toMillis(): number } | undefined)?.toMillis?.() ?? 0;

export const jobId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 40);

/** Claims a key. `new` means go ahead; otherwise the work already ran (fully or up to its reply). */
export async function claim(app: Container, key: string): Promise<Claim> {
  const ref = app.db.collection(SLACK_JOBS).doc(jobId(key));
  return app.db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const now = app.clock.now();
    if (snap.exists) {
      const state = snap.get('state') as string;
      if (state === 'done') {
        tx.update(ref, { repeats: FieldValue.increment(1) }); // counted, so a repeat is visible
        return { state: 'done' };
      }
      // A twin is running it, or sending its reply, now: come back later (Pub/Sub redelivers), by
      // when it is done. Only a holder silent past the lease is taken to have crashed.
      const heldSince = millisOf(snap.get(state === 'effected' ? 'replyingAt' : 'startedAt'));
      if (now.getTime() - heldSince < RUNNING_LEASE_MS)
        throw new AppError('unavailable', 'the same Slack request is being handled; retry later');
      if (state === 'effected') {
        tx.update(ref, { replyingAt: now });
        return { state: 'effected', reply: snap.get('reply') as Reply | undefined };
      }
    }
    tx.set(ref, {
      key: key.slice(0, 500),
      state: 'running',
      startedAt: now,
      expireAt: new Date(now.getTime() + KEEP_MS),
    });
    return { state: 'new' };
  });
}

export async function markEffected(app: Container, key: string, reply: Reply | undefined): Promise<void> {
  await app.db
    .collection(SLACK_JOBS)
    .doc(jobId(key))
    .set(
      {
        state: 'effected',
        // The effect's holder sends the reply next: a twin arriving meanwhile waits for the lease.
        replyingAt: app.clock.now(),
        ...(reply ? { reply: JSON.parse(JSON.stringify(reply)) as Reply } : {}),
      },
      { merge: true },
    );
}

export async function markDone(app: Container, key: string): Promise<void> {
  await app.db
    .collection(SLACK_JOBS)
    .doc(jobId(key))
    .set({ state: 'done', doneAt: app.clock.now() }, { merge: true });
}

/**
 * A create-once marker for work done inline (modal submissions): true the first time, false for
 * a repeat of the same key.
 */
export async function firstTime(app: Container, key: string): Promise<boolean> {
  const now = app.clock.now();
  try {
    await app.db
      .collection(SLACK_JOBS)
      .doc(jobId(key))
      .create({
        key: key.slice(0, 500),
        state: 'done',
        startedAt: now,
        expireAt: new Date(now.getTime() + KEEP_MS),
      });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 6) return false; // ALREADY_EXISTS
    throw err;
  }
}

/** Releases an inline marker when the work failed in a way worth retrying. */
export async function release(app: Container, key: string): Promise<void> {
  await app.db.collection(SLACK_JOBS).doc(jobId(key)).delete();
}
