/**
 * Heartbeats and the stale sweep. An agent beats for its running task; the sweep (a scheduler
 * job) flags must-beat tasks silent past the stale window, opens a sev3 incident (dedupe key per
 * task and silence, so a duplicate sweep message opens nothing new) and starts its escalation
 * run. A beat after the flag clears it, as an event, and resolves the incident the silence opened
 * (recovery `system:heartbeat`), so its escalation stops and no one is paged for a live agent.
 */
import { recordEvent } from '../engine/events.js';
import { deliverNow, type IncidentDeps } from '../incidents/deps.js';
import { startEscalation } from '../incidents/escalation.js';
import { openIncidentInTransaction } from '../incidents/open-incident.js';
import { readLiveIncidentTx, writeRecovery } from '../incidents/recover.js';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import type { Container } from '../platform/container.js';
import { conflict, forbidden, notFound } from '../shared/errors.js';
import { systemActor, type Actor } from '../shared/ports.js';
import { staleVerdict } from './core/heartbeat.js';
import { FINISHED } from './core/task.js';
import { TASKS, loadHeartbeatPolicy, taskFrom } from './store.js';

export async function recordHeartbeat(
  deps: IncidentDeps,
  input: { taskId: string; agentId: string; note?: string; actor: Actor },
): Promise<{ taskId: string; at: Date; cleared: boolean; resolvedIncidentId?: string }> {
  const at = deps.clock.now();
  const res = await deps.db.runTransaction(async (tx) => {
    const ref = deps.db.collection(TASKS).doc(input.taskId);
    const task = taskFrom((await tx.get(ref)).data());
    if (!task) throw notFound(`unknown task "${input.taskId}"`);
    if (task.agentId !== input.agentId)
      throw forbidden(`task ${task.id} is assigned to ${task.agentId}, not ${input.agentId}`);
    if (FINISHED.includes(task.status))
      throw conflict(`heartbeat refused: task ${task.id} is ${task.status}`);
    const stale = task.stale;
    // Reads before writes: the incident the silence opened, if it is still live.
    const live = stale?.incidentId
      ? await readLiveIncidentTx(deps.db, tx, { incidentId: stale.incidentId })
      : undefined;
    tx.update(ref, { lastBeatAt: at, beats: ((task as { beats?: number }).beats ?? 0) + 1, stale: null });
    if (stale)
      recordEvent(deps.db, tx, {
        type: 'task.heartbeat.cleared',
        actor: input.actor,
        at,
        data: { taskId: task.id, staleSince: stale.since, incidentId: stale.incidentId ?? null },
      });
    if (live) {
      const silent = Math.round((at.getTime() - new Date(stale!.since).getTime()) / 60_000);
      writeRecovery(
        deps.db,
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
  if (res.resolvedIncidentId) await deliverNow(deps);
  return res;
}

/**
 * The sweep. Idempotent: a task already flagged is skipped, and the incident's dedupe key is the
 * task and the start of its silence, so a redelivered sweep opens and escalates nothing twice.
 */
export async function heartbeatSweep(
  app: Container,
  opts: { firedAt: Date },
): Promise<{ flagged: Array<{ taskId: string; incidentId: string }> }> {
  const policy = await loadHeartbeatPolicy(app.db);
  const now = opts.firedAt;
  const running = await app.db.collection(TASKS).where('status', '==', 'in_progress').get();
  const flagged: Array<{ taskId: string; incidentId: string }> = [];
  for (const doc of running.docs) {
    const candidate = taskFrom(doc.data())!;
    if (!staleVerdict(candidate, policy, now).stale) continue;
    const result = await app.db.runTransaction(async (tx) => {
      const snap = await tx.get(doc.ref);
      const task = taskFrom(snap.data())!;
      const v = staleVerdict(task, policy, now);
      if (!v.stale) return undefined;
      const actor = systemActor('heartbeat-sweep');
      const inc = await openIncidentInTransaction(
        app.db,
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
      tx.update(doc.ref, {
        stale: { since: v.since, flaggedAt: now, incidentId: inc.id },
        staleFlags: ((snap.get('staleFlags') as number) ?? 0) + 1,
      });
      recordEvent(app.db, tx, {
        type: 'task.heartbeat.stale',
        actor,
        at: now,
        data: { taskId: task.id, agentId: task.agentId, since: v.since, incidentId: inc.id },
      });
      return { taskId: task.id, incidentId: inc.id };
    });
    if (!result) continue;
    await startEscalation(app, result.incidentId);
    flagged.push(result);
  }
  if (flagged.length) await kickSlackOutbox(app); // one delivery run for every level-1 post
  return { flagged };
}
