/**
 * The CFO ledger: append-only entries (credit, debit, reserve, release), each stored under its
 * idempotency key, and a head document (`wallet/main`) that folds them. Every entry is written in
 * the same transaction as the head update, so the balance is exact under concurrent writers and a
 * reservation can never overdraw: the solvency check reads the head it is about to change.
 *
 * Every movement the wallet owns runs through `runWalletTransaction` (wallet-tx.ts: queued per
 * instance, grouped under one head write, retried on contention, a clear 429 when too busy); the
 * functions below therefore read before they write and write nothing when they refuse. The
 * production gate reserves inside the engine's step transaction instead, so its reservation
 * commits with the step. After a movement commits, the breaker is evaluated (breaker-check.ts).
 * The same write re-arms the panic line when the balance is back at or above it, so a second fall
 * trips again.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { settingsValue } from '../../platform/settings.js';
import { conflict, invalidInput, notFound } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import type { MuseDeps, Via } from '../deps.js';
import { recordWalletTotals } from '../status/repo.js';
import { callerKeyProblem, systemKeyProblem } from './core/keys.js';
import { MAX_BALANCE, balanceInRange, fromMicros, toMicros } from './core/money.js';
import { checkSolvency } from './core/solvency.js';
import { headFrom, view, type WalletView } from './ledger-queries.js';
import { breakerPolicy } from './policy.js';
import {
  breakerRef,
  ledgerRef,
  readWalletInTx,
  walletRef,
  type LedgerEntryDoc,
  type WalletHead,
} from './repo.js';
import { runWalletTransaction } from './wallet-tx.js';

/** What a movement needs: the database, the clock, the audit log, and the breaker's look after it. */
export type LedgerDeps = Pick<MuseDeps, 'db' | 'clock' | 'audit'> & { checkBreaker: () => Promise<void> };
type NewEntry = Omit<LedgerEntryDoc, 'seq' | 'balanceAfter' | 'reservedAfter'>;

const fmt = (micros: number) =>
  fromMicros(micros)
    .toFixed(6)
    .replace(/\.?0+$/, '');

/** A caller's idempotency key (no `~`: that namespace is the system's). */
function callerKey(key: unknown, what = 'key'): string {
  const problem = callerKeyProblem(key);
  if (problem) throw invalidInput(`${what}: ${problem}`);
  return key as string;
}

/** A reservation key: the system's (`reserve~<run>`) or a caller-shaped one; never a settlement's. */
function reservationKeyOf(key: unknown, what = 'key'): string {
  const problem = callerKeyProblem(key) && systemKeyProblem(key);
  if (problem) throw invalidInput(`${what}: ${problem}`);
  if (/~(debit|release)$/.test(key as string))
    throw invalidInput(`${what}: a reservation key cannot end in a settlement's suffix (~debit, ~release)`);
  return key as string;
}

/** What every wallet transaction reads first: the head and whether the panic line is armed. */
interface WalletRead {
  head: WalletHead;
  panicArmed: boolean;
  /** The panic line in force, in micros. */
  panicLine: number;
}

async function readWallet(
  tx: Transaction,
  db: Firestore,
  keys: string[],
): Promise<[WalletRead, ...Array<LedgerEntryDoc | undefined>]> {
  const { head, breaker, settings, entries } = await readWalletInTx(db, tx, keys);
  // A settings document that does not parse refuses the movement, naming the field (422).
  const { panicLine } = breakerPolicy(settingsValue(settings));
  return [{ head: headFrom(head), panicArmed: breaker?.panicArmed !== false, panicLine }, ...entries];
}

