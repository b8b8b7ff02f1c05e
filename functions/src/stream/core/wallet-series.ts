/**
 * The wallet over the last 24 h as the status page charts it: the ledger's entries folded into
 * fixed buckets (5 minutes by default), each with the balance at its end and what was spent
 * (debits) in it, as an hourly burn rate. Bounded whatever the ledger holds (288 points a day),
 * so the `wallet` frame stays small. Pure.
 */

/** One ledger entry, in currency units. */
export interface LedgerPoint {
  atMs: number;
  type: 'credit' | 'debit' | 'reserve' | 'release';
  amount: number;
  balanceAfter: number;
}

/** Parallel arrays, as uPlot takes them: seconds, balance at the bucket's end, burn per hour. */
export interface WalletSeries {
  from: string;
  to: string;
  bucketSeconds: number;
  t: number[];
  balance: Array<number | null>;
  burnPerHour: number[];
}

export function walletSeries(
  entries: readonly LedgerPoint[],
  opts: { nowMs: number; windowMs?: number; bucketMs?: number; balanceNow?: number },
): WalletSeries {
  const windowMs = opts.windowMs ?? 24 * 3600_000;
  const bucketMs = opts.bucketMs ?? 5 * 60_000;
  const end = Math.ceil(opts.nowMs / bucketMs) * bucketMs;
  const start = end - windowMs;
  const n = Math.round(windowMs / bucketMs);
  const sorted = [...entries].filter((e) => e.atMs >= start && e.atMs < end).sort((a, b) => a.atMs - b.atMs);
  const t: number[] = [];
  const balance: Array<number | null> = [];
  const burnPerHour: number[] = [];
  const first = sorted[0];
  // Before the first entry of the window the balance was what that entry started from.
  let last: number | null = first
    ? first.type === 'credit'
      ? first.balanceAfter - first.amount
      : first.type === 'debit'
        ? first.balanceAfter + first.amount
        : first.balanceAfter
    : (opts.balanceNow ?? null);
  let i = 0;
  for (let b = 0; b < n; b++) {
    const bucketEnd = start + (b + 1) * bucketMs;
    let spent = 0;
    while (i < sorted.length && sorted[i]!.atMs < bucketEnd) {
      const e = sorted[i++]!;
      if (e.type === 'debit') spent += e.amount;
      last = e.balanceAfter;
    }
    t.push(Math.round(bucketEnd / 1000));
    balance.push(last);
    burnPerHour.push(Math.round(((spent * 3600_000) / bucketMs) * 1e6) / 1e6);
  }
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    bucketSeconds: bucketMs / 1000,
    t,
    balance,
    burnPerHour,
  };
}
