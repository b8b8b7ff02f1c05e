/**
 * How every wallet write runs: one at a time per instance, retried on contention, refused clearly
 * when the wallet is too busy.
 *
 * Every movement moves the head document (`wallet/main`), the single point of serialisation that
 * keeps the balance exact and the solvency check honest. Firestore (and, far more harshly, its
 * emulator, which locks pessimistically and times a waiting transaction out) aborts transactions
 * that contend on one document: 100 concurrent credits from one process used to commit 36 and fail
 * 64 with ABORTED. So:
 *
 * 1. Within an instance, wallet transactions queue FIFO and run one at a time: they never contend
 *    with each other, and a burst drains at the rate of one transaction round trip each.
 * 2. Across instances (or against the engine's step transactions that reserve in their own
 *    transaction), a contention abort is retried with exponential backoff and full jitter, a bounded
 *    number of times.
 * 3. A queue longer than MAX_QUEUE, or an abort that outlives the retries, is a `rate_limited`
 *    refusal (HTTP 429) carrying `retryAfterSeconds`: nothing was written, and the same request with
 *    the same idempotency key may simply be sent again.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { AppError } from '../../shared/errors.js';
import { runOptimistic } from './optimistic-tx.js';
import { walletRef } from './store.js';

/** Waiting wallet transactions an instance holds before it sheds load with a 429. */
export const MAX_QUEUE = 1_000;
const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 25;
const MAX_DELAY_MS = 1_000;

const ABORTED = 10;
const RESOURCE_EXHAUSTED = 8;

/** One queue per database (tests run several projects in one process). */
interface Queue {
  tail: Promise<unknown>;
  waiting: number;
  /** Mean duration of a recent wallet transaction (ms): the basis of Retry-After. */
  meanMs: number;
}
const queues = new WeakMap<Firestore, Queue>();
const queueOf = (db: Firestore): Queue => {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { tail: Promise.resolve(), waiting: 0, meanMs: 20 }));
  return q;
};

const contention = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === ABORTED || code === RESOURCE_EXHAUSTED;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function busy(q: Queue, message: string): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(((q.waiting + 1) * q.meanMs) / 1000));
  return new AppError('rate_limited', message, { retryAfterSeconds });
}

async function attempt<T>(db: Firestore, q: Queue, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    const started = Date.now();
    try {
      const out = await runOptimistic(db, walletRef(db), fn);
      q.meanMs = q.meanMs * 0.9 + (Date.now() - started) * 0.1;
      return out;
    } catch (err) {
      if (!contention(err)) throw err;
      if (n >= MAX_ATTEMPTS)
        throw busy(q, `the wallet is busy (${n} attempts aborted on contention); nothing was written, retry`);
      await sleep(Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** n));
    }
  }
}

/**
 * Runs `task` after every wallet task queued before it on this instance, and before any queued
 * after. Refuses at once (429) when the queue is full.
 */
export function serialise<T>(db: Firestore, task: () => Promise<T>): Promise<T> {
  const q = queueOf(db);
  if (q.waiting >= MAX_QUEUE)
    return Promise.reject(busy(q, `the wallet has ${q.waiting} movements waiting on this instance; retry`));
  q.waiting += 1;
  const done = q.tail.then(task).finally(() => {
    q.waiting -= 1;
  });
  q.tail = done.catch(() => undefined);
  return done;
}

/**
 * Runs `fn` as a wallet transaction: queued behind this instance's other wallet tasks, retried on
 * contention. `fn` may run more than once; it must do its reads before its writes.
 */
export function runWalletTransaction<T>(db: Firestore, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return serialise(db, () => attempt(db, queueOf(db), fn));
}
