/**
 * The success metrics view over a period [from, to). Definitions (also in the README):
 * - taskCompletionOnTime: tasks completed in the period by their due date (or within their
 *   estimate from the start) / tasks completed in the period;
 * - evidenceCoverage: tasks active in the period with at least one evidence record / tasks active;
 * - heartbeatCompliance: must-beat tasks active in the period never flagged stale / must-beat tasks;
 * - guardCompliance: passing CI guard results / all guard results reported in the period;
 * - alertResponseMinutes: minutes from opening to acknowledgement of incidents opened in the period
 *   (median, mean); alertResolutionMinutes likewise to resolution;
 * - errorRate: engine runs created in the period that failed / runs created in the period that finished.
 */
import type { Firestore } from '@google-cloud/firestore';
import { invalidInput } from '../shared/errors.js';
import { successMetrics } from './core/metrics.js';
import { completedOnTime, type Task } from './core/task.js';
import type { ReportSources } from './ports.js';
import { guardResultsBetween, tasksCreatedBefore } from './repo.js';

const minutesBetween = (a: Date, b: Date) => Math.round(((b.getTime() - a.getTime()) / 60_000) * 100) / 100;

export async function computeMetrics(
  deps: {
    db: Firestore;
    sources: Pick<ReportSources, 'incidentsOpenedBetween' | 'runStatusesCreatedBetween'>;
  },
  input: { from: Date; to: Date },
) {
  if (!(input.from < input.to)) throw invalidInput('from must be before to');
  const { from, to } = input;
  const [stored, incidents, runStatuses, guards] = await Promise.all([
    tasksCreatedBefore(deps.db, to, 5000),
    deps.sources.incidentsOpenedBetween(from, to),
    deps.sources.runStatusesCreatedBetween(from, to),
    guardResultsBetween(deps.db, from, to),
  ]);
  const tasks = stored.map((t) => ({ t, flags: t.staleFlags ?? 0 }));
  const inPeriod = (d?: Date) => !!d && d >= from && d < to;
  const active = tasks.filter(
    ({ t }) => t.startedAt && t.startedAt < to && (!t.completedAt || t.completedAt >= from),
  );
  const finished = tasks.filter(({ t }) => t.status === 'done' && inPeriod(t.completedAt)).map(({ t }) => t);
  const finishedRuns = runStatuses.filter((s) => s === 'succeeded' || s === 'failed');
  const metrics = successMetrics({
    finished: finished.map((t: Task) => ({ onTime: completedOnTime(t) })),
    tasksInScope: active.map(({ t, flags }) => ({
      hasEvidence: (t.evidenceCount ?? 0) > 0,
      mustBeat: t.mustBeat,
      everStale: flags > 0,
    })),
    guardResults: guards,
    incidents: incidents.map((i) => ({
      ackMinutes: i.acknowledgedAt ? minutesBetween(i.openedAt, i.acknowledgedAt) : undefined,
      resolveMinutes: i.resolvedAt ? minutesBetween(i.openedAt, i.resolvedAt) : undefined,
    })),
    steps: { total: finishedRuns.length, failed: finishedRuns.filter((s) => s === 'failed').length },
  });
  return { from, to, ...metrics };
}
