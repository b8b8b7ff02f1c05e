/** Every /v1 route of the product, one line per seed system. */
import { engineRoutes } from './engine/routes.js';
import { incidentRoutes } from './incidents/routes.js';
import { missionRoutes } from './missions/routes.js';
import { museRoutes } from './muse/routes.js';
import { museTrendRoutes } from './muse/trends/routes.js';
import { museWalletRoutes } from './muse/wallet/routes.js';
import { operatorRoutes } from './operators/routes.js';
import { notifyRoutes } from './notify/routes.js';
import { sessionRoutes } from './sessions/routes.js';
import type { Route } from './platform/http/route.js';
import { runRoutes } from './runs/routes.js';
import { streamRoutes } from './stream/routes.js';
import { taskRoutes } from './tasks/routes.js';

export const ALL_ROUTES: Route[] = [
  ...engineRoutes, // runs, gates, callbacks, events, dead letters, pause switch
  ...museRoutes, // SMOS v2: status, production, safe mode, staged assets, the identity Bible
  ...museTrendRoutes, // SMOS v2: trend ticks, intents
  ...museWalletRoutes, // SMOS v2: CFO wallet, ledger, circuit breaker
  ...taskRoutes, // Growth Engine: agents, tasks, KB search, evidence, heartbeats, guards, metrics, reports
  ...incidentRoutes, // incidents, escalation, timeline, post-incident review
  ...runRoutes, // Level 4: pipelines, suites, pipeline runs, gates, callbacks, decisions, handoff
  ...missionRoutes, // CMOS: backlog, mission lifecycle, project context, telemetry, parity
  ...sessionRoutes, // SCMS: sessions, memories, failure logs, promotions, dashboard, economics
  ...streamRoutes, // live stream tokens
  ...operatorRoutes, // Slack channels and roles, the audit trail, API keys
  ...notifyRoutes, // pushed decisions: reminder periods per kind
];
