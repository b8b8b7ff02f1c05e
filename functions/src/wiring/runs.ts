/** Builds Level 4 (the pipeline runs system) from the container, once per container. */
import { completeExternalStep } from '../engine/external.js';
import { decideGate } from '../engine/gates.js';
import { engineOf } from './engine.js';
import { museOf } from './muse.js';
import type { Container } from '../platform/container.js';
import { createRuns, type Runs } from '../runs/system.js';
import { incidentsOf } from './incidents.js';
import { tasksOf } from './tasks.js';

const built = new WeakMap<Container, Runs>();

export function runsOf(app: Container): Runs {
  let sys = built.get(app);
  if (!sys) {
    sys = createRuns({
      db: app.db,
      clock: app.clock,
      log: app.log,
      get bus() {
        return app.bus; // Pub/Sub loads on first use, not when the system is built
      },
      model: app.model,
      engine: {
        startRun: (req) => engineOf(app).startWorkflowRun(req),
        decideGate: (input) => decideGate(app, input),
        completeExternalStep: (input) => completeExternalStep(app, input),
        steps: async (runId) => (await engineOf(app).getWorkflowRun(runId)).steps,
      },
      incidents: {
        onDependenciesTx: (...a) => incidentsOf(app).onDependenciesTx(...a),
        openInTransaction: (...a) => incidentsOf(app).openInTransaction(...a),
        readLiveTx: (...a) => incidentsOf(app).readLiveTx(...a),
        writeRecovery: (...a) => incidentsOf(app).writeRecovery(...a),
      },
      createTask: (raw, actor) => tasksOf(app).createTask(raw, actor),
      produce: (req) => museOf(app).production.produceBrief(req),
      callbackBaseUrl: app.config.publicBaseUrl,
    });
    built.set(app, sys);
  }
  return sys;
}
