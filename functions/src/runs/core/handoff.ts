/**
 * The handoff of a run: summary, scenario report, decision record, open risks and next actions,
 * as JSON and as Markdown. Pure.
 */
import type { ScenarioReport } from './evaluation.js';
import type { DecisionRecord, FailureClassificationRecord, PipelineRun } from './pipeline-run.js';

export interface Handoff {
  run: {
    id: string;
    spec: string;
    suite: string;
    profile: string;
    state: string;
    createdAt: string;
    createdBy: string;
    group: PipelineRun['group'];
    remediates?: string;
    remediatedBy: string[];
    remediationTasks: string[];
    stages: Array<{
      id: string;
      status: string;
      attempts: number;
      class?: string;
      error?: string;
      edge?: string;
    }>;
    gates: PipelineRun['gates'];
    incidents: string[];
  };
  scenarioReport: ScenarioReport | null;
  decision: DecisionRecord | null;
  classifications: FailureClassificationRecord[];
  openRisks: string[];
  nextActions: string[];
}

export function buildHandoff(i: {
  run: PipelineRun;
  report: ScenarioReport | null;
  classifications: FailureClassificationRecord[];
  remediatedBy: string[];
  /** Growth Engine tasks opened to remediate this run. */
  remediationTasks?: string[];
}): Handoff {
  const { run, report, classifications } = i;
  const classified = new Set(classifications.map((c) => `${c.target.type}:${c.target.id}`));
  const risks: string[] = [];
  const actions: string[] = [];
  for (const f of run.stageFailures) risks.push(`stage "${f.stageId}" failed (${f.class}): ${f.error}`);
  for (const id of report?.summary.failed ?? []) {
    risks.push(`scenario "${id}" failed`);
    if (!classified.has(`scenario:${id}`))
      actions.push(
        `classify the failure of scenario "${id}" (spec ambiguity, implementation defect or environment issue)`,
      );
  }
  for (const p of report?.summary.failedPolicyChecks ?? []) risks.push(`policy check "${p}" failed`);
  // The latest classification per target counts (callers pass them oldest first).
  const latest = new Map(classifications.map((c) => [`${c.target.type}:${c.target.id}`, c]));
  for (const c of [...latest.values()].filter((c) => !c.resolved)) {
    risks.push(
      `unresolved ${c.category.replace('_', ' ')} on ${c.target.type} "${c.target.id}"${c.userImpact ? ' with user impact' : ''}`,
    );
    actions.push(
      c.category === 'environment_issue'
        ? `fix the environment and start a new run for ${c.target.type} "${c.target.id}"`
        : `publish a new spec version for ${c.target.type} "${c.target.id}" and start a remediation run`,
    );
  }
  for (const id of run.incidents) risks.push(`incident ${id} is open for this run`);
  if (!report) actions.push('wait for the run to reach evaluation');
  else if (!run.decision)
    actions.push('decide: approve (stating the user-visible outcome) or reject, with a rationale');
  for (const t of i.remediationTasks ?? []) actions.push(`complete remediation task ${t}`);
  if (run.decision?.decision === 'approved')
    actions.push('hand the approved behaviour over; monitor it in production');
  if (run.decision?.decision === 'rejected' && i.remediatedBy.length === 0)
    actions.push('remediate: publish a new spec version and start a new run linked to this one');
  return {
    run: {
      id: run.id,
      spec: run.spec,
      suite: run.suite,
      profile: run.profile,
      state: run.state,
      createdAt: run.createdAt,
      createdBy: run.createdBy.name ?? run.createdBy.id,
      group: run.group,
      remediates: run.remediates?.runId,
      remediatedBy: i.remediatedBy,
      remediationTasks: i.remediationTasks ?? [],
      stages: Object.entries(run.stages).map(([id, s]) => ({ id, ...s })),
      gates: run.gates,
      incidents: run.incidents,
    },
    scenarioReport: report,
    decision: run.decision ?? null,
    classifications,
    openRisks: risks,
    nextActions: [...new Set(actions)],
  };
}

const bullet = (items: string[], none = 'none') =>
  items.length ? items.map((s) => `- ${s}`).join('\n') : `- ${none}`;

export function handoffMarkdown(h: Handoff): string {
  const r = h.run;
  const s = h.scenarioReport;
  const lines = [
    `# Run ${r.id}`,
    '',
    '## Run summary',
    `- spec: \`${r.spec}\`, suite: \`${r.suite}\`, profile: \`${r.profile}\``,
    `- state: **${r.state}**, started ${r.createdAt} by ${r.createdBy}`,
    `- repeat ${r.group.index + 1} of ${r.group.size} (group ${r.group.id})`,
    ...(r.remediates ? [`- remediates run ${r.remediates}`] : []),
    ...(r.remediatedBy.length ? [`- remediated by ${r.remediatedBy.join(', ')}`] : []),
    '',
    '| stage | status | attempts | class | note |',
    '| --- | --- | --- | --- | --- |',
    ...r.stages.map(
      (st) =>
        `| ${st.id} | ${st.status} | ${st.attempts} | ${st.class ?? ''} | ${(st.error ?? st.edge ?? '').replaceAll('|', '\\|')} |`,
    ),
    ...r.gates.map(
      (g) =>
        `- gate ${g.stageId}: **${g.edge}** by ${g.decidedBy.name ?? g.decidedBy.id} at ${g.at}: ${g.rationale}`,
    ),
    '',
    '## Scenario report',
  ];
  if (!s) lines.push('Not evaluated yet.');
  else {
    lines.push(
      `${s.summary.passed} of ${s.summary.total} scenarios passed; holdouts ${s.summary.holdoutsPassed} of ${s.summary.holdouts}; policy checks ${s.summary.policyChecksPassed ? 'passed' : 'failed'}. Execution ${s.execution}.`,
      '',
      '| scenario | holdout | result |',
      '| --- | --- | --- |',
      ...s.scenarios.map(
        (sc) => `| ${sc.id} | ${sc.holdout ? 'yes' : 'no'} | ${sc.pass ? 'pass' : '**fail**'} |`,
      ),
    );
  }
  lines.push('', '## Decision record');
  const d = h.decision;
  if (!d) lines.push('No decision yet.');
  else
    lines.push(
      `- **${d.decision}** by ${d.decidedBy.name ?? d.decidedBy.id} at ${d.at}`,
      `- rationale: ${d.rationale}`,
      ...(d.outcome ? [`- user-visible outcome: ${d.outcome}`] : []),
      ...d.reasons.map((x) => `- reason: ${x}`),
    );
  lines.push('', '## Open risks', bullet(h.openRisks), '', '## Next actions', bullet(h.nextActions), '');
  return lines.join('\n');
}
