/**
 * The read side of the CFO ledger: the head as people read it, pages of entries, the debits in a
 * window (for the breaker's burn rate), and the audit that re-derives the head from every entry.
 * No writes here, so the breaker can read the ledger without importing the code that moves money.
 */
import type { Firestore } from '@google-cloud/firestore';
import { fromMicros } from './core/money.js';
import { DEFAULT_WALLET_SETTINGS } from './policy.js';
import {
  allEntries,
  entriesSince,
  ledgerPage,
  readHead,
  type LedgerEntryDoc,
  type LedgerType,
  type WalletHead,
} from './repo.js';

export function headFrom(data: Partial<WalletHead> | undefined): WalletHead {
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
  /** The same figures as exact integers of micro-units (units are for reading). */
  micros: { balance: number; reserved: number; available: number };
}

export const view = (h: WalletHead): WalletView => ({
  balance: fromMicros(h.balance),
  reserved: fromMicros(h.reserved),
  available: fromMicros(h.balance - h.reserved),
  currency: h.currency,
  entries: h.seq,
  micros: { balance: h.balance, reserved: h.reserved, available: h.balance - h.reserved },
});

/** The wallet head in currency units. */
export async function getWallet(db: Firestore): Promise<WalletView> {
  return view(headFrom(await readHead(db)));
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
  rationale?: string;
}

function entryView(d: LedgerEntryDoc): LedgerEntry {
  const at = d.at;
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
    ...(d.rationale ? { rationale: d.rationale } : {}),
  };
}

/** Newest first. `after` is a sequence number from a previous page's `next`. */
export async function listLedger(
  db: Firestore,
  p: { limit?: number; after?: number } = {},
): Promise<{ entries: LedgerEntry[]; next?: number }> {
  const limit = Math.min(Math.max(p.limit ?? 50, 1), 500);
  const entries = (await ledgerPage(db, limit, p.after)).map(entryView);
  const last = entries.at(-1);
  return entries.length === limit && last ? { entries, next: last.seq } : { entries };
}

/** Micros debited at or after `since` (single-field index on `at`; the type is filtered here). */
export async function debitsSince(db: Firestore, since: Date): Promise<number> {
  const entries = await entriesSince(db, since);
  return entries.reduce((sum, d) => (d.type === 'debit' ? sum + d.amount : sum), 0);
}

/**
 * Re-derives the balance from every entry and compares it with the head: the proof that the
 * ledger is exact. Reads the whole ledger; for tests and audits, not hot paths.
 */
export async function verifyLedger(
  db: Firestore,
): Promise<{ ok: boolean; derived: WalletView; head: WalletView }> {
  const [entries, stored] = await Promise.all([allEntries(db), readHead(db)]);
  const head = headFrom(stored);
  const derived: WalletHead = { balance: 0, reserved: 0, seq: 0, currency: head.currency };
  for (const { type, amount } of entries) {
    if (type === 'credit') derived.balance += amount;
    else if (type === 'debit') derived.balance -= amount;
    else if (type === 'reserve') derived.reserved += amount;
    else derived.reserved -= amount;
    derived.seq += 1;
  }
  const contiguous = entries.every((d, i) => d.seq === i + 1);
  const ok =
    contiguous &&
    derived.balance === head.balance &&
    derived.reserved === head.reserved &&
    derived.seq === head.seq;
  return { ok, derived: view(derived), head: view(head) };
}
