/**
 * Scenario evaluation, the step every run ends with (on success and on the fail path). It grades the
 * run's outputs against the pinned suite, holdouts included, writes the immutable scenario report,
 * records stage failures the engine ended (retries exhausted), opens an incident for a systemic
 * failure, and moves the run to `evaluating`, where it waits for a person's decision.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { StepContext, StepHandler } from '../engine/workflow.js';
import type { ModelPort } from '../model/port.js';
import {
  RUN_TARGET,
  evaluateCheck,
  rubricRequest,
  rubricResult,
  checkTarget,
  type Check,
  type CheckResult,
} from './core/checks.js';
import { summarize, type ScenarioReport } from './core/evaluation.js';
import { systemicReason, type FailureClass } from './core/failure.js';
import { DEFAULT_SYSTEMIC, stageDependencies } from './core/spec.js';
import { pipelineInputOf, type PipelineInput } from './pipeline-input.js';
import type { StageDeps } from './stages.js';
import { enqueueDecisionsNeeded } from './notify.js';
import { workflowActor } from './stage-records.js';
import { changePipelineRun, col, getPipelineRunDoc, readPipelineRunTx, readSuite } from './repo.js';

async function grade(model: ModelPort, check: Check, outputs: Record<string, unknown>): Promise<CheckResult> {
  if (check.kind !== 'rubric') return evaluateCheck(check, outputs);
  const t = checkTarget(check, outputs);
  if (!t.found)
    return {
      kind: 'rubric',
      target: check.stage,
      pass: false,
      evidence: { actual: null, note: `no output at ${check.stage}` },
    };
  try {
    const res = await model.generate(rubricRequest(check, t.value));
    return rubricResult(check, t.value, res.json ?? safeJson(res.text));
  } catch (err) {
    return {
      kind: 'rubric',
      target: check.stage,
      pass: false,
      evidence: { actual: null, note: `grading failed: ${(err as Error).message}` },
    };
  }
}

const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/** Failed stages as the engine ended them; `retries_exhausted` was a retryable failure out of attempts. */
async function engineFailures(
  deps: Pick<StageDeps, 'engineSteps'>,
  ctx: StepContext,
): Promise<Array<{ stageId: string; class: FailureClass; error: string }>> {
  return Object.entries(await deps.engineSteps(ctx.runId))
    .filter(([id, s]) => s.status === 'failed' && !id.startsWith('__'))
    .map(([stageId, s]) => ({
      stageId,
      class:
        s.failureClass === 'pipeline'
          ? 'pipeline'
          : s.failureClass === 'retries_exhausted'
            ? 'retryable'
            : 'terminal',
      error: s.error ?? 'failed',
    }));
}

export function evaluateStep(
  deps: Pick<StageDeps, 'db' | 'model' | 'engineSteps' | 'incidents'>,
): StepHandler {
  return async (ctx) => {
    const pin = pipelineInputOf(ctx.input);
    const { db } = deps;
    const record = await getPipelineRunDoc(db, pin.pipelineRunId);
    const suite = await readSuite(db, record.suite);
    const failures = await engineFailures(deps, ctx);
    const execution = failures.length ? 'failed' : 'succeeded';
    const outputs: Record<string, unknown> = Object.fromEntries(
      Object.entries(ctx.outputs).filter(([k]) => !k.startsWith('__')),
    );
    outputs[RUN_TARGET] = { state: execution, failures };
    const scenarios = [];
    for (const s of suite.scenarios) {
      const checks = [];
      for (const c of s.checks) checks.push(await grade(deps.model, c, outputs));
      scenarios.push({
        id: s.id,
        title: s.title,
        holdout: s.holdout,
        critical: s.critical,
        pass: checks.every((c) => c.pass),
        checks,
      });
    }
    const policyChecks = [];
    for (const p of pin.spec.policyChecks) {
      const result = await grade(deps.model, p.check, outputs);
      policyChecks.push({ id: p.id, description: p.description, pass: result.pass, result });
    }
    const report: ScenarioReport = {
      runId: record.id,
      spec: record.spec,
      suite: record.suite,
      execution,
      scenarios,
      policyChecks,
      summary: summarize(scenarios, policyChecks),
      evaluatedAt: ctx.now.toISOString(),
    };
    return {
      type: 'done',
      output: { summary: report.summary },
      effect: (tx, fdb) => commitEvaluation(deps.incidents, fdb, tx, pin, report, failures, ctx.now),
      slack: true, // the decisions it asks for are delivered right after the commit
    };
  };
}

