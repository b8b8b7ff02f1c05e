/**
 * How every wallet write runs: queued per instance, grouped, retried on contention, refused
 * clearly when the wallet is too busy.
 *
 * Every movement moves the head document (`wallet/main`), the single point of serialisation that
 * keeps the balance exact and the solvency check honest. Firestore (and, far more harshly, its
 * emulator, which locks pessimistically and times a waiting transaction out) aborts transactions
 * that contend on one document: 100 concurrent credits from one process used to commit 36 and fail
 * 64 with ABORTED. So:
 *
 * 1. Within an instance, wallet work queues FIFO and runs one task at a time: it never contends
 *    with itself. Movements that arrive while a task runs join one group (up to GROUP_MAX), which
 *    is decided movement by movement and committed with ONE head write (optimistic-tx.ts), so a
 *    burst costs a few head writes, not one per movement.
 * 2. Across instances (or against the engine's step transactions that reserve in their own
 *    transaction), a group that loses the race on the head is read and decided again, with
 *    exponential backoff and full jitter, a bounded number of times.
 * 3. A queue longer than MAX_QUEUE, or a group that outlives the retries, is a `rate_limited`
 *    refusal (HTTP 429) carrying `retryAfterSeconds`: nothing was written, and the same request with
 *    the same idempotency key may simply be sent again.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { AppError } from '../../shared/errors.js';
import { GroupRecorder } from './optimistic-tx.js';
import { walletRef } from './repo.js';

/** Waiting wallet movements an instance holds before it sheds load with a 429. */
export const MAX_QUEUE = 1_000;
/** Movements committed together; each writes at most 3 documents besides the head and status. */
export const GROUP_MAX = 100;
const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 25;
const MAX_DELAY_MS = 1_000;

const ABORTED = 10;
const RESOURCE_EXHAUSTED = 8;

/** One queue per database (tests run several projects in one process). */
interface Queue {
  tail: Promise<unknown>;
  waiting: number;
  /** The group still taking movements (it has not started yet). */
  open?: Item[];
  /** Mean time a recent movement took (ms): the basis of Retry-After. */
  meanMs: number;
}

interface Item {
  fn: (tx: Transaction) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
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

/** Decides every movement of the group against one recorder and commits them together. */
async function runGroup(db: Firestore, q: Queue, items: Item[]): Promise<void> {
  for (let n = 1; ; n++) {
    const started = Date.now();
    const rec = new GroupRecorder(db, walletRef(db));
    if (items.length > 1) await rec.prefetch(items.map((it) => it.fn));
    const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    for (const it of items) {
      rec.begin();
      try {
        results.push({ ok: true, value: await it.fn(rec.tx) });
      } catch (error) {
        rec.drop();
        results.push({ ok: false, error });
      }
    }
    try {
      await rec.commit();
    } catch (err) {
      if (!contention(err)) return items.forEach((it) => it.reject(err));
      if (n >= MAX_ATTEMPTS) {
        const refusal = busy(
          q,
          `the wallet is busy (${n} attempts lost the race); nothing was written, retry`,
        );
        return items.forEach((it) => it.reject(refusal));
      }
      await sleep(Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** n));
      continue;
    }
    q.meanMs = q.meanMs * 0.8 + ((Date.now() - started) / items.length) * 0.2;
    results.forEach((r, i) => (r.ok ? items[i]!.resolve(r.value) : items[i]!.reject(r.error)));
    return;
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
 * Runs `fn` as a wallet movement: grouped with the movements queued with it on this instance,
 * retried on contention. `fn` may run more than once and must do its reads before its writes; if
 * it throws, nothing it wrote is committed.
 */
export function runWalletTransaction<T>(db: Firestore, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  const q = queueOf(db);
  return new Promise<T>((resolve, reject) => {
    const item: Item = { fn, resolve: resolve as (v: unknown) => void, reject };
    if (q.waiting >= MAX_QUEUE)
      return reject(busy(q, `the wallet has ${q.waiting} movements waiting on this instance; retry`));
    if (q.open && q.open.length < GROUP_MAX) {
      q.waiting += 1;
      q.open.push(item);
      return;
    }
    const group: Item[] = [item];
    q.open = group;
    serialise(db, async () => {
      if (q.open === group) q.open = undefined; // started: later movements form the next group
      q.waiting -= group.length - 1; // serialise counts the task; the others were counted on joining
      await runGroup(db, q, group);
    }).catch(reject); // runGroup settles every item itself; this only guards the unexpected
  });
}
