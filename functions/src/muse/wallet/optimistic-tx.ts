/**
 * A wallet movement as an optimistic compare-and-set instead of a locking transaction.
 *
 * Server-side Firestore transactions lock what they read. Two instances that both read the head
 * and then both write it wait on each other's locks (on the emulator, until a lock timeout of
 * seconds): measured, 100 credits over two instances drained at ~2 entries/s. Here the reads are
 * plain reads (no locks) and the writes go in one atomic batch whose head write carries the head's
 * update time as a precondition (or `create` when there was no head yet). Every movement changes
 * the head, so if the head is unchanged nothing the movement read has changed either (ledger
 * entries are only ever created together with a head write); if it did change, the batch fails at
 * once with FAILED_PRECONDITION (or ALREADY_EXISTS) and the movement is read and decided again.
 *
 * The ledger's functions are written against a Transaction; the recorder below implements the part
 * of it they use (getAll, get, create, set), so the same code runs in both modes.
 */
import type {
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  SetOptions,
  Timestamp,
  Transaction,
  WriteBatch,
} from '@google-cloud/firestore';

const FAILED_PRECONDITION = 9;
const ALREADY_EXISTS = 6;

/** The batch lost a race with another movement: read and decide again. */
export class HeadMoved extends Error {
  readonly code = 10; // reported as ABORTED, the contention code the wallet queue retries
}

class Recorder {
  private headTime: Timestamp | null | undefined;
  private writes = 0;
  constructor(
    private readonly db: Firestore,
    private readonly head: DocumentReference,
    readonly batch: WriteBatch,
  ) {}

  private note(snaps: DocumentSnapshot[]) {
    for (const s of snaps) if (s.ref.path === this.head.path) this.headTime = s.exists ? s.updateTime! : null;
  }
  async getAll(...refs: DocumentReference[]) {
    const snaps = await this.db.getAll(...refs);
    this.note(snaps);
    return snaps;
  }
  async get(ref: DocumentReference) {
    const [snap] = await this.getAll(ref);
    return snap!;
  }
  create(ref: DocumentReference, data: FirebaseFirestore.DocumentData) {
    this.writes += 1;
    this.batch.create(ref, data);
    return this;
  }
  set(ref: DocumentReference, data: FirebaseFirestore.DocumentData, opts?: SetOptions) {
    this.writes += 1;
    if (ref.path !== this.head.path) this.batch.set(ref, data, opts ?? {});
    else if (this.headTime === undefined) throw new Error('the wallet head was written without being read');
    else if (this.headTime === null) this.batch.create(ref, data);
    else this.batch.update(ref, data, { lastUpdateTime: this.headTime });
    return this;
  }
  get wrote() {
    return this.writes > 0;
  }
}

/** Runs `fn` once: reads without locks, then commits its writes only if the head did not move. */
export async function runOptimistic<T>(
  db: Firestore,
  head: DocumentReference,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const rec = new Recorder(db, head, db.batch());
  const out = await fn(rec as unknown as Transaction);
  if (!rec.wrote) return out;
  try {
    await rec.batch.commit();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === FAILED_PRECONDITION || code === ALREADY_EXISTS)
      throw new HeadMoved('the wallet moved while this movement was decided');
    throw err;
  }
  return out;
}
