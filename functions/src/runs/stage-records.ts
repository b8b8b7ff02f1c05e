/**
 * The pipeline-run side of stage outcomes: what each stage's effect writes into `pipelineRuns` and
 * its immutable artifacts, committed by the engine in the same transaction as the step.
 *
 * A stage's success also closes the loop on a systemic failure of that stage: if an incident opened
 * for the same spec and stage (evaluation's dedupe key) is still live, the failure no longer recurs
 * and the incident is resolved in the same transaction (recovery `system:pipeline-stage`). Should
 * the stage fail again, the failures still in the window open a new incident, which pages again.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { StepOutcome, TxEffect } from '../engine/workflow.js';
import type { Actor } from '../shared/ports.js';
import type { IncidentsPort } from './ports.js';
import type { FailureClass } from './core/failure.js';
import type { StageStatus } from './core/pipeline-run.js';
import type { RunState } from './core/states.js';
import { changePipelineRun, readPipelineRunTx, col } from './repo.js';

/** Recovering the systemic incident of a stage that succeeds again (the incidents system's). */
type Recovering = Pick<IncidentsPort, 'readLiveTx' | 'writeRecovery'>;

export const workflowActor: Actor = { kind: 'system', id: 'workflow:pipeline' };

/** The dedupe key evaluation opens a systemic-failure incident with (runs/evaluate.ts). */
export const systemicIncidentKey = (specName: string, stageId: string) =>
  `pipeline-stage:${specName}:${stageId}`;

/** The states a stage moves a run back to `running` from. */
const RESUMABLE: RunState[] = ['booting', 'awaiting_human'];

export function stageEffect(
  incidents: Recovering,
  runId: string,
  stageId: string,
  at: Date,
  s: {
    status: StageStatus;
    attempt: number;
    event: string;
    data?: Record<string, unknown>;
    to?: RunState;
    cls?: FailureClass;
    error?: string;
    artifact?: unknown;
  },
): TxEffect {
  return async (tx: Transaction, db: Firestore) => {
    const run = await readPipelineRunTx(db, tx, runId);
    // Reads before writes: a live systemic incident of this stage, which a success recovers.
    const systemic =
      s.status === 'succeeded'
        ? await incidents.readLiveTx(tx, { dedupeKey: systemicIncidentKey(run.specName, stageId) })
        : undefined;
    if (systemic)
      incidents.writeRecovery(
        tx,
        systemic,
        {
          cause: 'pipeline-stage',
          text: `stage "${stageId}" of "${run.specName}" succeeded in run ${runId}`,
        },
        at,
      );
    if (s.artifact !== undefined)
      tx.create(col.artifacts(db).doc(`${runId}~${stageId}`), {
        runId,
        stageId,
        output: s.artifact,
        attempt: s.attempt,
        at: at.toISOString(),
      });
    const to: RunState[] = RESUMABLE.includes(run.state) ? ['running'] : [];
    if (s.to) to.push(s.to);
    changePipelineRun(db, tx, run, {
      to,
      patch: {
        [`stages.${stageId}`]: {
          status: s.status,
          attempts: s.attempt,
          ...(s.cls ? { class: s.cls } : {}),
          ...(s.error ? { error: s.error } : {}),
        },
        ...(s.status === 'failed' && s.cls
          ? {
              stageFailures: [
                ...run.stageFailures,
                { stageId, class: s.cls, error: s.error ?? '', at: at.toISOString() },
              ],
            }
          : {}),
      },
      events: [
        {
          type: s.event,
          stageId,
          data: {
            attempt: s.attempt,
            ...(s.cls ? { class: s.cls } : {}),
            ...(s.error ? { error: s.error } : {}),
            ...s.data,
          },
        },
      ],
      actor: workflowActor,
      at,
    });
    // A recovery rewrote the incident's Slack messages: have them delivered now.
    return systemic ? { slack: true } : undefined;
  };
}

/** A stage's success: its output becomes an artifact. */
export function succeeded(
  incidents: Recovering,
  runId: string,
  stageId: string,
  attempt: number,
  at: Date,
  output: unknown,
  edge?: string,
): StepOutcome {
  return {
    type: 'done',
    output,
    ...(edge !== undefined ? { edge } : {}),
    effect: stageEffect(incidents, runId, stageId, at, {
      status: 'succeeded',
      attempt,
      event: 'stage.succeeded',
      artifact: output ?? null,
      ...(edge ? { data: { edge } } : {}),
    }),
  };
}

/** A terminal or pipeline failure: the run fails and takes the fail path to evaluation. */
export function failed(
  incidents: Recovering,
  runId: string,
  stageId: string,
  attempt: number,
  at: Date,
  cls: 'terminal' | 'pipeline',
  error: string,
): StepOutcome {
  return {
    type: 'fail',
    class: cls,
    error: `[${cls}] ${error}`,
    output: { error, class: cls },
    effect: stageEffect(incidents, runId, stageId, at, {
      status: 'failed',
      attempt,
      event: 'stage.failed',
      cls,
      error,
      to: 'failed',
    }),
  };
}

/**
 * A retryable failure. The engine retries it by the stage's policy; the attempt is recorded here in
 * its own transaction because retry outcomes carry no effect. Idempotent per attempt.
 */
export async function retried(
  db: Firestore,
  runId: string,
  stageId: string,
  attempt: number,
  at: Date,
  error: string,
): Promise<StepOutcome> {
  await db.runTransaction(async (tx) => {
    const run = await readPipelineRunTx(db, tx, runId);
    const cur = run.stages[stageId];
    if (cur && cur.attempts >= attempt && cur.class === 'retryable') return;
    changePipelineRun(db, tx, run, {
      patch: { [`stages.${stageId}`]: { status: 'running', attempts: attempt, class: 'retryable', error } },
      events: [{ type: 'stage.attempt_failed', stageId, data: { attempt, class: 'retryable', error } }],
      actor: workflowActor,
      at,
    });
  });
  return { type: 'retry', error: `[retryable] ${error}` };
}
