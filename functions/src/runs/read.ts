/** Reading runs back: a run with its events, lists, and the handoff (JSON and Markdown). */
import type { Firestore } from '@google-cloud/firestore';
import { notFound } from '../shared/errors.js';
import type { ScenarioReport } from './core/evaluation.js';
import { buildHandoff, handoffMarkdown, type Handoff } from './core/handoff.js';
import type { PipelineRun, PipelineRunEvent } from './core/pipeline-run.js';
import type { RunState } from './core/states.js';
import { listRunEvents, pipelineRunRef, col } from './repo.js';

export async function getPipelineRun(
  db: Firestore,
  runId: string,
): Promise<{ run: PipelineRun; report: ScenarioReport | null; events: PipelineRunEvent[] }> {
  const [snap, report, events] = await Promise.all([
    pipelineRunRef(db, runId).get(),
    col.reports(db).doc(runId).get(),
    listRunEvents(db, runId),
  ]);
  if (!snap.exists) throw notFound(`pipeline run "${runId}" does not exist`);
  return {
    run: snap.data()!,
    report: report.data() ?? null,
    events,
  };
}

/** Whether a pipeline run of this id exists: one document read. */
export async function pipelineRunExists(db: Firestore, runId: string): Promise<boolean> {
  return (await pipelineRunRef(db, runId).get()).exists;
}

/** A run's scenario report alone (null until the run is evaluated): one read, for summaries. */
export async function getScenarioReport(db: Firestore, runId: string): Promise<ScenarioReport | null> {
  return (await col.reports(db).doc(runId).get()).data() ?? null;
}

/** Newest first. Filtering by state or spec needs the composite indexes (state|specName, createdAt). */
export async function listPipelineRuns(
  db: Firestore,
  f: { state?: RunState; spec?: string; limit?: number } = {},
): Promise<PipelineRun[]> {
  let q: FirebaseFirestore.Query<PipelineRun> = col.runs(db);
  if (f.state) q = q.where('state', '==', f.state);
  if (f.spec) q = q.where('specName', '==', f.spec);
  const snap = await q
    .orderBy('createdAt', 'desc')
    .limit(Math.min(f.limit ?? 50, 200))
    .get();
  return snap.docs.map((d) => d.data());
}

export async function getHandoff(db: Firestore, runId: string): Promise<{ json: Handoff; markdown: string }> {
  const { run, report } = await getPipelineRun(db, runId);
  const [cls, rem, tasks] = await Promise.all([
    col.classifications(db).where('runId', '==', runId).get(),
    col.remediations(db).where('remediates', '==', runId).get(),
    col.remediationTasks(db).where('runId', '==', runId).get(),
  ]);
  const json = buildHandoff({
    run,
    report,
    classifications: cls.docs.map((d) => d.data()).sort((a, b) => a.at.localeCompare(b.at)),
    remediatedBy: rem.docs.map((d) => d.id).sort(),
    remediationTasks: tasks.docs.map((d) => d.id).sort(),
  });
  return { json, markdown: handoffMarkdown(json) };
}
