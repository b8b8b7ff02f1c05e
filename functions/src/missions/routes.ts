/**
 * /v1 routes for CMOS missions, telemetry and project context. Static paths come before `:id` ones
 * so a first-match router sends /v1/missions/next and /v1/missions/health to the right handler.
 */
import { z } from 'zod';
import { route, type Route } from '../platform/http/route.js';
import { callerActor } from './audited.js';
import { missionId } from './core/mission.js';
import { missionsOf } from '../wiring/missions.js';
import { telemetryInput } from './telemetry.js';

const line = z.string().trim().min(1).max(2000);

const createBody = z.strictObject({
  id: missionId,
  title: line,
  objective: line,
  scope: z.string().max(4000).optional(),
  prerequisites: z.array(missionId).max(50).optional(),
  rank: z.number().int().optional(),
  status: z.enum(['Queued', 'Current']).optional(),
});

const completeBody = z.strictObject({
  verification: z.strictObject({
    command: line,
    result: z.enum(['passed', 'failed']),
    output: z.string().max(20_000).optional(),
  }),
  summary: line.optional(),
  nextHint: line.optional(),
});

const blockBody = z.strictObject({ needs: z.array(line).min(1).max(50), unblockCriteria: line });

export const missionRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/v1/missions',
    scope: 'read',
    handle: async ({ app }) => ({ body: await missionsOf(app).listMissions() }),
  }),
  route({
    method: 'GET',
    path: '/v1/missions/next',
    scope: 'read',
    handle: async ({ app }) => ({ body: { mission: (await missionsOf(app).listMissions()).next } }),
  }),
  route({
    method: 'GET',
    path: '/v1/missions/health',
    scope: 'read',
    handle: async ({ app }) => ({ body: await missionsOf(app).missionHealthView() }),
  }),
  route({
    method: 'GET',
    path: '/v1/missions/events',
    scope: 'read',
    handle: async ({ app }) => ({ body: { events: await missionsOf(app).listMissionEvents() } }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions',
    scope: 'agent',
    body: createBody,
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: { mission: await missionsOf(app).createMission({ ...body, actor: callerActor(caller) }) },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/missions/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({
      body: { mission: await missionsOf(app).getMission(params.id ?? '') },
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/missions/:id/events',
    scope: 'read',
    handle: async ({ app, params }) => ({
      body: { events: await missionsOf(app).listMissionEvents(params.id ?? '') },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions/:id/events',
    scope: 'agent',
    body: telemetryInput,
    handle: async ({ app, params, body, caller }) => ({
      status: 201,
      body: {
        event: await missionsOf(app).recordTelemetry({
          ...body,
          missionId: params.id ?? '',
          actor: callerActor(caller),
        }),
      },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions/:id/start',
    scope: 'agent',
    handle: async ({ app, params, caller }) => ({
      body: await missionsOf(app).startMission({ id: params.id ?? '', actor: callerActor(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions/:id/complete',
    scope: 'agent',
    body: completeBody,
    handle: async ({ app, params, body, caller }) => ({
      body: await missionsOf(app).completeMission({
        ...body,
        id: params.id ?? '',
        actor: callerActor(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions/:id/block',
    scope: 'agent',
    body: blockBody,
    handle: async ({ app, params, body, caller }) => ({
      body: await missionsOf(app).blockMission({ ...body, id: params.id ?? '', actor: callerActor(caller) }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions/:id/unblock',
    scope: 'agent',
    body: z.strictObject({ note: line.optional() }),
    handle: async ({ app, params, body, caller }) => ({
      body: await missionsOf(app).unblockMission({
        ...body,
        id: params.id ?? '',
        actor: callerActor(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions/:id/notes',
    scope: 'agent',
    body: z.strictObject({ text: line }),
    handle: async ({ app, params, body, caller }) => ({
      body: await missionsOf(app).addMissionNote({
        ...body,
        id: params.id ?? '',
        actor: callerActor(caller),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/missions/:id/waivers',
    scope: 'decide',
    body: z.strictObject({ prerequisite: missionId, reason: line }),
    handle: async ({ app, params, body, caller }) => ({
      body: await missionsOf(app).waivePrerequisite({
        ...body,
        id: params.id ?? '',
        actor: callerActor(caller),
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/context',
    scope: 'read',
    handle: async ({ app }) => ({ body: await missionsOf(app).readContext() }),
  }),
  route({
    method: 'POST',
    path: '/v1/context/constraints',
    scope: 'agent',
    body: z.strictObject({ text: line, missionId: missionId.optional() }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: {
        entry: await missionsOf(app).appendContext({
          ...body,
          kind: 'constraint',
          actor: callerActor(caller),
        }),
      },
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/context/decisions',
    scope: 'agent',
    body: z.strictObject({ text: line, reason: line, missionId: missionId.optional() }),
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: {
        entry: await missionsOf(app).appendContext({ ...body, kind: 'decision', actor: callerActor(caller) }),
      },
    }),
  }),
];
