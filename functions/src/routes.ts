/** Every /v1 route of the product, one line per seed system. */
import { engineRoutes } from './engine/routes.js';
import type { Route } from './platform/http/route.js';

export const ALL_ROUTES: Route[] = [
  ...engineRoutes, // runs, gates, callbacks, events, dead letters, pause switch
];
