/**
 * The tasks system (the Growth Engine's agent coordination): agents and tasks, heartbeats and the
 * stale sweep, evidence, CI guards, KB search, success metrics and the daily and weekly reports,
 * closed over what it is given. `wiring/tasks.ts` builds it from the container.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { HeartbeatPolicy } from './core/heartbeat.js';
import type { TaskStatus } from './core/task.js';
import { archiveEvidence, listEvidence, submitEvidence } from './evidence.js';
import { guardComplianceReport, latestGuardResults, reportGuardResult, scanAndAlert } from './guards.js';
import { heartbeatSweep, operationsSweep, recordHeartbeat } from './heartbeats.js';
import { kbSearch, type KbForeignSources } from './kb.js';
import { computeMetrics } from './metrics.js';
import type { IncidentsPort, ReportSources } from './ports.js';
import { getReport } from './repo.js';
import { dailyReport, weeklyReport } from './reports.js';
import { loadHeartbeatPolicy, saveHeartbeatPolicy } from './settings.js';
import {
  blockTask,
  completeTask,
  createTask,
  getTask,
  listTasks,
  registerAgent,
  startTask,
  unblockTask,
} from './tasks.js';
import { recordAudit } from '../platform/audit.js';

export interface TasksDeps {
  db: Firestore;
  clock: Clock;
  bus: Bus;
  log: Logger;
  /** Opening and recovering the incidents a silent task causes. */
  incidents: IncidentsPort;
  /** The sessions system's failure logs and memories, indexed for KB search. */
  scms: KbForeignSources;
  /** Other systems' reads the metrics and reports need. */
  sources: ReportSources;
}

const DAY = 86_400_000;
type Period = { from?: string; to?: string };

export function createTasks(deps: TasksDeps) {
  /** A period from optional ISO bounds: the last `days` days up to now by default. */
  const period = (q: Period, days: number) => {
    const now = deps.clock.now();
    return {
      from: q.from ? new Date(q.from) : new Date(now.getTime() - days * DAY),
      to: q.to ? new Date(q.to) : now,
    };
  };
  return {
    registerAgent: (input: { id: string; name?: string; actor: Actor }) => registerAgent(deps, input),
    createTask: (raw: unknown, actor: Actor) => createTask(deps, raw, actor),
    getTask: (id: string) => getTask(deps, id),
    listTasks: (filter: { agentId?: string; status?: TaskStatus }) => listTasks(deps, filter),
    startTask: (input: { taskId: string; actor: Actor }) => startTask(deps, input),
    blockTask: (input: Parameters<typeof blockTask>[1]) => blockTask(deps, input),
    unblockTask: (input: { taskId: string; actor: Actor }) => unblockTask(deps, input),
    completeTask: (input: Parameters<typeof completeTask>[1]) => completeTask(deps, input),

    recordHeartbeat: (input: Parameters<typeof recordHeartbeat>[1]) => recordHeartbeat(deps, input),
    heartbeatSweep: (job: { firedAt: Date }) => heartbeatSweep(deps, job),
    /** The every-5-minutes sweep: stale heartbeats and the incidents' backstops. */
    operationsSweep: (job: { firedAt: Date }) => operationsSweep(deps, job),

    submitEvidence: (input: Parameters<typeof submitEvidence>[1]) => submitEvidence(deps, input),
    listEvidence: (taskId: string) => listEvidence(deps, taskId),
    archiveEvidence: (job: { firedAt: Date; retentionDays?: number }) => archiveEvidence(deps, job),

    kbSearch: (input: Parameters<typeof kbSearch>[1]) => kbSearch(deps, input),
    scanAndAlert: (input: Parameters<typeof scanAndAlert>[1], actor: Actor) =>
      scanAndAlert(deps, input, actor),
    reportGuardResult: (raw: unknown, actor: Actor) => reportGuardResult(deps, raw, actor),
    guardComplianceReport: (input: { from: Date; to: Date }) => guardComplianceReport(deps, input),
    /** Guard compliance over a period given by optional ISO bounds (the last 7 days by default). */
    guardComplianceFor: (q: Period) => guardComplianceReport(deps, period(q, 7)),
    /** The latest CI result of each guard (a session's closure reads it). */
    latestGuardResults: () => latestGuardResults(deps.db),
    computeMetrics: (input: { from: Date; to: Date }) => computeMetrics(deps, input),
    /** The success metrics over a period given by optional ISO bounds (the last 7 days by default). */
    metricsFor: (q: Period) => computeMetrics(deps, period(q, 7)),

    dailyReport: (job: { firedAt: Date }) => dailyReport(deps, job),
    weeklyReport: (job: { firedAt: Date }) => weeklyReport(deps, job),
    getReport: (id: string) => getReport(deps.db, id),

    heartbeatPolicy: () => loadHeartbeatPolicy(deps.db),
    async setHeartbeatPolicy(input: { policy: HeartbeatPolicy; actor: Actor }) {
      await saveHeartbeatPolicy(deps.db, input.policy);
      await recordAudit(
        deps.db,
        {
          actor: input.actor,
          action: 'settings.heartbeat',
          target: 'settings/heartbeat',
          outcome: 'ok',
          via: 'api',
          details: input.policy,
        },
        deps.clock.now(),
      );
      return input.policy;
    },
  };
}

export type Tasks = ReturnType<typeof createTasks>;
