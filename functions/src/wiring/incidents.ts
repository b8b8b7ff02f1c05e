/** Builds the incidents system from the container, once per container. */
import { engineOf } from './engine.js';
import { createIncidents, type Incidents } from '../incidents/system.js';
import type { Container } from '../platform/container.js';
import { sessionsOf } from './sessions.js';

const built = new WeakMap<Container, Incidents>();

export function incidentsOf(app: Container): Incidents {
  let sys = built.get(app);
  if (!sys) {
    sys = createIncidents({
      db: app.db,
      clock: app.clock,
      log: app.log,
      get bus() {
        return app.bus; // Pub/Sub loads on first use, not when the system is built
      },
      startRun: (req) => engineOf(app).startWorkflowRun(req),
      createFailureLog: (input) => sessionsOf(app).createFailureLog(input),
    });
    built.set(app, sys);
  }
  return sys;
}
