/**
 * The CFO ledger: append-only entries (credit, debit, reserve, release), each stored under its
 * idempotency key, and a head document (`wallet/main`) that folds them. Every entry is written in
 * the same transaction as the head update, so the balance is exact under concurrent writers and a
 * reservation can never overdraw: the solvency check reads the head it is about to change.
 *
 * Rate: all wallet writes serialise on the head document. Firestore sustains about one write per
 * second on one document, i.e. ~3,600 entries an hour (a production takes two: reserve, then
 * settle), against a need of tens an hour. A burst of 50 concurrent reservations queues behind the
 * head's lock and drains in under a minute in production (~18 s on the emulator); none overdraws.
 * Sharding the head is the next step if the need ever reaches one reservation per second.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { Container } from '../../platform/container.js';
import { auditInTransaction } from '../../platform/audit.js';
import { conflict, invalidInput, notFound } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import { fromMicros, toMicros } from './core/money.js';
import { checkSolvency } from './core/solvency.js';
import { DEFAULT_WALLET_SETTINGS } from './policy.js';
import {
  KEY_PATTERN,
  LEDGER,
  ledgerRef,
  statusRef,
  walletRef,
  type LedgerEntryDoc,
  type LedgerType,
  type WalletHead,
} from './store.js';

type Deps = Pick<Container, 'db' | 'clock'>;

const fmt = (micros: number) =>
  fromMicros(micros)
    .toFixed(6)
    .replace(/\.?0+$/, '');

function checkKey(key: unknown, what = 'key'): string {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key))
    throw invalidInput(`${what} must be 1-300 characters of letters, digits and _ . : ~ @ -`);
  return key;
}

function headFrom(data: FirebaseFirestore.DocumentData | undefined): WalletHead {
  return {
    balance: typeof data?.balance === 'number' ? data.balance : 0,
    reserved: typeof data?.reserved === 'number' ? data.reserved : 0,
    seq: typeof data?.seq === 'number' ? data.seq : 0,
    currency: typeof data?.currency === 'string' ? data.currency : DEFAULT_WALLET_SETTINGS.currency,
  };
}

/** The wallet as people read it, in currency units. */
export interface WalletView {
  balance: number;
  reserved: number;
  available: number;
  currency: string;
  entries: number;
}

const view = (h: WalletHead): WalletView => ({
  balance: fromMicros(h.balance),
  reserved: fromMicros(h.reserved),
  available: fromMicros(h.balance - h.reserved),
  currency: h.currency,
  entries: h.seq,
});

/** Appends entries and moves the head; writes only (all reads are done by the caller). */
function append(
  db: Firestore,
  tx: Transaction,
  head: WalletHead,
  entries: Array<Omit<LedgerEntryDoc, 'seq' | 'balanceAfter' | 'reservedAfter'>>,
  at: Date,
): WalletHead {
  const next = { ...head };
  for (const e of entries) {
    if (e.type === 'credit') next.balance += e.amount;
    else if (e.type === 'debit') next.balance -= e.amount;
    else if (e.type === 'reserve') next.reserved += e.amount;
    else next.reserved -= e.amount;
    next.seq += 1;
    tx.create(ledgerRef(db, e.key), {
      ...e,
      seq: next.seq,
      balanceAfter: next.balance,
      reservedAfter: next.reserved,
    });
  }
  tx.set(walletRef(db), { ...next, updatedAt: at });
  tx.set(
    statusRef(db),
    {
      wallet: {
        balance: fromMicros(next.balance),
        reserved: fromMicros(next.reserved),
        available: fromMicros(next.balance - next.reserved),
        currency: next.currency,
      },
      updatedAt: at,
    },
    { merge: true },
  );
  return next;
}

export type ReserveResult = { ok: true; replay: boolean } | { ok: false; reason: string };

/**
 * Reserves `amount` for a run inside the caller's transaction. Reads first, then writes: call it
 * after the transaction's own reads and do only writes afterwards. Refuses (without writing) when
 * balance - reserved - amount would fall under `floor`. The same `key` again is a replay and
 * returns ok without a second entry.
 */
