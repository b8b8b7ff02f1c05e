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
import { runsOf } from '../wiring/runs.js';
import { remediationTasksSchema } from './remediation-tasks.js';
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
      body: await runsOf(app).publishSpec(body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/pipelines/:pin',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await runsOf(app).readSpec(param(params, 'pin')) }),
  }),
  route({
    method: 'POST',
    path: '/v1/suites',
    scope: 'runs',
    body: scenarioSuiteSchema,
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await runsOf(app).publishSuite(body, actorOf(caller)),
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/suites/:pin',
    scope: 'read',
    handle: async ({ app, params }) => ({ body: await runsOf(app).readSuite(param(params, 'pin')) }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs',
    scope: 'runs',
    body: createRunSchema,
    handle: async ({ app, body, caller }) => ({
      status: 201,
      body: await runsOf(app).createPipelineRuns(body, actorOf(caller), {
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
      const runs = await runsOf(app).listPipelineRuns({
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
    handle: async ({ app, params }) => ({ body: await runsOf(app).getPipelineRun(param(params, 'id')) }),
  }),
  route({
    method: 'GET',
    path: '/v1/pipeline-runs/:id/handoff',
    scope: 'read',
    query: z.object({ format: formatParam.optional() }),
    handle: async ({ app, params, query }) => {
      const h = await runsOf(app).getHandoff(param(params, 'id'));
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
      body: (await runsOf(app).getHandoff(param(params, 'id'))).markdown,
      contentType: 'text/markdown; charset=utf-8',
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/gate',
    scope: 'decide',
    body: gateDecisionSchema,
    handle: async ({ app, params, body, caller }) => ({
      body: await runsOf(app).resolveGate(param(params, 'id'), body, actorOf(caller)),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/stages/:stageId/callback',
    scope: 'runs',
    body: callbackSchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 202,
      body: await runsOf(app).completeCallbackStage(
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
      body: await runsOf(app).classifyFailure(param(params, 'id'), body, actorOf(caller)),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/decision',
    scope: 'decide',
    body: decideSchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 201,
      body: await runsOf(app).decidePipelineRun(param(params, 'id'), body, actorOf(caller)),
    }),
  }),
  route({
    method: 'POST',
    path: '/v1/pipeline-runs/:id/remediate',
    scope: 'runs',
    body: remediateSchema,
    handle: async ({ app, params, body, caller }) => ({
      status: 201,
      body: await runsOf(app).remediatePipelineRun(param(params, 'id'), body, actorOf(caller), {
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
      body: { tasks: await runsOf(app).openRemediationTasks(param(params, 'id'), body, actorOf(caller)) },
    }),
  }),
];
