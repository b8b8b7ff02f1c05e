/**
 * Wallet movements as one optimistic compare-and-set per group, instead of a locking transaction
 * per movement.
 *
 * Server-side Firestore transactions lock what they read. Two instances that both read the head
 * and then both write it wait on each other's locks (on the emulator, until a lock timeout of
 * seconds): measured, 100 credits over two instances drained at ~2 entries/s. Here the reads are
 * plain reads (no locks) and the writes go in one atomic batch whose head write carries the head's
 * update time as a precondition (or `create` when there was no head yet). Every movement changes
 * the head, so if the head is unchanged nothing the group read has changed either (ledger entries
 * are only ever created together with a head write); if it did change, the batch fails at once with
 * FAILED_PRECONDITION (or ALREADY_EXISTS) and the whole group is read and decided again.
 *
 * A group is several queued movements decided one after another against the same recorder: each
 * sees the reads and writes of the ones before it (a virtual head, the entries they created), and
 * all of them commit in one batch with one head write (group commit). A movement that refuses
 * (throws) leaves nothing in the batch. Writes to one document collapse to the last (the wallet
 * only ever sets whole fields: the head, the status's `wallet`, the breaker's `panicArmed`).
 *
 * The ledger's functions are written against a Transaction; the recorder implements the part of it
 * they use (getAll, get, create, set), so the same code runs inside the engine's transactions too.
 */
import type {
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  SetOptions,
  Timestamp,
  Transaction,
} from '@google-cloud/firestore';

const FAILED_PRECONDITION = 9;
const ALREADY_EXISTS = 6;

/** The batch lost a race with another movement: read and decide again. */
export class HeadMoved extends Error {
  readonly code = 10; // reported as ABORTED, the contention code the wallet queue retries
}

/** What the recorder knows of one document: read once, then as the group's writes left it. */
interface Known {
  ref: DocumentReference;
  data: DocumentData | undefined;
}

interface Write {
  kind: 'create' | 'set';
  ref: DocumentReference;
  data: DocumentData;
  merge: boolean;
}

const snapshot = (k: Known, updateTime?: Timestamp): DocumentSnapshot =>
  ({
    ref: k.ref,
    id: k.ref.id,
    exists: k.data !== undefined,
    updateTime,
    data: () => (k.data ? { ...k.data } : undefined),
    get: (field: string) => k.data?.[field],
  }) as unknown as DocumentSnapshot;

export class GroupRecorder {
  private headTime: Timestamp | null | undefined;
  private known = new Map<string, Known>();
  private writes: Write[] = [];
  /** Documents as read from Firestore (never changed by the group's writes). */
  private fetched = new Map<string, Known>();
  private opStart = 0;
  private opKnown = new Map<string, Known>();
  private opFetched = new Set<string>();

  constructor(
    private readonly db: Firestore,
    private readonly head: DocumentReference,
  ) {}

  /** The recorder as the Transaction the ledger's functions expect (getAll, get, create, set). */
  get tx(): Transaction {
    return this as unknown as Transaction;
  }

  /** While set, reads only note what a movement will read, and writes are ignored (see prefetch). */
  private collecting: Map<string, DocumentReference> | undefined;

  /**
   * Reads, in one round trip, everything the movements will read, so deciding them one by one
   * costs no further I/O: each movement is first run with reads that answer "missing" and writes
   * that are dropped, only to learn which documents it reads (its keys come from its parameters).
   * Whatever a movement reads that this missed is simply read when it is decided.
   */
  async prefetch(fns: Array<(tx: Transaction) => Promise<unknown>>): Promise<void> {
    this.collecting = new Map([[this.head.path, this.head]]);
    await Promise.all(fns.map((fn) => fn(this.tx).catch(() => undefined)));
    const refs = [...this.collecting.values()];
    this.collecting = undefined;
    await this.getAll(...refs);
  }

  async getAll(...refs: DocumentReference[]): Promise<DocumentSnapshot[]> {
    if (this.collecting) {
      for (const r of refs) this.collecting.set(r.path, r);
      return refs.map((ref) => snapshot({ ref, data: undefined }));
    }
    const missing = refs.filter((r) => !this.known.has(r.path));
    if (missing.length)
      for (const s of await this.db.getAll(...missing)) {
        const k = { ref: s.ref, data: s.exists ? s.data() : undefined };
        this.known.set(s.ref.path, k);
        this.fetched.set(s.ref.path, k);
        this.opFetched.add(s.ref.path);
        if (s.ref.path === this.head.path) this.headTime = s.exists ? s.updateTime! : null;
      }
    return refs.map((r) => snapshot(this.known.get(r.path)!));
  }

  async get(ref: DocumentReference): Promise<DocumentSnapshot> {
    const [snap] = await this.getAll(ref);
    return snap!;
  }

  create(ref: DocumentReference, data: DocumentData): this {
    if (this.collecting) return this;
    this.writes.push({ kind: 'create', ref, data, merge: false });
    this.known.set(ref.path, { ref, data });
    return this;
  }

  set(ref: DocumentReference, data: DocumentData, opts?: SetOptions): this {
    if (this.collecting) return this;
    const merge = (opts as { merge?: boolean } | undefined)?.merge === true;
    if (ref.path === this.head.path && this.headTime === undefined)
      throw new Error('the wallet head was written without being read');
    this.writes.push({ kind: 'set', ref, data, merge });
    const before = this.known.get(ref.path)?.data;
    this.known.set(ref.path, { ref, data: merge ? { ...before, ...data } : data });
    return this;
  }

  /** Starts one movement: what it writes is kept only if it returns. */
  begin(): void {
    this.opStart = this.writes.length;
    this.opKnown = new Map(this.known);
    this.opFetched = new Set();
  }

  /** The movement refused: forget its writes (what it read stays known: it is still true). */
  drop(): void {
    this.writes.length = this.opStart;
    const known = new Map(this.opKnown);
    for (const path of this.opFetched) known.set(path, this.fetched.get(path)!);
    this.known = known;
  }

  /** Commits every kept write in one batch, the head's preconditioned on the update time read. */
  async commit(): Promise<void> {
    if (!this.writes.length) return;
    const last = new Map<string, Write>();
    for (const w of this.writes) {
      const prior = last.get(w.ref.path);
      last.set(
        w.ref.path,
        prior && w.merge && prior.kind === 'set' ? { ...w, data: { ...prior.data, ...w.data } } : w,
      );
    }
    const batch = this.db.batch();
    for (const w of last.values()) {
      if (w.ref.path === this.head.path) {
        if (this.headTime) batch.update(w.ref, w.data, { lastUpdateTime: this.headTime });
        else batch.create(w.ref, w.data);
      } else if (w.kind === 'create') batch.create(w.ref, w.data);
      else batch.set(w.ref, w.data, { merge: w.merge });
    }
    try {
      await batch.commit();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === FAILED_PRECONDITION || code === ALREADY_EXISTS)
        throw new HeadMoved('the wallet moved while this group was decided');
      throw err;
    }
  }
}
