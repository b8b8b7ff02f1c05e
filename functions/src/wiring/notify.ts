/** Builds notify (the Slack outbox's store, reminders, reminder periods) for a container, once. */
import { engineOf } from './engine.js';
import { createNotify, type Notify } from '../notify/system.js';
import type { Container } from '../platform/container.js';

const built = new WeakMap<Container, Notify>();

export function notifyOf(app: Container): Notify {
  let n = built.get(app);
  if (!n) {
    n = createNotify({
      db: app.db,
      clock: app.clock,
      log: app.log,
      startWorkflow: (req) => engineOf(app).startWorkflowRun({ ...req, input: { ...req.input } }),
    });
    built.set(app, n);
  }
  return n;
}
