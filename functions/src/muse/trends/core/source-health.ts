/**
 * Each trend source's health across ticks: when it last answered, its last error and why, how many
 * items it gave last time and how many ticks in a row it has failed. Pure: the next health list
 * from the previous one, the configured sources and this tick's results.
 */

export interface SourceHealth {
  id: string;
  kind: string;
  enabled: boolean;
  /** Whether the last scan of this source succeeded (undefined: never scanned). */
  ok?: boolean;
  lastSuccessAt?: Date;
  lastErrorAt?: Date;
  lastError?: string;
  /** Items read the last time it was scanned. */
  itemsLast?: number;
  consecutiveFailures: number;
  lastTickId?: string;
}

export interface ScanOutcome {
  id: string;
  ok: boolean;
  reason?: string;
  items: number;
}

/**
 * Sources no longer configured are dropped; disabled ones keep their last health. Dates from the
 * store may arrive as anything with `toDate`, so callers convert before passing `prev`.
 */
export function nextSourceHealth(
  prev: readonly SourceHealth[],
  configured: ReadonlyArray<{ id: string; kind: string; enabled: boolean }>,
  results: readonly ScanOutcome[],
  tickId: string,
  at: Date,
): SourceHealth[] {
  const before = new Map(prev.map((h) => [h.id, h]));
  const scanned = new Map(results.map((r) => [r.id, r]));
  return configured.map((s) => {
    const last: SourceHealth = {
      ...before.get(s.id),
      id: s.id,
      kind: s.kind,
      enabled: s.enabled,
      consecutiveFailures: before.get(s.id)?.consecutiveFailures ?? 0,
    };
    const r = scanned.get(s.id);
    if (!r) return last;
    return r.ok
      ? {
          ...last,
          ok: true,
          lastSuccessAt: at,
          itemsLast: r.items,
          consecutiveFailures: 0,
          lastTickId: tickId,
        }
      : {
          ...last,
          ok: false,
          lastErrorAt: at,
          lastError: r.reason ?? 'failed',
          itemsLast: 0,
          consecutiveFailures: last.consecutiveFailures + 1,
          lastTickId: tickId,
        };
  });
}

/** One line for people: "4 of 5 sources ok; failing: reddit-popular (HTTP 429, 3 ticks)". */
export function healthLine(health: readonly SourceHealth[]): string {
  if (!health.length) return 'not read by any tick yet';
  const enabled = health.filter((h) => h.enabled);
  if (!enabled.length) return 'no enabled sources';
  const failing = enabled.filter((h) => h.ok === false);
  const ok = enabled.filter((h) => h.ok === true).length;
  const head = `${ok} of ${enabled.length} sources ok`;
  if (!failing.length) return head;
  return `${head}; failing: ${failing
    .map(
      (h) =>
        `${h.id} (${h.lastError ?? 'failed'}, ${h.consecutiveFailures} tick${h.consecutiveFailures === 1 ? '' : 's'})`,
    )
    .join(', ')}`;
}
