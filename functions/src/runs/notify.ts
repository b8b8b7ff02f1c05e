/**
 * The Level 4 decisions people are asked for in Slack, written in the same transaction as the
 * change: an evaluated run waiting for approve/reject, and each failed scenario waiting for its
 * classification; and, when one is made (from Slack or the API), the note that rewrites its
 * messages. Delivery is asked for after the commit (the evaluation step's `slack` outcome, or
 * `kickSlackOutbox` in the decision use cases).
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { deciderLabel } from '../engine/notify.js';
import { enqueueDecided, enqueueSlack } from '../notify/slack-outbox.js';
import type { Actor } from '../shared/ports.js';
import type { ScenarioReport } from './core/evaluation.js';
import type { PipelineRun } from './core/pipeline-run.js';

/** Level 4 decisions go to this channel key (`default` when it is not configured). */
export const RUNS_CHANNEL_KEY = 'runs';

export const runSubject = (runId: string) => ({ type: 'pipelineRun', id: runId });
export const classificationSubject = (runId: string, scenarioId: string) => ({
  type: 'classification',
  id: `${runId}~${scenarioId}`,
});

/** The run awaits approve/reject; each failed scenario awaits its classification. */
export function enqueueDecisionsNeeded(
  db: Firestore,
  tx: Transaction,
  run: PipelineRun,
  report: ScenarioReport,
  at: Date,
): void {
  const failed = report.scenarios.filter((s) => !s.pass);
  enqueueSlack(
    db,
    tx,
    `run-decision~${run.id}`,
    {
      kind: 'run',
      channelKey: RUNS_CHANNEL_KEY,
      text: `Run ${run.id} (${run.spec}) is evaluated: ${report.scenarios.length - failed.length}/${report.scenarios.length} scenarios passed; approve or reject it.`,
      ref: runSubject(run.id),
      data: { runId: run.id, spec: run.spec, failed: failed.map((s) => s.id) },
    },
    at,
  );
  for (const s of failed)
    enqueueSlack(
      db,
      tx,
      `run-decision~${run.id}~classify~${s.id}`, // sorts after the run's own post
      {
        kind: 'classification',
        channelKey: RUNS_CHANNEL_KEY,
        text: `Run ${run.id}: scenario ${s.id} failed; classify it.`,
        ref: classificationSubject(run.id, s.id),
        data: {
          runId: run.id,
          spec: run.spec,
          scenarioId: s.id,
          title: s.title,
          critical: s.critical,
          holdout: s.holdout,
        },
      },
      at,
    );
}

export function enqueueRunDecided(
  db: Firestore,
  tx: Transaction,
  runId: string,
  d: { decision: string; rationale: string; by: Actor; at: Date },
): void {
  enqueueDecided(
    db,
    tx,
    runSubject(runId),
    { by: deciderLabel(d.by), what: d.decision, why: d.rationale, at: d.at },
    RUNS_CHANNEL_KEY,
  );
}

export function enqueueClassified(
  db: Firestore,
  tx: Transaction,
  runId: string,
  c: { target: { type: string; id: string }; category: string; note: string; by: Actor; at: Date },
): void {
  if (c.target.type !== 'scenario') return; // stage failures are not pushed
  enqueueDecided(
    db,
    tx,
    classificationSubject(runId, c.target.id),
    { by: deciderLabel(c.by), what: c.category.replace(/_/g, ' '), why: c.note, at: c.at },
    RUNS_CHANNEL_KEY,
  );
}
