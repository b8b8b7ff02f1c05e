/** Triggers: the Growth Engine's scheduled jobs (operations sweep, daily and weekly reports, evidence archive). */
import { tasksOf } from '../../wiring/tasks.js';
import { settleAbandonedVoiceSessions } from '../../wiring/voice.js';
import { scheduledTrigger } from './scheduled.js';

/**
 * Stale heartbeats, then the incidents' backstops (timers for open incidents, phase overruns), then
 * voice sessions whose instance stopped without settling their reservation.
 */
export const heartbeatSweepHandler = scheduledTrigger('heartbeat-sweep', async (app, job) => ({
  ...(await tasksOf(app).operationsSweep(job)),
  voice: await settleAbandonedVoiceSessions(app),
}));
export const dailyReportHandler = scheduledTrigger('daily-report', (app, job) =>
  tasksOf(app).dailyReport(job),
);
export const weeklyReportHandler = scheduledTrigger('weekly-report', (app, job) =>
  tasksOf(app).weeklyReport(job),
);
export const evidenceArchiveHandler = scheduledTrigger('evidence-archive', (app, job) =>
  tasksOf(app).archiveEvidence(job),
);
