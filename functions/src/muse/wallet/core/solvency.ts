/**
 * The CFO solvency rule, in micros: a reservation is allowed only if what remains available
 * (balance - reserved - amount) stays at or above the reserve floor.
 */
export interface WalletTotals {
  balance: number;
  reserved: number;
}

export type SolvencyVerdict = { ok: true } | { ok: false; reason: string };

export function checkSolvency(
  totals: WalletTotals,
  amountMicros: number,
  floorMicros: number,
  fmt: (micros: number) => string = String,
): SolvencyVerdict {
  const after = totals.balance - totals.reserved - amountMicros;
  if (after < floorMicros)
    return {
      ok: false,
      reason:
        `insufficient funds: available ${fmt(totals.balance - totals.reserved)} minus cost ` +
        `${fmt(amountMicros)} would leave ${fmt(after)}, under the reserve floor ${fmt(floorMicros)}`,
    };
  return { ok: true };
}
