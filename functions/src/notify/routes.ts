/**
 * /v1 routes of pushed decisions: the reminder periods per kind of decision. Reading needs `read`;
 * changing needs `operator` (or `admin`), is validated field by field (unknown kinds and fields are
 * refused by name) and audited.
 */
import { actorOf, route, type Route } from '../platform/http/route.js';
import { notifyOf } from '../wiring/notify.js';
import { reminderSettingsPatchSchema } from './core/reminders.js';

export const notifyRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/v1/settings/reminders',
    scope: 'read',
    handle: async ({ app }) => ({ body: await notifyOf(app).reminderSettings() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/settings/reminders',
    scope: 'operator',
    body: reminderSettingsPatchSchema,
    handle: async ({ app, body, caller }) => ({
      body: await notifyOf(app).changeReminderSettings(body, actorOf(caller)),
    }),
  }),
];
