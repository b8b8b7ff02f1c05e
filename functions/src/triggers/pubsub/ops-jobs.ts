/** Triggers: the Growth Engine's scheduled jobs (heartbeat sweep, daily and weekly reports, evidence archive). */
import { ensureEscalations } from '../../incidents/escalation.js';
import { alertPhaseOverruns } from '../../incidents/overrun.js';
import { archiveEvidence } from '../../tasks/evidence.js';
import { heartbeatSweep } from '../../tasks/heartbeats.js';
import { dailyReport, weeklyReport } from '../../tasks/reports.js';
import { scheduledTrigger } from './scheduled.js';

export const heartbeatSweepHandler = scheduledTrigger('heartbeat-sweep', async (app, job) => {
  const swept = await heartbeatSweep(app, job);
  const escalations = await ensureEscalations(app); // backstop: every open incident has its timer run
  const overruns = await alertPhaseOverruns(app, job.firedAt); // incident phases past their window
  return {
    flagged: swept.flagged.length,
    escalationsStarted: escalations,
    overrunAlerts: overruns.alerted.length,
  };
});
export const dailyReportHandler = scheduledTrigger('daily-report', dailyReport);
export const weeklyReportHandler = scheduledTrigger('weekly-report', weeklyReport);
export const evidenceArchiveHandler = scheduledTrigger('evidence-archive', archiveEvidence);
