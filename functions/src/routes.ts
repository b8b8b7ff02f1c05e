/** Every /v1 route of the product, one line per seed system. */
import { engineRoutes } from './engine/routes.js';
import { incidentRoutes } from './incidents/routes.js';
import { missionRoutes } from './missions/routes.js';
import { sessionRoutes } from './sessions/routes.js';
import type { Route } from './platform/http/route.js';
import { taskRoutes } from './tasks/routes.js';

export const ALL_ROUTES: Route[] = [
  ...engineRoutes, // runs, gates, callbacks, events, dead letters, pause switch
  ...taskRoutes, // Growth Engine: agents, tasks, KB search, evidence, heartbeats, guards, metrics, reports
  ...incidentRoutes, // incidents, escalation, timeline, post-incident review
  ...missionRoutes, // CMOS: backlog, mission lifecycle, project context, telemetry, parity
  ...sessionRoutes, // SCMS: sessions, memories, failure logs, promotions, dashboard, economics
];
