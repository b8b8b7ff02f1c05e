/**
 * The Growth Engine's success metrics and compliance rates, computed from plain records. Each
 * metric is a ratio or a duration with its numerator and denominator, so a report can show what
 * it was computed from. Definitions are in the README (Metrics). Pure.
 */

export interface Ratio {
  value: number | null;
  numerator: number;
  denominator: number;
}

export const ratio = (numerator: number, denominator: number): Ratio => ({
  value: denominator > 0 ? Math.round((numerator / denominator) * 10_000) / 10_000 : null,
  numerator,
  denominator,
});

/** Guard compliance per guard: passing results over all results in the period. */
export function guardCompliance(results: Array<{ guard: string; status: 'pass' | 'fail' | 'error' }>): {
  overall: Ratio;
  byGuard: Record<string, Ratio>;
} {
  const by = new Map<string, { pass: number; all: number }>();
  for (const r of results) {
    const c = by.get(r.guard) ?? { pass: 0, all: 0 };
    c.all++;
    if (r.status === 'pass') c.pass++;
    by.set(r.guard, c);
  }
  const byGuard = Object.fromEntries([...by].sort().map(([g, c]) => [g, ratio(c.pass, c.all)]));
  const pass = results.filter((r) => r.status === 'pass').length;
  return { overall: ratio(pass, results.length), byGuard };
}

/** Median and mean of durations in minutes (null when there are none). */
export function durationStats(minutes: number[]): {
  count: number;
  mean: number | null;
  median: number | null;
} {
  if (!minutes.length) return { count: 0, mean: null, median: null };
  const s = [...minutes].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { count: s.length, mean: Math.round(mean * 100) / 100, median: Math.round(median * 100) / 100 };
}

export interface MetricInputs {
  /** Tasks finished in the period: whether each was on time. */
  finished: Array<{ onTime: boolean }>;
  /** Tasks active or finished in the period: whether each has at least one evidence record. */
  tasksInScope: Array<{ hasEvidence: boolean; mustBeat: boolean; everStale: boolean }>;
  guardResults: Array<{ guard: string; status: 'pass' | 'fail' | 'error' }>;
  /** Incidents opened in the period: minutes to acknowledgement (undefined when not acknowledged). */
  incidents: Array<{ ackMinutes?: number; resolveMinutes?: number }>;
  /** Engine step executions in the period and how many failed terminally. */
  steps: { total: number; failed: number };
}

/** The six success metrics of the manual, as one JSON view. */
export function successMetrics(m: MetricInputs) {
  const mustBeat = m.tasksInScope.filter((t) => t.mustBeat);
  return {
    taskCompletionOnTime: ratio(m.finished.filter((f) => f.onTime).length, m.finished.length),
    evidenceCoverage: ratio(m.tasksInScope.filter((t) => t.hasEvidence).length, m.tasksInScope.length),
    heartbeatCompliance: ratio(mustBeat.filter((t) => !t.everStale).length, mustBeat.length),
    guardCompliance: guardCompliance(m.guardResults).overall,
    alertResponseMinutes: durationStats(
      m.incidents.flatMap((i) => (i.ackMinutes === undefined ? [] : [i.ackMinutes])),
    ),
    alertResolutionMinutes: durationStats(
      m.incidents.flatMap((i) => (i.resolveMinutes === undefined ? [] : [i.resolveMinutes])),
    ),
    errorRate: ratio(m.steps.failed, m.steps.total),
  };
}
