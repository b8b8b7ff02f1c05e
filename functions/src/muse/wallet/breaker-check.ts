/**
 * The breaker looks at the wallet right after money moves (a debit, a settlement, a credit that
 * may re-arm the panic line), not only when a tick starts: a debit that takes the balance under the
 * panic line trips it at once. It runs the breaker's own `checkBreaker` (and so its trip logic).
 *
 * Coalesced per instance: a check runs in the wallet's queue (so it never contends with this
 * instance's movements), and a movement that commits while a check is still waiting in the queue
 * joins that check instead of adding one. Every caller therefore waits for a check that started
 * after its movement committed, and a burst of 100 movements costs one or two checks, not 100.
 * Because the check runs inside the wallet's queue, nothing it calls (the trip, and whatever the
 * trip opens) may move money through that queue: it would wait on itself.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { MuseDeps } from '../deps.js';
import { checkBreaker } from './breaker.js';
import { serialise } from './wallet-tx.js';

const pending = new WeakMap<Firestore, Promise<void>>();

/** Evaluates the breaker after a committed movement; resolves once a check after it has run. */
export function checkBreakerAfterMovement(deps: MuseDeps): Promise<void> {
  const { db } = deps;
  const queued = pending.get(db);
  if (queued) return queued;
  const check = serialise(db, async () => {
    pending.delete(db); // from now on a new movement needs a new check
    await checkBreaker(deps);
  });
  pending.set(db, check);
  // A check refused before it started (a full queue) must not stay joined forever.
  void check.catch(() => pending.get(db) === check && pending.delete(db));
  return check;
}