export async function reserveInTransaction(
  db: Firestore,
  tx: Transaction,
  p: { key: string; intentId: string; runId: string; amount: number; floor: number; at: Date },
): Promise<ReserveResult> {
  const key = checkKey(p.key);
  const amount = toMicros(p.amount, 'amount');
  const floor = toMicros(p.floor, 'floor', { allowZero: true });
  const [headSnap, entrySnap] = await tx.getAll(walletRef(db), ledgerRef(db, key));
  if (entrySnap!.exists) {
    const prior = entrySnap!.data() as LedgerEntryDoc;
    if (prior.type === 'reserve' && prior.intentId === p.intentId) return { ok: true, replay: true };
    throw conflict(`idempotency key ${key} is already used by a ${prior.type} entry`);
  }
  const head = headFrom(headSnap!.data());
  const verdict = checkSolvency(head, amount, floor, fmt);
  if (!verdict.ok) return verdict;
  append(
    db,
    tx,
    head,
    [{ key, type: 'reserve', amount, at: p.at, intentId: p.intentId, runId: p.runId }],
    p.at,
  );
  return { ok: true, replay: false };
}

export interface SettleResult {
  replay: boolean;
  debited: number;
  released: number;
}

/**
 * Settles a reservation inside the caller's transaction: debits the actual cost and releases the
 * whole reservation (so what was not spent becomes available again). Reads first, then writes.
 * Settling twice is a replay and writes nothing. The actual may exceed the reservation; the
 * breaker, not this function, reacts to the overspend.
 */
export async function settleInTransaction(
  db: Firestore,
  tx: Transaction,
  p: { reservationKey: string; actual: number; at: Date },
): Promise<SettleResult> {
  const key = checkKey(p.reservationKey, 'reservationKey');
  const actual = toMicros(p.actual, 'actual', { allowZero: true });
  const [headSnap, resSnap, relSnap] = await tx.getAll(
    walletRef(db),
    ledgerRef(db, key),
    ledgerRef(db, `${key}~release`),
  );
  if (!resSnap!.exists) throw notFound(`no reservation ${key}`);
  const res = resSnap!.data() as LedgerEntryDoc;
  if (res.type !== 'reserve') throw conflict(`ledger entry ${key} is a ${res.type}, not a reservation`);
  if (relSnap!.exists) {
    const debit = await tx.get(ledgerRef(db, `${key}~debit`));
    return {
      replay: true,
      debited: fromMicros(debit.exists ? (debit.data()!.amount as number) : 0),
      released: fromMicros(res.amount),
    };
  }
  const common = { at: p.at, reservationKey: key, intentId: res.intentId, runId: res.runId };
  const entries: Array<Omit<LedgerEntryDoc, 'seq' | 'balanceAfter' | 'reservedAfter'>> = [];
  if (actual > 0) entries.push({ ...common, key: `${key}~debit`, type: 'debit', amount: actual });
  entries.push({ ...common, key: `${key}~release`, type: 'release', amount: res.amount });
  append(db, tx, headFrom(headSnap!.data()), entries, p.at);
  return { replay: false, debited: fromMicros(actual), released: fromMicros(res.amount) };
}

/**
 * Adds money to the wallet, audited. The same key with the same amount is a replay; the same key
 * with a different amount is refused.
 */
export async function creditWallet(
  app: Deps,
  p: { key: string; amount: number; actor: Actor; note?: string; via?: 'api' | 'slack' | 'system' | 'cli' },
): Promise<{ replay: boolean; wallet: WalletView }> {
  const key = checkKey(p.key);
  const amount = toMicros(p.amount, 'amount');
  const { db } = app;
  return db.runTransaction(async (tx) => {
    const [headSnap, entrySnap] = await tx.getAll(walletRef(db), ledgerRef(db, key));
    const head = headFrom(headSnap!.data());
    if (entrySnap!.exists) {
      const prior = entrySnap!.data() as LedgerEntryDoc;
      if (prior.type === 'credit' && prior.amount === amount) return { replay: true, wallet: view(head) };
      throw conflict(`idempotency key ${key} is already used by a ${prior.type} of ${fmt(prior.amount)}`);
    }
    const at = app.clock.now();
    const actor = { kind: p.actor.kind, id: p.actor.id, ...(p.actor.name ? { name: p.actor.name } : {}) };
    const next = append(db, tx, head, [{ key, type: 'credit', amount, at, actor, note: p.note }], at);
    auditInTransaction(
      db,
      tx,
      {
        actor: p.actor,
        action: 'wallet.credit',
        target: `ledger/${key}`,
        outcome: 'ok',
        via: p.via ?? 'api',
        details: { amount: fromMicros(amount), note: p.note ?? null },
      },
      at,
    );
    return { replay: false, wallet: view(next) };
  });
}

