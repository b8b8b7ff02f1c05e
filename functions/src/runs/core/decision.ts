/**
 * The Level 4 decision policy, a pure function. Approve only when the holdouts passed, no critical
 * failure is unresolved, the policy checks passed and the approver states the user-visible
 * outcome. Reject when a scenario failed, an ambiguity with user impact is unresolved, repeated
 * runs disagree, or the audit trail or rationale is missing. Every answer lists its reasons.
 */
import type { FailureClass } from './failure.js';
import type { ReportSummary } from './evaluation.js';

export const FAILURE_CATEGORIES = ['spec_ambiguity', 'implementation_defect', 'environment_issue'] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export interface Classification {
  target: { type: 'scenario' | 'stage'; id: string };
  category: FailureCategory;
  userImpact: boolean;
  resolved: boolean;
}

export interface DecisionEvidence {
  summary?: ReportSummary;
  /** Stage failures that took the fail path (retryable ones that later succeeded are not here). */
  stageFailures: Array<{ stageId: string; class: FailureClass }>;
  /** Scenarios whose failure is critical. */
  criticalScenarios: string[];
  classifications: Classification[];
  repeats: { required: number; evaluated: number; inconsistencies: string[] };
  auditTrail: { gaps: string[] };
}

export interface DecisionRequest {
  decision: 'approve' | 'reject';
  rationale: string;
  /** The user-visible outcome, in the approver's words. Required to approve. */
  outcome?: string;
}

export interface PolicyAnswer {
  allowed: boolean;
  /** Why the policy allows or refuses this decision. */
  reasons: string[];
  /** Reasons the run must be rejected, whatever was asked. */
  rejectReasons: string[];
  /** Conditions for approval that do not hold. */
  approveBlockers: string[];
}

export const MIN_OUTCOME_CHARS = 12;

const resolvedFor = (e: DecisionEvidence, type: 'scenario' | 'stage', id: string) =>
  e.classifications.some((c) => c.target.type === type && c.target.id === id && c.resolved);

export function rejectReasons(e: DecisionEvidence, req: Pick<DecisionRequest, 'rationale'>): string[] {
  const r: string[] = [];
  if (!e.summary) r.push('no scenario report: the run was not evaluated');
  for (const id of e.summary?.failed ?? []) r.push(`scenario "${id}" failed`);
  for (const c of e.classifications)
    if (c.category === 'spec_ambiguity' && c.userImpact && !c.resolved)
      r.push(`unresolved spec ambiguity with user impact (${c.target.type} "${c.target.id}")`);
  for (const d of e.repeats.inconsistencies) r.push(`inconsistent outcome across repeated runs: ${d}`);
  for (const g of e.auditTrail.gaps) r.push(`audit trail incomplete: ${g}`);
  if (!req.rationale.trim()) r.push('the decision has no rationale');
  return r;
}

export function approveBlockers(e: DecisionEvidence, req: Pick<DecisionRequest, 'outcome'>): string[] {
  const b: string[] = [];
  const s = e.summary;
  if (s && s.holdouts === 0) b.push('the suite has no holdout scenarios, so there is no holdout evidence');
  if (s && s.holdoutsPassed < s.holdouts) b.push(`holdouts passed: ${s.holdoutsPassed} of ${s.holdouts}`);
  for (const f of e.stageFailures)
    if (!resolvedFor(e, 'stage', f.stageId))
      b.push(`unresolved critical failure: stage "${f.stageId}" failed (${f.class})`);
  for (const id of e.criticalScenarios)
    if (s?.failed.includes(id) && !resolvedFor(e, 'scenario', id))
      b.push(`unresolved critical failure: critical scenario "${id}" failed`);
  if (s && !s.policyChecksPassed) b.push(`policy checks failed: ${s.failedPolicyChecks.join(', ')}`);
  if (e.repeats.evaluated < e.repeats.required)
    b.push(`only ${e.repeats.evaluated} of ${e.repeats.required} repeated runs are evaluated`);
  if ((req.outcome ?? '').trim().length < MIN_OUTCOME_CHARS)
    b.push('the approver did not state the user-visible outcome');
  return b;
}

/** Whether the requested decision is allowed, and why. */
export function decisionPolicy(e: DecisionEvidence, req: DecisionRequest): PolicyAnswer {
  const rejects = rejectReasons(e, req);
  const blockers = approveBlockers(e, req);
  if (req.decision === 'approve') {
    const allowed = rejects.length === 0 && blockers.length === 0;
    return {
      allowed,
      reasons: allowed
        ? [
            `holdouts passed (${e.summary!.holdoutsPassed} of ${e.summary!.holdouts})`,
            'no unresolved critical failure',
            'policy checks passed',
            `user-visible outcome: ${req.outcome!.trim()}`,
          ]
        : [...rejects, ...blockers],
      rejectReasons: rejects,
      approveBlockers: blockers,
    };
  }
  // A person may reject for a reason the policy does not know; the rationale is then the reason.
  const allowed = req.rationale.trim().length > 0;
  return {
    allowed,
    reasons: rejects.length ? rejects : [`rejected on the approver's judgement: ${req.rationale.trim()}`],
    rejectReasons: rejects,
    approveBlockers: blockers,
  };
}
