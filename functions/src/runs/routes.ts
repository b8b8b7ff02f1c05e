/**
 * /v1 routes of Level 4 runs: publish specs and suites; create, list and get runs (with events);
 * resolve a gate; a callback stage's completion; classify a failure; decide; remediate; handoff.
 * Scopes: `runs` to publish, create and call back (starting despite an open incident also needs
 * `operator`); `decide` for gates, classifications, decisions;
 * `read` for GETs. Each body is declared with its use case's schema (the router checks it and the
 * OpenAPI document shows it); the use case parses it again, for callers that are not the API.
 * Static paths come before `:id` ones.
 */
import { z } from 'zod';
import { hasScope } from '../platform/api-keys.js';
import { actorOf, route, type Route } from '../platform/http/route.js';
import { formatParam, limitParam } from '../platform/http/query-params.js';
import { invalidInput } from '../shared/errors.js';
import { RUN_STATES, type RunState } from './core/states.js';
import { classifyFailure } from './classify.js';
import { createPipelineRuns, remediateRun } from './create-run.js';
import { decideRun } from './decide.js';
import { completeCallbackStage, resolveGate } from './gate-and-callback.js';
import { publishSpec, publishSuite } from './publish.js';
import { openRemediationTasks, remediationTasksSchema } from './remediation-tasks.js';
import { getHandoff, getPipelineRun, listPipelineRuns } from './read.js';
import { readSpec, readSuite } from './store.js';
import {
  callbackSchema,
  classifySchema,
  createRunSchema,
  decideSchema,
  gateDecisionSchema,
  pipelineSpecSchema,
  remediateSchema,
  scenarioSuiteSchema,
} from './schemas.js';

const param = (p: Record<string, string>, k: string) => p[k] ?? '';

export const runRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/pipelines',
    scope: 'runs',
    body: pipelineSpecSchema,
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await publishSpec(app, body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/pipelines/:pin',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await readSpec(app.db, param(params, 'pin')) }),
  }),
  route({
    method: 'POST',
    path: '/v1/suites',
    scope: 'runs',
    body: scenarioSuiteSchema,
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await publishSuite(app, body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/suites/:pin',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await readSuite(app.db, param(params, 'pin')) }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs',
    scope: 'runs',
    body: createRunSchema,
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await createPipelineRuns(app, body, actorOf(caller), {
        mayOverride: hasScope(caller, 'operator'),
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/pipeline-runs',
    scope: 'read',
    query: z.object({
      state: z.enum(RUN_STATES).optional(),
      spec: z.string().max(200).optional(),
      limit: limitParam().optional(),
    }),
    handle: async ({ app, query }) => {
      if (query.state && !(RUN_STATES as readonly string[]).includes(query.state))
        throw invalidInput(`unknown state "${query.state}"; one of ${RUN_STATES.join(', ')}`);
      const limit = query.limit ? Number(query.limit) : undefined;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
        throw invalidInput('limit must be a positive integer');
      const runs = await listPipelineRuns(app.db, {
        ...(query.state ? { state: query.state as RunState } : {}),
        ...(query.spec ? { spec: query.spec } : {}),
        ...(limit ? { limit } : {}),
      });
      return { body: { runs } };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/pipeline-runs/:id',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await getPipelineRun(app.db, param(params, 'id')) }),
  }),
  route({
    method: 'GET',
    path: '/v1/pipeline-runs/:id/handoff',
    scope: 'read',
    query: z.object({ format: formatParam.optional() }),
    handle: async ({ app, params, query }) => {
      const h = await getHandoff(app.db, param(params, 'id'));
      return query.format === 'md' || query.format === 'markdown'
        ? { body: h.markdown, contentType: 'text/markdown; charset=utf-8' }
        : { body: h.json };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/pipeline-runs/:id/handoff.md',
    scope: 'read',
    handle: async ({ app, params }) => ({
      body: (await getHandoff(app.db, param(params, 'id'))).markdown,
      contentType: 'text/markdown; charset=utf-8',
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/gate',
    scope: 'decide',
    body: gateDecisionSchema,
    handle: async ({ app, params, body, caller }) => ({
      body: await resolveGate(app, param(params, 'id'), body, actorOf(caller)),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/stages/:stageId/callback',
    scope: 'runs',
    body: callbackSchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 202,
      body: await completeCallbackStage(
        app,
        param(params, 'id'),
        param(params, 'stageId'),
        body,
        actorOf(caller),
      ),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/classifications',
    scope: 'decide',
    body: classifySchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 201,
      body: await classifyFailure(app, param(params, 'id'), body, actorOf(caller)),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/decision',
    scope: 'decide',
    body: decideSchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 201,
      body: await decideRun(app, param(params, 'id'), body, actorOf(caller)),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/remediate',
    scope: 'runs',
    body: remediateSchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 201,
      body: await remediateRun(app, param(params, 'id'), body, actorOf(caller), {
        mayOverride: hasScope(caller, 'operator'),
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/remediation-tasks',
    scope: 'decide',
    body: remediationTasksSchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 201,
      body: { tasks: await openRemediationTasks(app, param(params, 'id'), body, actorOf(caller)) },
    }),
  }),
];