/** Appends entries and moves the head; writes only (all reads are done by the caller). */
function append(db: Firestore, tx: Transaction, w: WalletRead, entries: NewEntry[], at: Date): WalletHead {
  const next = { ...w.head };
  const docs: LedgerEntryDoc[] = [];
  for (const e of entries) {
    if (e.type === 'credit') next.balance += e.amount;
    else if (e.type === 'debit') next.balance -= e.amount;
    else if (e.type === 'reserve') next.reserved += e.amount;
    else next.reserved -= e.amount;
    next.seq += 1;
    docs.push({ ...e, seq: next.seq, balanceAfter: next.balance, reservedAfter: next.reserved });
  }
  if (!balanceInRange(next.balance) || !balanceInRange(next.reserved))
    throw conflict(
      `refused: the balance would be ${fmt(next.balance)}, outside the ledger's exact range of ±${MAX_BALANCE}`,
    );
  for (const d of docs) tx.create(ledgerRef(db, d.key), d);
  tx.set(walletRef(db), { ...next, updatedAt: at });
  // The panic line re-arms in the movement that brings the balance back (see breaker-policy.ts).
  if (!w.panicArmed && next.balance >= w.panicLine)
    tx.set(breakerRef(db), { panicArmed: true }, { merge: true });
  recordWalletTotals(
    db,
    tx,
    {
      balance: fromMicros(next.balance),
      reserved: fromMicros(next.reserved),
      available: fromMicros(next.balance - next.reserved),
      currency: next.currency,
    },
    at,
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
  p: {
    key: string;
    intentId: string;
    runId: string;
    amount: number;
    floor: number;
    at: Date;
  },
): Promise<ReserveResult> {
  const key = reservationKeyOf(p.key);
  const amount = toMicros(p.amount, 'amount');
  const floor = toMicros(p.floor, 'floor', { allowZero: true });
  const [w, prior] = await readWallet(tx, db, [key]);
  if (prior) {
    if (prior.type === 'reserve' && prior.intentId === p.intentId) return { ok: true, replay: true };
    throw conflict(`idempotency key ${key} is already used by a ${prior.type} entry`);
  }
  const verdict = checkSolvency(w.head, amount, floor, fmt);
  if (!verdict.ok) return verdict;
  append(db, tx, w, [{ key, type: 'reserve', amount, at: p.at, intentId: p.intentId, runId: p.runId }], p.at);
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
  const key = reservationKeyOf(p.reservationKey, 'reservationKey');
  const actual = toMicros(p.actual, 'actual', { allowZero: true });
  const [w, res, released, debited] = await readWallet(tx, db, [key, `${key}~release`, `${key}~debit`]);
  if (!res) throw notFound(`no reservation ${key}`);
  if (res.type !== 'reserve') throw conflict(`ledger entry ${key} is a ${res.type}, not a reservation`);
  if (released)
    return {
      replay: true,
      debited: fromMicros(debited?.amount ?? 0),
      released: fromMicros(res.amount),
    };
  const common = { at: p.at, reservationKey: key, intentId: res.intentId, runId: res.runId };
  const entries: NewEntry[] = [];
  if (actual > 0) entries.push({ ...common, key: `${key}~debit`, type: 'debit', amount: actual });
  entries.push({ ...common, key: `${key}~release`, type: 'release', amount: res.amount });
  append(db, tx, w, entries, p.at);
  return { replay: false, debited: fromMicros(actual), released: fromMicros(res.amount) };
}

/** Reserves in a wallet transaction of its own (spend the engine does not commit with a step). */
export async function reserveFunds(
  deps: LedgerDeps,
  p: { key: string; intentId: string; runId: string; amount: number; floor: number },
): Promise<ReserveResult> {
  return runWalletTransaction(deps.db, (tx) =>
    reserveInTransaction(deps.db, tx, { ...p, at: deps.clock.now() }),
  );
}

/**
 * Settles a reservation in a wallet transaction of its own, then evaluates the breaker. Idempotent
 * by the reservation's key, so a step may call it before its own commit and again on redelivery.
 */
export async function settleReservation(
  deps: LedgerDeps,
  p: { reservationKey: string; actual: number },
): Promise<SettleResult> {
  const r = await runWalletTransaction(deps.db, (tx) =>
    settleInTransaction(deps.db, tx, { ...p, at: deps.clock.now() }),
  );
  await deps.checkBreaker();
  return r;
}

interface Movement {
  type: 'credit' | 'debit';
  key: string;
  amount: number;
  actor: Actor;
  note?: string;
  rationale?: string;
  via?: Via;
}

/** A credit or a debit a person (or script) records, audited with who and why, then the breaker. */
async function move(deps: LedgerDeps, p: Movement): Promise<{ replay: boolean; wallet: WalletView }> {
  const key = callerKey(p.key);
  const amount = toMicros(p.amount, 'amount');
  const { db } = deps;
  const r = await runWalletTransaction(db, async (tx) => {
    const [w, prior] = await readWallet(tx, db, [key]);
    if (prior) {
      if (prior.type === p.type && prior.amount === amount) return { replay: true, wallet: view(w.head) };
      throw conflict(`idempotency key ${key} is already used by a ${prior.type} of ${fmt(prior.amount)}`);
    }
    const at = deps.clock.now();
    const actor = { kind: p.actor.kind, id: p.actor.id, ...(p.actor.name ? { name: p.actor.name } : {}) };
    const why = { ...(p.note ? { note: p.note } : {}), ...(p.rationale ? { rationale: p.rationale } : {}) };
    const next = append(db, tx, w, [{ key, type: p.type, amount, at, actor, ...why }], at);
    deps.audit.inTx(
      tx,
      {
        actor: p.actor,
        action: `wallet.${p.type}`,
        target: `ledger/${key}`,
        outcome: 'ok',
        via: p.via ?? 'api',
        ...(p.rationale ? { rationale: p.rationale } : {}),
        details: { amount: fromMicros(amount), note: p.note ?? null },
      },
      at,
    );
    return { replay: false, wallet: view(next) };
  });
  await deps.checkBreaker();
  return r;
}

/**
 * Adds money to the wallet, audited. The same key with the same amount is a replay; the same key
 * with a different amount is refused.
 */
export function creditWallet(
  deps: LedgerDeps,
  p: { key: string; amount: number; actor: Actor; note?: string; via?: Via },
): Promise<{ replay: boolean; wallet: WalletView }> {
  return move(deps, { ...p, type: 'credit' });
}

/**
 * Records spend made outside the muse (an adjustment), audited with who and why. A rationale is
 * required. May take the balance under zero (the money is already spent); the breaker reacts.
 */
export function debitWallet(
  deps: LedgerDeps,
  p: { key: string; amount: number; actor: Actor; rationale: string; note?: string; via?: Via },
): Promise<{ replay: boolean; wallet: WalletView }> {
  const rationale = typeof p.rationale === 'string' ? p.rationale.trim() : '';
  if (!rationale) return Promise.reject(invalidInput('a debit needs a rationale: why was this spent?'));
  return move(deps, { ...p, rationale, type: 'debit' });
}
