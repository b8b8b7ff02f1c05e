/**
 * A person classifies a failed scenario (or failed stage): spec ambiguity, implementation defect or
 * environment issue, with user impact and whether it is resolved. Classifications are append-only;
 * the latest per target counts, so resolving one is a new classification, not an edit.
 */
import type { Firestore } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import { auditInTransaction } from '../platform/audit.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import { conflict, describeIssues, invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { FailureClassificationRecord } from './core/pipeline-run.js';
import { enqueueClassified } from './notify.js';
import { classifySchema } from './schemas.js';
import { changePipelineRun, readPipelineRunTx, col, targets } from './repo.js';

export async function classifyFailure(
  deps: { db: Firestore; clock: Clock; bus: Bus; log: Logger },
  runId: string,
  raw: unknown,
  actor: Actor,
  via: 'api' | 'slack' = 'api',
): Promise<FailureClassificationRecord> {
  const r = classifySchema.safeParse(raw);
  if (!r.success) throw invalidInput(`classification refused: ${describeIssues(r.error.issues).join('; ')}`);
  const c = r.data;
  const at = deps.clock.now();
  const record = await deps.db.runTransaction(async (tx) => {
    const run = await readPipelineRunTx(deps.db, tx, runId);
    const reportSnap = await tx.get(col.reports(deps.db).doc(runId));
    if (c.target.type === 'scenario') {
      if (!reportSnap.exists) throw conflict(`run "${runId}" is ${run.state} and has no scenario report yet`);
      const report = reportSnap.data()!;
      const sc = report.scenarios.find((s) => s.id === c.target.id);
      if (!sc) throw invalidInput(`scenario "${c.target.id}" is not in the report of run "${runId}"`);
      if (sc.pass) throw invalidInput(`scenario "${c.target.id}" passed; only failures are classified`);
    } else if (!run.stageFailures.some((f) => f.stageId === c.target.id)) {
      throw invalidInput(`stage "${c.target.id}" did not fail in run "${runId}"`);
    }
    const id = `${runId}~${at.toISOString()}~${randomUUID()}`;
    const record: FailureClassificationRecord = {
      id,
      runId,
      ...c,
      classifiedBy: actor,
      at: at.toISOString(),
    };
    tx.create(col.classifications(deps.db).doc(id), record);
    auditInTransaction(
      deps.db,
      tx,
      {
        actor,
        action: 'pipeline_run.classify_failure',
        target: targets.run(runId),
        outcome: 'ok',
        rationale: c.note,
        via,
        details: { target: c.target, category: c.category },
      },
      at,
    );
    // A decided run is history: its record stays as it was; the classification and audit carry it.
    if (run.state === 'evaluating')
      changePipelineRun(deps.db, tx, run, {
        events: [
          {
            type: 'failure.classified',
            data: {
              classificationId: id,
              target: c.target,
              category: c.category,
              userImpact: c.userImpact,
              resolved: c.resolved,
            },
          },
        ],
        actor,
        at,
      });
    enqueueClassified(deps.db, tx, runId, { ...c, by: actor, at });
    return record;
  });
  await kickSlackOutbox(deps);
  return record;
}
