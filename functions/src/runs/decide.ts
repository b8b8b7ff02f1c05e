/**
 * The run decision: approve or reject, checked against the decision policy, once per run. The
 * decision document is created in the same transaction as the state change, so of any number of
 * concurrent decisions exactly one commits; the rest are refused naming the first.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import { auditInTransaction, recordAudit } from '../platform/audit.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import { conflict, describeIssues, invalidInput, isAppError, policyViolation } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { compareRepeats, type ScenarioReport } from './core/evaluation.js';
import { decisionPolicy, type DecisionEvidence } from './core/decision.js';
import type {
  DecisionRecord,
  FailureClassificationRecord,
  PipelineRun,
  PipelineRunEvent,
} from './core/pipeline-run.js';
import { enqueueRunDecided } from './notify.js';
import { decideSchema } from './schemas.js';
import { changePipelineRun, readPipelineRunTx, col, targets } from './repo.js';

export interface DecideDeps {
  db: Firestore;
  clock: Clock;
  bus: Bus;
  log: Logger;
}

/** Everything the policy weighs, read in the decision's transaction. */
export async function gatherEvidence(
  db: Firestore,
  tx: Transaction,
  run: PipelineRun,
): Promise<{ evidence: DecisionEvidence; report?: ScenarioReport }> {
  const reportSnap = await tx.get(col.reports(db).doc(run.id));
  const report = reportSnap.data();
  const cls = (await tx.get(col.classifications(db).where('runId', '==', run.id))).docs.map((d) => d.data());
  const siblings = (await tx.get(col.runs(db).where('group.id', '==', run.group.id))).docs.map((d) =>
    d.data(),
  );
  const siblingReports: Array<{ runId: string; report: ScenarioReport }> = [];
  for (const s of siblings) {
    const sibling = (await tx.get(col.reports(db).doc(s.id))).data();
    if (sibling) siblingReports.push({ runId: s.id, report: sibling });
  }
  const events = (await tx.get(col.events(db).where('runId', '==', run.id))).docs.map((d) => d.data());
  // Latest classification per target wins: a person may re-classify or mark one resolved later.
  const latest = new Map<string, FailureClassificationRecord>();
  for (const c of cls.sort((a, b) => a.at.localeCompare(b.at)))
    latest.set(`${c.target.type}:${c.target.id}`, c);
  return {
    report,
    evidence: {
      ...(report ? { summary: report.summary } : {}),
      stageFailures: run.stageFailures.map((f) => ({ stageId: f.stageId, class: f.class })),
      criticalScenarios: (report?.scenarios ?? []).filter((s) => s.critical).map((s) => s.id),
      classifications: [...latest.values()],
      repeats: {
        required: run.group.size,
        evaluated: siblingReports.length,
        inconsistencies: compareRepeats(siblingReports.sort((a, b) => a.runId.localeCompare(b.runId))),
      },
      auditTrail: { gaps: auditGaps(run, events) },
    },
  };
}

/** The run's own trail: every event seq present, every gate with a decider and a rationale. */
function auditGaps(run: PipelineRun, events: PipelineRunEvent[]): string[] {
  const gaps: string[] = [];
  const seqs = new Set(events.map((e) => e.seq));
  const missing = [];
  for (let i = 1; i <= run.eventSeq; i++) if (!seqs.has(i)) missing.push(i);
  if (missing.length) gaps.push(`events missing (seq ${missing.slice(0, 10).join(', ')})`);
  for (const g of run.gates)
    if (!g.rationale?.trim() || !g.decidedBy) gaps.push(`gate "${g.stageId}" has no rationale or decider`);
  if (!events.some((e) => e.type === 'evaluation.completed')) gaps.push('no evaluation event');
  return gaps;
}

export async function decidePipelineRun(
  deps: DecideDeps,
  runId: string,
  raw: unknown,
  actor: Actor,
  via: 'api' | 'slack' = 'api',
): Promise<DecisionRecord> {
  const r = decideSchema.safeParse(raw);
  if (!r.success) throw invalidInput(`decision refused: ${describeIssues(r.error.issues).join('; ')}`);
  const req = r.data;
  const at = deps.clock.now();
  try {
    const decided = await deps.db.runTransaction(
      async (tx) => {
        const run = await readPipelineRunTx(deps.db, tx, runId);
        const ref = col.decisions(deps.db).doc(runId);
        const first = await tx.get(ref);
        if (first.exists) {
          const d = first.data()!;
          throw conflict(
            `run "${runId}" was already ${d.decision} by ${d.decidedBy.id} at ${d.at} ("${d.rationale}"); a run gets one decision`,
            { decision: d },
          );
        }
        if (run.state !== 'evaluating')
          throw conflict(
            `run "${runId}" is ${run.state}, not evaluating: only an evaluated run awaiting its decision can be decided`,
          );
        const { evidence } = await gatherEvidence(deps.db, tx, run);
        const answer = decisionPolicy(evidence, req);
        if (!answer.allowed)
          throw policyViolation(
            `the decision policy refuses to ${req.decision}: ${answer.reasons.join('; ')}`,
            answer,
          );
        const record: DecisionRecord = {
          runId,
          decision: req.decision === 'approve' ? 'approved' : 'rejected',
          decidedBy: actor,
          at: at.toISOString(),
          rationale: req.rationale,
          ...(req.outcome ? { outcome: req.outcome } : {}),
          reasons: answer.reasons,
          evidence: { ...evidence },
        };
        tx.create(ref, record);
        auditInTransaction(
          deps.db,
          tx,
          {
            actor,
            action: `pipeline_run.${req.decision}`,
            target: targets.run(runId),
            outcome: 'ok',
            rationale: req.rationale,
            via,
            details: { reasons: answer.reasons },
          },
          at,
        );
        changePipelineRun(deps.db, tx, run, {
          to: record.decision,
          patch: { decision: record },
          events: [
            {
              type: 'decision.recorded',
              data: { decision: record.decision, rationale: req.rationale, reasons: answer.reasons },
            },
          ],
          actor,
          at,
        });
        enqueueRunDecided(deps.db, tx, runId, {
          decision: req.decision,
          rationale: req.rationale,
          by: actor,
          at,
        });
        return record;
      },
      { maxAttempts: 30 },
    );
    await kickSlackOutbox(deps);
    return decided;
  } catch (err) {
    if (isAppError(err) && err.code !== 'not_found')
      await recordAudit(
        deps.db,
        {
          actor,
          action: `pipeline_run.${req.decision}`,
          target: targets.run(runId),
          outcome: 'refused',
          rationale: req.rationale,
          reason: `${err.code}: ${err.message}`,
          via,
        },
        at,
      );
    throw err;
  }
}
