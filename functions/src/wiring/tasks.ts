/** Builds the tasks system from the container, once per container. */
import { RUNS } from '../engine/store.js';
import { DEAD_LETTER_TOPIC } from '../platform/catalog.js';
import type { Container } from '../platform/container.js';
import { createTasks, type Tasks } from '../tasks/system.js';
import { incidentsOf } from './incidents.js';
import { sessionsOf } from './sessions.js';

const built = new WeakMap<Container, Tasks>();

/**
 * Statuses of the engine runs created in [from, to), for the error rate. The engine has no read
 * function for this yet; the lead moves this query into engine/ at the merge (issue 15).
 */
async function runStatusesCreatedBetween(app: Container, from: Date, to: Date): Promise<string[]> {
  const q = app.db.collection(RUNS).where('createdAt', '>=', from).where('createdAt', '<', to);
  return (await q.select('status').limit(10000).get()).docs.map((d) => d.get('status') as string);
}

export function tasksOf(app: Container): Tasks {
  let sys = built.get(app);
  if (!sys) {
    const incidents = () => incidentsOf(app);
    sys = createTasks({
      db: app.db,
      clock: app.clock,
      log: app.log,
      get bus() {
        return app.bus; // Pub/Sub loads on first use, not when the system is built
      },
      incidents: {
        openInTransaction: (...a) => incidents().openInTransaction(...a),
        readLiveTx: (...a) => incidents().readLiveTx(...a),
        writeRecovery: (...a) => incidents().writeRecovery(...a),
        startEscalation: (id) => incidents().startEscalation(id),
        ensureEscalations: () => incidents().ensureEscalations(),
        alertPhaseOverruns: (now) => incidents().alertPhaseOverruns(now),
      },
      scms: {
        failureLogsAfter: (after, limit) => sessionsOf(app).failureLogsAfter(after, limit),
        memoriesAfter: (after, limit) => sessionsOf(app).memoriesAfter(after, limit),
      },
      sources: {
        liveIncidents: (limit) => incidents().listLive(limit),
        incidentsOpenedBetween: (from, to) => incidents().openedBetween(from, to),
        runStatusesCreatedBetween: (from, to) => runStatusesCreatedBetween(app, from, to),
        // Reachable when the call answers, whatever the answer (as the report has always counted it).
        pubsubReachable: async () => {
          await app.pubsub.topic(DEAD_LETTER_TOPIC).exists();
          return true;
        },
      },
    });
    built.set(app, sys);
  }
  return sys;
}
