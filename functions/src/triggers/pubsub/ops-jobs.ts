/** Triggers: the Growth Engine's scheduled jobs (operations sweep, daily and weekly reports, evidence archive). */
import { tasksOf } from '../../wiring/tasks.js';
import { scheduledTrigger } from './scheduled.js';

/** Stale heartbeats, then the incidents' backstops (timers for open incidents, phase overruns). */
export const heartbeatSweepHandler = scheduledTrigger('heartbeat-sweep', (app, job) =>
  tasksOf(app).operationsSweep(job),
);
export const dailyReportHandler = scheduledTrigger('daily-report', (app, job) =>
  tasksOf(app).dailyReport(job),
);
export const weeklyReportHandler = scheduledTrigger('weekly-report', (app, job) =>
  tasksOf(app).weeklyReport(job),
);
export const evidenceArchiveHandler = scheduledTrigger('evidence-archive', (app, job) =>
  tasksOf(app).archiveEvidence(job),
);
