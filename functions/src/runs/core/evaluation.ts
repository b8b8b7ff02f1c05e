/**
 * The scenario report of a run and the comparison of repeated runs. Pure.
 */
import type { CheckResult } from './checks.js';

export interface ScenarioResult {
  id: string;
  title: string;
  holdout: boolean;
  critical: boolean;
  pass: boolean;
  checks: CheckResult[];
}

export interface PolicyCheckResult {
  id: string;
  description: string;
  pass: boolean;
  result: CheckResult;
}

export interface ReportSummary {
  total: number;
  passed: number;
  failed: string[];
  holdouts: number;
  holdoutsPassed: number;
  policyChecksPassed: boolean;
  failedPolicyChecks: string[];
}

export interface ScenarioReport {
  runId: string;
  spec: string;
  suite: string;
  /** How execution ended before evaluation. */
  execution: 'succeeded' | 'failed';
  scenarios: ScenarioResult[];
  policyChecks: PolicyCheckResult[];
  summary: ReportSummary;
  evaluatedAt: string;
}

export function summarize(scenarios: ScenarioResult[], policy: PolicyCheckResult[]): ReportSummary {
  const holdouts = scenarios.filter((s) => s.holdout);
  return {
    total: scenarios.length,
    passed: scenarios.filter((s) => s.pass).length,
    failed: scenarios.filter((s) => !s.pass).map((s) => s.id),
    holdouts: holdouts.length,
    holdoutsPassed: holdouts.filter((s) => s.pass).length,
    policyChecksPassed: policy.every((p) => p.pass),
    failedPolicyChecks: policy.filter((p) => !p.pass).map((p) => p.id),
  };
}

/** What must be the same across repeated runs: how execution ended and each scenario's verdict. */
export function outcomeOf(report: Pick<ScenarioReport, 'execution' | 'scenarios'>): Record<string, string> {
  const o: Record<string, string> = { execution: report.execution };
  for (const s of report.scenarios) o[`scenario ${s.id}`] = s.pass ? 'pass' : 'fail';
  return o;
}

/** Names every outcome that differs between repeated runs, e.g. `scenario tone: pass in r1, fail in r2`. */
export function compareRepeats(
  reports: Array<{ runId: string; report: Pick<ScenarioReport, 'execution' | 'scenarios'> }>,
): string[] {
  if (reports.length < 2) return [];
  const outcomes = reports.map((r) => ({ runId: r.runId, o: outcomeOf(r.report) }));
  const keys = new Set(outcomes.flatMap((x) => Object.keys(x.o)));
  const diffs: string[] = [];
  for (const key of [...keys].sort()) {
    const values = new Set(outcomes.map((x) => x.o[key] ?? 'missing'));
    if (values.size > 1)
      diffs.push(`${key}: ${outcomes.map((x) => `${x.o[key] ?? 'missing'} in ${x.runId}`).join(', ')}`);
  }
  return diffs;
}