/** The wallet head in currency units. */
export async function getWallet(app: Pick<Container, 'db'>): Promise<WalletView> {
  return view(headFrom((await walletRef(app.db).get()).data()));
}

/** A ledger entry in currency units. */
export interface LedgerEntry {
  key: string;
  type: LedgerType;
  amount: number;
  seq: number;
  at: string;
  balanceAfter: number;
  reservedAfter: number;
  intentId?: string;
  runId?: string;
  reservationKey?: string;
  actor?: LedgerEntryDoc['actor'];
  note?: string;
}

function entryView(d: FirebaseFirestore.DocumentData): LedgerEntry {
  const at = d.at instanceof Date ? d.at : (d.at as FirebaseFirestore.Timestamp).toDate();
  return {
    key: d.key,
    type: d.type,
    amount: fromMicros(d.amount),
    seq: d.seq,
    at: at.toISOString(),
    balanceAfter: fromMicros(d.balanceAfter),
    reservedAfter: fromMicros(d.reservedAfter),
    ...(d.intentId ? { intentId: d.intentId } : {}),
    ...(d.runId ? { runId: d.runId } : {}),
    ...(d.reservationKey ? { reservationKey: d.reservationKey } : {}),
    ...(d.actor ? { actor: d.actor } : {}),
    ...(d.note ? { note: d.note } : {}),
  };
}

/** Newest first. `after` is a sequence number from a previous page's `next`. */
export async function listLedger(
  app: Pick<Container, 'db'>,
  p: { limit?: number; after?: number } = {},
): Promise<{ entries: LedgerEntry[]; next?: number }> {
  const limit = Math.min(Math.max(p.limit ?? 50, 1), 500);
  let q = app.db.collection(LEDGER).orderBy('seq', 'desc').limit(limit);
  if (p.after !== undefined) q = q.startAfter(p.after);
  const entries = (await q.get()).docs.map((d) => entryView(d.data()));
  const last = entries.at(-1);
  return entries.length === limit && last ? { entries, next: last.seq } : { entries };
}

/** Micros debited at or after `since` (single-field index on `at`; the type is filtered here). */
export async function debitsSince(db: Firestore, since: Date): Promise<number> {
  const snap = await db.collection(LEDGER).where('at', '>=', since).get();
  return snap.docs.reduce(
    (sum, d) => (d.get('type') === 'debit' ? sum + (d.get('amount') as number) : sum),
    0,
  );
}

/**
 * Re-derives the balance from every entry and compares it with the head: the proof that the
 * ledger is exact. Reads the whole ledger; for tests and audits, not hot paths.
 */
export async function verifyLedger(
  app: Pick<Container, 'db'>,
): Promise<{ ok: boolean; derived: WalletView; head: WalletView }> {
  const { db } = app;
  const [snap, headSnap] = await Promise.all([
    db.collection(LEDGER).orderBy('seq').get(),
    walletRef(db).get(),
  ]);
  const head = headFrom(headSnap.data());
  const derived: WalletHead = { balance: 0, reserved: 0, seq: 0, currency: head.currency };
  for (const d of snap.docs) {
    const { type, amount } = d.data() as LedgerEntryDoc;
    if (type === 'credit') derived.balance += amount;
    else if (type === 'debit') derived.balance -= amount;
    else if (type === 'reserve') derived.reserved += amount;
    else derived.reserved -= amount;
    derived.seq += 1;
  }
  const ok =
    derived.balance === head.balance && derived.reserved === head.reserved && derived.seq === head.seq;
  return { ok, derived: view(derived), head: view(head) };
}
