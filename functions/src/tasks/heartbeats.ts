/**
 * Heartbeats and the stale sweep. An agent beats for its running task; the sweep (a scheduler
 * job) flags must-beat tasks silent past the stale window, opens a sev3 incident (dedupe key per
 * task and silence, so a duplicate sweep message opens nothing new) and starts its escalation
 * run. A beat after the flag clears it, as an event, and resolves the incident the silence opened
 * (recovery `system:heartbeat`), so its escalation stops and no one is paged for a live agent.
 */
import type { Firestore } from '@google-cloud/firestore';
import { recordEvent } from '../engine/events.js';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import { conflict, forbidden } from '../shared/errors.js';
import { systemActor, type Actor, type Clock } from '../shared/ports.js';
import { staleVerdict } from './core/heartbeat.js';
import { FINISHED } from './core/task.js';
import type { IncidentsPort } from './ports.js';
import { getTaskDoc, tasksIn, taskRef } from './repo.js';
import { loadHeartbeatPolicy } from './settings.js';

/** What beats and the sweep need: the tasks, the Slack kick, and the incidents system's capabilities. */
export interface HeartbeatDeps {
  db: Firestore;
  clock: Clock;
  bus: Bus;
  log: Logger;
  incidents: IncidentsPort;
}

export async function recordHeartbeat(
  deps: HeartbeatDeps,
  input: { taskId: string; agentId: string; note?: string; actor: Actor },
): Promise<{ taskId: string; at: Date; cleared: boolean; resolvedIncidentId?: string }> {
  const at = deps.clock.now();
  const res = await deps.db.runTransaction(async (tx) => {
    const ref = taskRef(deps.db, input.taskId);
    const task = await getTaskDoc(deps.db, input.taskId, tx);
    if (task.agentId !== input.agentId)
      throw forbidden(`task ${task.id} is assigned to ${task.agentId}, not ${input.agentId}`);
    if (FINISHED.includes(task.status))
      throw conflict(`heartbeat refused: task ${task.id} is ${task.status}`);
    const stale = task.stale;
    // Reads before writes: the incident the silence opened, if it is still live.
    const live = stale?.incidentId
      ? await deps.incidents.readLiveTx(tx, { incidentId: stale.incidentId })
      : undefined;
    tx.update(ref, { lastBeatAt: at, beats: (task.beats ?? 0) + 1, stale: null });
    if (stale)
      recordEvent(deps.db, tx, {
        type: 'task.heartbeat.cleared',
        actor: input.actor,
        at,
        data: { taskId: task.id, staleSince: stale.since, incidentId: stale.incidentId ?? null },
      });
    if (live) {
      const silent = Math.round((at.getTime() - new Date(stale!.since).getTime()) / 60_000);
      deps.incidents.writeRecovery(
        tx,
        live,
        {
          cause: 'heartbeat',
          text: `task ${task.id} (${task.agentId}) beat again after ${silent} min of silence`,
        },
        at,
      );
    }
    return {
      taskId: task.id,
      at,
      cleared: Boolean(stale),
      ...(live ? { resolvedIncidentId: live.incident.id } : {}),
    };
  });
  if (res.resolvedIncidentId) await kickSlackOutbox(deps);
  return res;
}

/**
 * The sweep. Idempotent: a task already flagged is skipped, and the incident's dedupe key is the
 * task and the start of its silence, so a redelivered sweep opens and escalates nothing twice.
 */
export async function heartbeatSweep(
  deps: HeartbeatDeps,
  opts: { firedAt: Date },
): Promise<{ flagged: Array<{ taskId: string; incidentId: string }> }> {
  const policy = await loadHeartbeatPolicy(deps.db);
  const now = opts.firedAt;
  const flagged: Array<{ taskId: string; incidentId: string }> = [];
  for (const candidate of await tasksIn(deps.db, ['in_progress'], 5000)) {
    if (!staleVerdict(candidate, policy, now).stale) continue;
    const result = await deps.db.runTransaction(async (tx) => {
      const task = await getTaskDoc(deps.db, candidate.id, tx);
      const v = staleVerdict(task, policy, now);
      if (!v.stale) return undefined;
      const actor = systemActor('heartbeat-sweep');
      const inc = await deps.incidents.openInTransaction(
        tx,
        {
          severity: 'sev3',
          source: 'heartbeat',
          summary: `Task ${task.id} (${task.agentId}) has not beaten for ${v.silentMinutes} min`,
          ref: { type: 'task', id: task.id },
          dedupeKey: `heartbeat/${task.id}/${v.since.toISOString()}`,
          actor,
        },
        now,
      );
      tx.update(taskRef(deps.db, task.id), {
        stale: { since: v.since, flaggedAt: now, incidentId: inc.id },
        staleFlags: (task.staleFlags ?? 0) + 1,
      });
      recordEvent(deps.db, tx, {
        type: 'task.heartbeat.stale',
        actor,
        at: now,
        data: { taskId: task.id, agentId: task.agentId, since: v.since, incidentId: inc.id },
      });
      return { taskId: task.id, incidentId: inc.id };
    });
    if (!result) continue;
    await deps.incidents.startEscalation(result.incidentId);
    flagged.push(result);
  }
  if (flagged.length) await kickSlackOutbox(deps); // one delivery run for every level-1 post
  return { flagged };
}

/**
 * The every-5-minutes operations sweep: stale heartbeats, then the incidents' backstops (every open
 * incident has its timer run; phases past their window are alerted).
 */
export async function operationsSweep(deps: HeartbeatDeps, opts: { firedAt: Date }) {
  const swept = await heartbeatSweep(deps, opts);
  const escalations = await deps.incidents.ensureEscalations();
  const overruns = await deps.incidents.alertPhaseOverruns(opts.firedAt);
  return {
    flagged: swept.flagged.length,
    escalationsStarted: escalations,
    overrunAlerts: overruns.alerted.length,
  };
}
