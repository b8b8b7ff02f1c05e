/**
 * Human gates: a parked run resumes only when a decision names one of the offered edges, with a
 * rationale and a decider. The decision commits in one transaction with the step's completion, so of
 * any number of concurrent decisions exactly one wins; the others are refused with the first one.
 */
import { auditInTransaction } from '../platform/audit.js';
import { conflict, invalidInput, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { applyOutcome } from './core/run-state.js';
import { commitTransition } from './commit.js';
import { enqueueGateDecided } from './notify.js';
import { flushOutbox } from './outbox.js';
import { workflowRunRef, type GateDecision, type WorkflowRun } from './store.js';
import type { EnginePorts } from './deps.js';

export interface DecideGateInput {
  runId: string;
  /** Which gate; optional when the run has exactly one open gate. */
  stepId?: string;
  edge: string;
  rationale: string;
  actor: Actor;
  via?: 'api' | 'slack';
  slack?: { teamId?: string; channelId?: string };
}

export async function decideGate(
  deps: EnginePorts,
  d: DecideGateInput,
): Promise<GateDecision & { stepId: string }> {
  const rationale = d.rationale.trim();
  if (!rationale) throw invalidInput('a gate decision needs a rationale');
  const at = deps.clock.now();
  const result = await deps.db.runTransaction(
    async (tx) => {
      const snap = await tx.get(workflowRunRef(deps.db, d.runId));
      if (!snap.exists) throw notFound(`run "${d.runId}" does not exist`);
      const run = snap.data()!;
      const stepId = d.stepId ?? pickGate(run);
      const gate = run.gates[stepId];
      if (!gate) throw notFound(`run "${run.id}" has no gate at step "${stepId}"`);
      if (gate.decision) {
        const first = gate.decision;
        throw conflict(
          `gate "${stepId}" was already decided: "${first.edge}" by ${first.decider.name ?? first.decider.id} ("${first.rationale}")`,
          { decision: first },
        );
      }
      if (run.steps[stepId]?.status !== 'gate')
        throw conflict(`step "${stepId}" is not awaiting a decision (it is ${run.steps[stepId]?.status})`);
      if (!gate.edges.includes(d.edge))
        throw invalidInput(
          `edge "${d.edge}" is not offered at gate "${stepId}"; choose one of: ${gate.edges.join(', ')}`,
        );
      const decision: GateDecision = { edge: d.edge, rationale, decider: d.actor, at };
      const t = applyOutcome(
        { graph: run.graph, steps: run.steps, failing: run.failing, retry: run.retry },
        stepId,
        { type: 'done', edge: d.edge },
        at.getTime(),
      );
      auditInTransaction(
        deps.db,
        tx,
        {
          actor: d.actor,
          action: 'gate.decide',
          target: `runs/${run.id}#${stepId}`,
          outcome: 'ok',
          rationale,
          via: d.via ?? 'api',
          slack: d.slack,
          details: { edge: d.edge },
        },
        at,
      );
      const entries = commitTransition(
        deps.db,
        tx,
        run,
        {
          ...t,
          events: [
            { type: 'gate.decided', data: { stepId, edge: d.edge, rationale, decider: d.actor } },
            ...t.events,
          ],
        },
        {
          actor: d.actor,
          now: at,
          output: { stepId, value: { edge: d.edge, rationale, decider: d.actor } },
          patch: { [`gates.${stepId}.decision`]: decision },
          // Every Slack message about the gate is rewritten: who chose what, when and why.
          slack: (w) => enqueueGateDecided(deps.db, w, run.id, stepId, decision),
        },
      );
      return { entries, decision: { ...decision, stepId } };
    },
    { maxAttempts: 30 },
  );
  await flushOutbox(deps, result.entries);
  return result.decision;
}

function pickGate(run: WorkflowRun): string {
  const open = Object.values(run.gates)
    .filter((g) => !g.decision)
    .map((g) => g.stepId);
  if (open.length === 1) return open[0]!;
  const decided = Object.values(run.gates)
    .filter((g) => g.decision)
    .map((g) => g.stepId);
  if (open.length === 0 && decided.length === 1) return decided[0]!; // reports the first decision
  if (open.length === 0)
    throw conflict(`run "${run.id}" is ${run.status}, not awaiting a decision: it has no open gate yet`);
  throw invalidInput(`run "${run.id}" has several open gates (${open.join(', ')}); name one with stepId`);
}
