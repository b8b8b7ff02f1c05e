/**
 * A person resolving a human gate, and an agent completing a callback stage. The engine owns the
 * step (it refuses an edge not offered, a second decision, a callback for a stage that is not
 * waiting); these use cases add the Level 4 record: the decision or result, the stage, the state.
 */
import type { Firestore } from '@google-cloud/firestore';
import { describeIssues, invalidInput, notFound } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { classifyFailure, type FailureClass } from './core/failure.js';
import type { GateDecision, PipelineRun } from './core/pipeline-run.js';
import type { EnginePort } from './ports.js';
import { callbackSchema, gateDecisionSchema } from './schemas.js';
import { changePipelineRun, pipelineRunRef, readPipelineRunTx, col } from './repo.js';

/** What a gate decision and a callback need: the runs and the engine that carries them. */
export interface GateDeps {
  db: Firestore;
  clock: Clock;
  engine: Pick<EnginePort, 'decideGate' | 'completeExternalStep'>;
}

async function mustExist(app: { db: Firestore }, runId: string): Promise<PipelineRun> {
  const snap = await pipelineRunRef(app.db, runId).get();
  if (!snap.exists) throw notFound(`pipeline run "${runId}" does not exist`);
  return snap.data()!;
}

export async function resolveGateDecision(
  app: GateDeps,
  runId: string,
  raw: unknown,
  actor: Actor,
  via: 'api' | 'slack' = 'api',
): Promise<GateDecision> {
  const r = gateDecisionSchema.safeParse(raw);
  if (!r.success) throw invalidInput(`gate decision refused: ${describeIssues(r.error.issues).join('; ')}`);
  await mustExist(app, runId);
  const d = await app.engine.decideGate({
    runId,
    ...(r.data.stageId ? { stepId: r.data.stageId } : {}),
    edge: r.data.edge,
    rationale: r.data.rationale,
    actor,
    via,
  });
  const record: GateDecision = {
    stageId: d.stepId,
    edge: d.edge,
    rationale: d.rationale,
    decidedBy: actor,
    at: d.at.toISOString(),
  };
  const at = app.clock.now();
  await app.db.runTransaction(async (tx) => {
    const run = await readPipelineRunTx(app.db, tx, runId);
    changePipelineRun(app.db, tx, run, {
      // A later step may have moved the run on already; only a parked run resumes here.
      ...(run.state === 'awaiting_human' ? { to: 'running' as const } : {}),
      patch: {
        gates: [...run.gates, record],
        [`stages.${d.stepId}`]: {
          ...run.stages[d.stepId],
          status: 'succeeded',
          attempts: run.stages[d.stepId]?.attempts ?? 1,
          edge: d.edge,
        },
      },
      events: [
        {
          type: 'gate.decided',
          stageId: d.stepId,
          data: { edge: d.edge, rationale: d.rationale, decider: actor },
        },
      ],
      actor,
      at,
    });
  });
  return record;
}

export async function completeCallbackStage(
  app: GateDeps,
  runId: string,
  stageId: string,
  raw: unknown,
  actor: Actor,
): Promise<{ status: string; class?: FailureClass }> {
  const r = callbackSchema.safeParse(raw);
  if (!r.success) throw invalidInput(`callback refused: ${describeIssues(r.error.issues).join('; ')}`);
  await mustExist(app, runId);
  const body = r.data;
  const cls: FailureClass | undefined = body.ok
    ? undefined
    : (body.class ?? (body.status ? classifyFailure({ kind: 'http', status: body.status }) : 'terminal'));
  await app.engine.completeExternalStep({
    runId,
    stepId: stageId,
    actor,
    result: body.ok
      ? { ok: true, output: body.output }
      : {
          ok: false,
          error: `[${cls}] ${body.error}`,
          retryable: cls === 'retryable',
          class: cls === 'pipeline' ? 'pipeline' : 'terminal',
        },
  });
  const at = app.clock.now();
  await app.db.runTransaction(async (tx) => {
    const run = await readPipelineRunTx(app.db, tx, runId);
    const attempts = run.stages[stageId]?.attempts ?? 1;
    if (body.ok)
      tx.create(col.artifacts(app.db).doc(`${runId}~${stageId}`), {
        runId,
        stageId,
        output: body.output ?? null,
        attempt: attempts,
        at: at.toISOString(),
      });
    const terminal = !body.ok && cls !== 'retryable';
    changePipelineRun(app.db, tx, run, {
      ...(terminal && ['running', 'awaiting_human'].includes(run.state) ? { to: 'failed' as const } : {}),
      patch: {
        [`stages.${stageId}`]: body.ok
          ? { status: 'succeeded', attempts }
          : { status: terminal ? 'failed' : 'running', attempts, class: cls, error: body.error },
        ...(terminal
          ? {
              stageFailures: [
                ...run.stageFailures,
                { stageId, class: cls, error: body.error, at: at.toISOString() },
              ],
            }
          : {}),
      },
      events: [
        {
          type: body.ok ? 'stage.succeeded' : terminal ? 'stage.failed' : 'stage.attempt_failed',
          stageId,
          data: body.ok ? { via: 'callback' } : { via: 'callback', class: cls, error: body.error },
        },
      ],
      actor,
      at,
    });
  });
  return { status: 'accepted', ...(cls ? { class: cls } : {}) };
}
