/**
 * The manual's daily health check and weekly review as scheduler jobs. Each report is kept in
 * `reports` (id from the period, so a re-fired job changes nothing) and posted through the Slack
 * outbox in the same transaction.
 */
import type { Firestore } from '@google-cloud/firestore';
import { enqueueSlack } from '../notify/slack-outbox.js';
import { computeMetrics } from './metrics.js';
import { guardComplianceReport } from './guards.js';
import type { ReportSources } from './ports.js';
import { agentIds, guardResultsBetween, probeReports, reportRef, tasksIn } from './repo.js';

/** What the reports read: the tasks' own documents and other systems' read functions. */
export interface ReportDeps {
  db: Firestore;
  sources: ReportSources;
}

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const listShort = (xs: string[], n = 20) =>
  xs.length ? xs.slice(0, n).join(', ') + (xs.length > n ? ` and ${xs.length - n} more` : '') : 'none';

async function saveReport(
  db: Firestore,
  id: string,
  kind: 'daily' | 'weekly',
  body: Record<string, unknown>,
  text: string,
  at: Date,
) {
  return db.runTransaction(async (tx) => {
    const ref = reportRef(db, id);
    if ((await tx.get(ref)).exists) return { id, created: false };
    tx.create(ref, { id, kind, ...body, text, createdAt: at });
    enqueueSlack(
      db,
      tx,
      `report~${id}`,
      { kind: 'report', channelKey: 'reports', text, ref: { type: 'report', id }, data: { kind } },
      at,
    );
    return { id, created: true };
  });
}

/** Reachability of what the product depends on, as the report sees it. */
async function components(deps: ReportDeps): Promise<Record<string, boolean>> {
  // A failed probe is the finding, not an error of the job: it is reported as unreachable.
  const probe = (p: Promise<unknown>) =>
    p.then(
      () => true,
      () => false,
    );
  return {
    firestore: await probe(probeReports(deps.db)),
    pubsub: await deps.sources.pubsubReachable().catch(() => false),
  };
}

/**
 * Daily report for the 24 h before `firedAt`: components, agents with active tasks and idle agents
 * (registered, no task in progress), blockers, stale beats, incidents, guard failures.
 */
export async function dailyReport(deps: ReportDeps, opts: { firedAt: Date }) {
  const to = opts.firedAt;
  const from = new Date(to.getTime() - DAY);
  const [comps, agents, tasks, incidents, guards] = await Promise.all([
    components(deps),
    agentIds(deps.db, 5000),
    tasksIn(deps.db, ['todo', 'in_progress', 'blocked'], 5000),
    deps.sources.liveIncidents(1000),
    guardResultsBetween(deps.db, from, to),
  ]);
  const active = new Set(tasks.filter((t) => t.status === 'in_progress').map((t) => t.agentId));
  const body = {
    period: { from, to },
    components: comps,
    agentsWithActiveTasks: [...active].sort(),
    idleAgents: agents.filter((id) => !active.has(id)).sort(),
    blockers: tasks
      .filter((t) => t.status === 'blocked')
      .map((t) => ({ taskId: t.id, agentId: t.agentId, blocker: t.blocker ?? null })),
    staleHeartbeats: tasks
      .filter((t) => t.stale)
      .map((t) => ({ taskId: t.id, agentId: t.agentId, since: t.stale!.since })),
    openIncidents: incidents.map((i) => ({
      id: i.id,
      severity: i.severity,
      level: i.level,
      status: i.status,
      summary: i.summary,
    })),
    guardFailures: guards
      .filter((g) => g.status !== 'pass')
      .map((g) => ({ guard: g.guard, status: g.status, at: g.at })),
  };
  const down = Object.entries(comps)
    .filter(([, ok]) => !ok)
    .map(([k]) => k);
  const text = [
    `Daily health check ${day(to)}`,
    `components: ${down.length ? `UNREACHABLE ${down.join(', ')}` : 'all reachable'}`,
    `agents with active tasks: ${body.agentsWithActiveTasks.length}`,
    `idle agents (registered, no active task): ${listShort(body.idleAgents)}`,
    `blocked tasks: ${body.blockers.length}; stale heartbeats: ${body.staleHeartbeats.length}`,
    `open incidents: ${body.openIncidents.length}; guard failures (24 h): ${body.guardFailures.length}`,
  ].join('\n');
  return { ...(await saveReport(deps.db, `daily-${day(to)}`, 'daily', body, text, to)), ...body };
}

/** Weekly review for the 7 days before `firedAt`: compliance trends and the success metrics. */
export async function weeklyReport(deps: ReportDeps, opts: { firedAt: Date }) {
  const to = opts.firedAt;
  const from = new Date(to.getTime() - 7 * DAY);
  const [metrics, prev, ...days] = await Promise.all([
    computeMetrics(deps, { from, to }),
    computeMetrics(deps, { from: new Date(from.getTime() - 7 * DAY), to: from }),
    ...Array.from({ length: 7 }, (_, i) =>
      guardComplianceReport(deps, {
        from: new Date(from.getTime() + i * DAY),
        to: new Date(from.getTime() + (i + 1) * DAY),
      }),
    ),
  ]);
  const body = {
    period: { from, to },
    metrics,
    previousWeek: prev,
    guardComplianceByDay: days.map((d) => ({ day: day(d.from), overall: d.overall, byGuard: d.byGuard })),
  };
  const pct = (r: { value: number | null }) => (r.value === null ? 'n/a' : `${Math.round(r.value * 100)}%`);
  const text = [
    `Weekly review ${day(from)} - ${day(to)}`,
    `guard compliance: ${pct(metrics.guardCompliance)} (previous week ${pct(prev.guardCompliance)})`,
    `evidence coverage: ${pct(metrics.evidenceCoverage)}; heartbeat compliance: ${pct(metrics.heartbeatCompliance)}`,
    `tasks on time: ${pct(metrics.taskCompletionOnTime)}; error rate: ${pct(metrics.errorRate)}`,
    `incident response (median min): ack ${metrics.alertResponseMinutes.median ?? 'n/a'}, resolve ${metrics.alertResolutionMinutes.median ?? 'n/a'}`,
  ].join('\n');
  return { ...(await saveReport(deps.db, `weekly-${day(to)}`, 'weekly', body, text, to)), ...body };
}
