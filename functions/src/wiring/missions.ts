/** Builds the missions (CMOS) system from the container, once per container. */
import { createMissions, type Missions } from '../missions/system.js';
import type { Container } from '../platform/container.js';

const built = new WeakMap<Container, Missions>();

export function missionsOf(app: Container): Missions {
  let sys = built.get(app);
  if (!sys) built.set(app, (sys = createMissions({ db: app.db, clock: app.clock })));
  return sys;
}
