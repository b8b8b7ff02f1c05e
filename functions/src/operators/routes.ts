/**
 * Operator routes under /v1, so ordinary operator work needs no database console: Slack channels
 * and roles, the audit trail, and API keys. Every change is admin-only and audited.
 */
import { z } from 'zod';
import { actorOf, route, SCOPES, type Route } from '../platform/http/route.js';
import { forbidden } from '../shared/errors.js';
import { operatorsOf } from '../wiring/operators.js';
import { slackSettingsInput } from './slack-settings.js';

const rationale = z.string().trim().min(3, 'say why').max(2000);

const auditQuery = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    action: z
      .string()
      .regex(/^[a-z][a-z0-9._-]{0,99}$/, 'an action looks like gate.decide')
      .optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z
      .string()
      .regex(/^[0-9TZ:.~a-f-]{10,80}$/, 'after is the id of the last record of the previous page')
      .optional(),
  })
  .strict();

export const operatorRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/v1/settings/slack',
    scope: 'admin',
    handle: async ({ app }) => ({ body: await operatorsOf(app).readSlackSettings() }),
  }),
  route({
    method: 'PUT',
    path: '/v1/settings/slack',
    scope: 'admin',
    body: slackSettingsInput,
    handle: async ({ app, body, caller }) => ({
      body: await operatorsOf(app).writeSlackSettings(
        { value: { channels: body.channels, roles: body.roles }, rationale: body.rationale },
        actorOf(caller),
      ),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/audit',
    scope: 'read',
    query: auditQuery,
    handle: async ({ app, query, caller }) => {
      // The router has refused a query this schema does not accept; parsing again gives the typed,
      // defaulted values.
      const q = auditQuery.parse(query);
      // Anyone may read what they did; reading others' records is an admin's.
      const admin = caller.scopes.includes('admin');
      if (!admin && q.actor && q.actor !== caller.keyId)
        throw forbidden(
          `reading another actor's audit records needs the admin scope (yours is ${caller.keyId})`,
        );
      const result = await operatorsOf(app).queryAudit({
        actor: admin ? q.actor : caller.keyId,
        ...(q.action ? { action: q.action } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        limit: q.limit,
        ...(q.after ? { after: q.after } : {}),
      });
      return { body: { items: result.records, next: result.next } };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/api-keys',
    scope: 'admin',
    handle: async ({ app }) => ({ body: { items: await operatorsOf(app).listApiKeys() } }),
  }),
  route({
    method: 'POST',
    path: '/v1/api-keys',
    scope: 'admin',
    body: z
      .object({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
        rationale,
      })
      .strict(),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await operatorsOf(app).issueApiKey({
        name: body.name,
        scopes: body.scopes,
        actor: actorOf(caller),
        rationale: body.rationale,
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/api-keys/:id/revoke',
    scope: 'admin',
    body: z.object({ rationale }).strict(),
    handle: async ({ app, params, body, caller }) => ({
      body: await operatorsOf(app).revokeApiKey({
        id: params.id!,
        actor: actorOf(caller),
        rationale: body.rationale,
      }),
    }),
  }),
];
