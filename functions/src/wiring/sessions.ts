/** Builds the sessions (SCMS) system from the container, once per container. */
import type { Container } from '../platform/container.js';
import { createSessions, type Sessions } from '../sessions/system.js';

const built = new WeakMap<Container, Sessions>();

export function sessionsOf(app: Container): Sessions {
  let sys = built.get(app);
  if (!sys) built.set(app, (sys = createSessions({ db: app.db, clock: app.clock })));
  return sys;
}
