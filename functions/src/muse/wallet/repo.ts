/**
 * Where the wallet lives in Firestore; the only module that names its collections.
 *
 * - `wallet/main`: the head, a running fold of the ledger (balance, reserved, entry count), updated
 *   in the same transaction as every entry. It is the single point of serialisation that makes the
 *   solvency check exact; see wallet-tx.ts for how writes queue on it and the README for the rate.
 * - `ledger/{idempotencyKey}`: append-only entries (firestore.rules forbid updates and deletes); the
 *   keys' two namespaces (callers' and the system's) are in core/keys.ts.
 * - `wallet/breaker`: the circuit breaker's state.
 *
 * The wallet's movements run in its group recorder (optimistic-tx.ts) or the engine's step
 * transaction, so the references below are what they read and write, typed.
 */
import type { DocumentReference, DocumentSnapshot, Firestore, Transaction } from '@google-cloud/firestore';
import { reviveTimestamps, typedCollection } from '../../platform/firestore/typed.js';
import { parseSettings, settingsRef, type SettingsRead, type SettingsSpec } from '../../platform/settings.js';
import type { Actor } from '../../shared/ports.js';
import { WALLET_SETTINGS } from '../settings.js';
import type { WalletSettings } from './policy.js';

const WALLET = 'wallet';
const LEDGER = 'ledger';
export const BREAKER_HOLDER = 'cfo-breaker';

/** Stored head of the wallet (micros). */
export interface WalletHead {
  balance: number;
  reserved: number;
  /** Number of entries folded in; also the next entry's sequence number minus one. */
  seq: number;
  currency: string;
  updatedAt?: Date;
}

export type LedgerType = 'credit' | 'debit' | 'reserve' | 'release';

/** Stored ledger entry (micros). */
export interface LedgerEntryDoc {
  key: string;
  type: LedgerType;
  amount: number;
  seq: number;
  at: Date;
  balanceAfter: number;
  reservedAfter: number;
  intentId?: string;
  runId?: string;
  reservationKey?: string;
  actor?: { kind: string; id: string; name?: string };
  note?: string;
  /** Why a person recorded this entry (required on a debit they record). */
  rationale?: string;
}

/** Stored breaker state. */
export interface BreakerDoc {
  tripped?: boolean;
  reason?: string;
  trippedAt?: Date;
  trippedBy?: Actor;
  trips?: number;
  /** False after an override accepted a balance under the panic line; re-armed once above it. */
  panicArmed?: boolean;
  override?: { by: Actor; rationale: string; at: Date };
  /** The finance incident the current (or last) trip opened. */
  incidentId?: string;
}

export const walletRef = (db: Firestore): DocumentReference<WalletHead> =>
  typedCollection<WalletHead>(db, WALLET).doc('main');
export const breakerRef = (db: Firestore): DocumentReference<BreakerDoc> =>
  typedCollection<BreakerDoc>(db, WALLET).doc('breaker');
export const ledgerRef = (db: Firestore, key: string): DocumentReference<LedgerEntryDoc> =>
  typedCollection<LedgerEntryDoc>(db, LEDGER).doc(key);

/**
 * The head, the breaker, the wallet settings in force and some ledger entries, read in ONE round
 * trip of the caller's transaction (it holds its locks while it reads, so one read matters under
 * contention; a group of movements reads them once for all).
 */
export async function readWalletInTx(
  db: Firestore,
  tx: Pick<Transaction, 'getAll'>,
  keys: readonly string[],
): Promise<{
  head: WalletHead | undefined;
  breaker: BreakerDoc | undefined;
  settings: SettingsRead<WalletSettings>;
  entries: Array<LedgerEntryDoc | undefined>;
}> {
  const snaps: DocumentSnapshot[] = await tx.getAll(
    db.doc(`${WALLET}/main`),
    db.doc(`${WALLET}/breaker`),
    settingsRef(db, WALLET_SETTINGS as SettingsSpec<unknown>),
    ...keys.map((k) => db.collection(LEDGER).doc(k)),
  );
  const data = <T>(s: DocumentSnapshot | undefined) =>
    s?.exists ? reviveTimestamps<T>(s.data()) : undefined;
  const [head, breaker, settings, ...entries] = snaps;
  return {
    head: data<WalletHead>(head),
    breaker: data<BreakerDoc>(breaker),
    settings: parseSettings(WALLET_SETTINGS, settings!),
    entries: entries.map((e) => data<LedgerEntryDoc>(e)),
  };
}

const ledger = (db: Firestore) => typedCollection<LedgerEntryDoc>(db, LEDGER);

export async function readHead(db: Firestore): Promise<WalletHead | undefined> {
  return (await walletRef(db).get()).data();
}

export async function readBreaker(db: Firestore): Promise<BreakerDoc | undefined> {
  return (await breakerRef(db).get()).data();
}

/** Newest first, `after` a sequence number from the previous page. */
export async function ledgerPage(db: Firestore, limit: number, after?: number): Promise<LedgerEntryDoc[]> {
  let q = ledger(db).orderBy('seq', 'desc').limit(limit);
  if (after !== undefined) q = q.startAfter(after);
  return (await q.get()).docs.map((d) => d.data());
}

/** Entries at or after `since` (single-field index on `at`). */
export async function entriesSince(db: Firestore, since: Date): Promise<LedgerEntryDoc[]> {
  return (await ledger(db).where('at', '>=', since).get()).docs.map((d) => d.data());
}

/** Every entry in sequence order (audits and tests, not hot paths). */
export async function allEntries(db: Firestore): Promise<LedgerEntryDoc[]> {
  return (await ledger(db).orderBy('seq').get()).docs.map((d) => d.data());
}

/** The entries of one production run (reservation, debit, release). */
export async function entriesOfRun(db: Firestore, runId: string): Promise<LedgerEntryDoc[]> {
  return (await ledger(db).where('runId', '==', runId).get()).docs.map((d) => d.data());
}
