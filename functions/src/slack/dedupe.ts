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
import type { Firestore } from '@google-cloud/firestore';
import { AppError } from '../shared/errors.js';
import type { Clock } from '../shared/ports.js';
import type { Reply } from './reply.js';
import {
  countRepeatTx,
  createJobOnce,
  deleteJob,
  holdReplyTx,
  readJobTx,
  startJobTx,
  updateJob,
} from './repo.js';

/** Kept for a day, then removed by Firestore TTL on `expireAt`. */
const KEEP_MS = 24 * 3600_000;
/** A `running` job older than this is taken to have crashed, and runs again. */
const RUNNING_LEASE_MS = 60_000;

export type Claim = { state: 'new' } | { state: 'effected'; reply?: Reply } | { state: 'done' };

export const jobId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 40);

type Deps = { db: Firestore; clock: Clock };

/** Claims a key. `new` means go ahead; otherwise the work already ran (fully or up to its reply). */
export async function claim({ db, clock }: Deps, key: string): Promise<Claim> {
  const id = jobId(key);
  return db.runTransaction(async (tx) => {
    const job = await readJobTx(db, tx, id);
    const now = clock.now();
    if (job) {
      if (job.state === 'done') {
        countRepeatTx(db, tx, id); // counted, so a repeat is visible
        return { state: 'done' };
      }
      // A twin is running it, or sending its reply, now: come back later (Pub/Sub redelivers), by
      // when it is done. Only a holder silent past the lease is taken to have crashed.
      const heldSince = (job.state === 'effected' ? job.replyingAt : job.startedAt)?.getTime() ?? 0;
      if (now.getTime() - heldSince < RUNNING_LEASE_MS)
        throw new AppError('unavailable', 'the same Slack request is being handled; retry later');
      if (job.state === 'effected') {
        holdReplyTx(db, tx, id, now);
        return { state: 'effected', reply: job.reply };
      }
    }
    startJobTx(db, tx, id, {
      key: key.slice(0, 500),
      state: 'running',
      startedAt: now,
      expireAt: new Date(now.getTime() + KEEP_MS),
    });
    return { state: 'new' };
  });
}

export async function markEffected(
  { db, clock }: Deps,
  key: string,
  reply: Reply | undefined,
): Promise<void> {
  await updateJob(db, jobId(key), {
    state: 'effected',
    // The effect's holder sends the reply next: a twin arriving meanwhile waits for the lease.
    replyingAt: clock.now(),
    ...(reply ? { reply: JSON.parse(JSON.stringify(reply)) as Reply } : {}),
  });
}

export async function markDone({ db, clock }: Deps, key: string): Promise<void> {
  await updateJob(db, jobId(key), { state: 'done', doneAt: clock.now() });
}

/**
 * A create-once marker for work done inline (modal submissions): true the first time, false for
 * a repeat of the same key.
 */
export async function firstTime({ db, clock }: Deps, key: string): Promise<boolean> {
  const now = clock.now();
  return createJobOnce(db, jobId(key), {
    key: key.slice(0, 500),
    state: 'done',
    startedAt: now,
    expireAt: new Date(now.getTime() + KEEP_MS),
  });
}

/** Releases an inline marker when the work failed in a way worth retrying. */
export async function release({ db }: Deps, key: string): Promise<void> {
  await deleteJob(db, jobId(key));
}