async function commitEvaluation(
  incidents: StageDeps['incidents'],
  db: Firestore,
  tx: Transaction,
  pin: PipelineInput,
  report: ScenarioReport,
  failures: Array<{ stageId: string; class: FailureClass; error: string }>,
  at: Date,
): Promise<void> {
  const run = await readPipelineRunTx(db, tx, pin.pipelineRunId);
  const reportRef = col.reports(db).doc(run.id);
  if ((await tx.get(reportRef)).exists) return; // evaluated already; reports never change
  const systemic = pin.spec.systemic ?? DEFAULT_SYSTEMIC;
  let incident: { id: string; reason: string; stageId: string } | undefined;
  for (const f of failures) {
    const since = new Date(at.getTime() - systemic.windowMs).toISOString();
    const recent = await tx.get(
      col
        .stageFailures(db)
        .where('specName', '==', run.specName)
        .where('stageId', '==', f.stageId)
        .where('at', '>=', since),
    );
    const reason = systemicReason({
      failureClass: f.class,
      failingRunIds: [...recent.docs.map((d) => d.get('runId') as string), run.id],
      threshold: systemic.threshold,
    });
    if (reason && !incident) {
      // Reads, then writes: opening must come before this transaction's own writes.
      const opened = await incidents.openInTransaction(
        tx,
        {
          severity: f.class === 'pipeline' ? 'sev2' : 'sev3',
          source: 'run',
          summary: `Level 4 pipeline "${run.specName}" stage "${f.stageId}": ${reason} (${f.error})`,
          ref: { type: 'pipelineRun', id: run.id },
          dedupeKey: `pipeline-stage:${run.specName}:${f.stageId}`,
          dependencies: stageDependencies(pin.spec, f.stageId),
          actor: workflowActor,
        },
        at,
      );
      incident = { id: opened.id, reason, stageId: f.stageId };
    }
  }
  for (const f of failures)
    tx.create(col.stageFailures(db).doc(`${run.id}~${f.stageId}`), {
      runId: run.id,
      specName: run.specName,
      spec: run.spec,
      stageId: f.stageId,
      class: f.class,
      error: f.error,
      at: at.toISOString(),
    });
  tx.create(reportRef, report);
  const known = new Set(run.stageFailures.map((f) => f.stageId));
  const missing = failures.filter((f) => !known.has(f.stageId));
  changePipelineRun(db, tx, run, {
    to: [report.execution, 'evaluating'],
    patch: {
      evaluatedAt: at.toISOString(),
      ...(missing.length
        ? { stageFailures: [...run.stageFailures, ...missing.map((f) => ({ ...f, at: at.toISOString() }))] }
        : {}),
      ...Object.fromEntries(
        missing.map((f) => [
          `stages.${f.stageId}`,
          {
            ...run.stages[f.stageId],
            status: 'failed',
            attempts: run.stages[f.stageId]?.attempts ?? 1,
            class: f.class,
            error: f.error,
          },
        ]),
      ),
      ...(incident ? { incidents: [...run.incidents, incident.id] } : {}),
    },
    events: [
      ...missing.map((f) => ({
        type: 'stage.failed',
        stageId: f.stageId,
        data: { class: f.class, error: f.error, retriesExhausted: f.class === 'retryable' },
      })),
      ...(incident
        ? [
            {
              type: 'incident.opened',
              stageId: incident.stageId,
              data: { incidentId: incident.id, reason: incident.reason },
            },
          ]
        : []),
      { type: 'evaluation.completed', data: { summary: report.summary } },
    ],
    actor: workflowActor,
    at,
  });
  enqueueDecisionsNeeded(db, tx, run, report, at);
}
