/**
 * Stage handlers of the pipeline workflow, one per stage kind. Each does its slow work outside any
 * transaction, classifies any failure (retryable / terminal / pipeline) and returns an outcome whose
 * effect records the stage on the run. Stages see the run's params, the profile and earlier outputs;
 * the scenario suite is never handed to them, so holdouts cannot leak into a prompt or a request.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { EngineStepView, IncidentsPort } from './ports.js';
import type { StepContext, StepHandler, StepOutcome } from '../engine/workflow.js';
import type { ModelPort } from '../model/port.js';
import { ModelError } from '../model/port.js';
import { classifyFailure, type FailureSignal } from './core/failure.js';
import { findStage, type StageSpec } from './core/spec.js';
import { SpecFault, renderDeep, renderTemplate, type TemplateScope } from './core/template.js';
import { pipelineInputOf, type PipelineInput } from './pipeline-input.js';
import { failed, retried, stageEffect, succeeded } from './stage-records.js';

/** The muse engineer's hook: starts production for a brief and returns what it produced. */
export type ProduceFn = (req: {
  brief: string;
  runId: string;
  stageId: string;
  profile: string;
}) => Promise<unknown>;

export interface StageDeps {
  db: Firestore;
  model: ModelPort;
  /** muse.produce; absent in deployments where the muse is not wired, which fails the stage. */
  produce?: ProduceFn;
  /** Defaults to global fetch. */
  fetch?: typeof fetch;
  /** The public base URL an agent calls back (`/v1/pipeline-runs/.../callback`). */
  callbackBaseUrl: string;
  /** The incidents system's capabilities (systemic incidents opened and recovered). */
  incidents: IncidentsPort;
  /** The engine's record of the run's steps (the evaluation reads which failed, and how). */
  engineSteps(runId: string): Promise<Record<string, EngineStepView>>;
}

export interface StageCall {
  ctx: StepContext;
  pin: PipelineInput;
  stage: StageSpec;
  scope: TemplateScope;
}

/** Visible outputs: the synthetic boot step's output is not a stage's. */
function stageOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).filter(([k]) => !k.startsWith('__')));
}

export function prepare(ctx: StepContext): StageCall {
  const pin = pipelineInputOf(ctx.input);
  const stage = findStage(pin.spec, ctx.stepId);
  if (!stage) throw new SpecFault(`stage "${ctx.stepId}" is not in the spec`);
  const scope: TemplateScope = {
    input: pin.params ?? {},
    outputs: stageOutputs(ctx.outputs),
    profile: pin.spec.profiles[pin.profile] ?? {},
    run: { id: pin.pipelineRunId },
  };
  return { ctx, pin, stage, scope };
}

/** Turns a classified failure into the outcome the engine acts on. */
async function failure(
  { db, incidents }: Pick<StageDeps, 'db' | 'incidents'>,
  c: StageCall,
  signal: FailureSignal,
  error: string,
): Promise<StepOutcome> {
  const cls = classifyFailure(signal);
  const { ctx } = c;
  if (cls === 'retryable') return retried(db, ctx.runId, ctx.stepId, ctx.attempt, ctx.now, error);
  return failed(incidents, ctx.runId, ctx.stepId, ctx.attempt, ctx.now, cls, error);
}

/** Runs a stage body; SpecFault (a missing input, an unknown edge) is the spec's fault. */
function guarded(
  incidents: StageDeps['incidents'],
  body: (c: StageCall) => Promise<StepOutcome>,
): StepHandler {
  return async (ctx) => {
    let c: StageCall | undefined;
    try {
      c = prepare(ctx);
      return await body(c);
    } catch (err) {
      if (err instanceof SpecFault)
        return failed(incidents, ctx.runId, ctx.stepId, ctx.attempt, ctx.now, 'pipeline', err.message);
      throw err;
    }
  };
}

export function modelStage(deps: StageDeps): StepHandler {
  return guarded(deps.incidents, async (c) => {
    const prompt = renderTemplate(c.stage.prompt!, c.scope);
    const system = c.stage.system ? renderTemplate(c.stage.system, c.scope) : undefined;
    try {
      const res = await deps.model.generate({ purpose: 'stage', prompt, ...(system ? { system } : {}) });
      return succeeded(deps.incidents, c.ctx.runId, c.stage.id, c.ctx.attempt, c.ctx.now, {
        text: res.text,
        model: res.model,
      });
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      const signal: FailureSignal = err.status
        ? { kind: 'http', status: err.status }
        : err.retryable
          ? { kind: 'timeout' }
          : { kind: 'validation', message: err.message };
      return failure(deps, c, signal, `model: ${err.message}`);
    }
  });
}

export function produceStage(deps: StageDeps): StepHandler {
  return guarded(deps.incidents, async (c) => {
    if (!deps.produce)
      return failed(
        deps.incidents,
        c.ctx.runId,
        c.stage.id,
        c.ctx.attempt,
        c.ctx.now,
        'terminal',
        'muse.produce is not wired in this deployment',
      );
    const brief = renderTemplate(c.stage.brief!, c.scope);
    const out = await deps.produce({
      brief,
      runId: c.pin.pipelineRunId,
      stageId: c.stage.id,
      profile: c.pin.profile,
    });
    return succeeded(deps.incidents, c.ctx.runId, c.stage.id, c.ctx.attempt, c.ctx.now, out);
  });
}

export const humanStage = (deps: Pick<StageDeps, 'incidents'>): StepHandler =>
  guarded(deps.incidents, async (c) => {
    const options = c.stage.options ?? {};
    const context = renderTemplate(c.stage.context!, c.scope);
    const edges = Object.keys(options);
    return {
      type: 'gate',
      context: { stageId: c.stage.id, context, options, outputs: c.scope.outputs },
      edges,
      effect: stageEffect(deps.incidents, c.ctx.runId, c.stage.id, c.ctx.now, {
        status: 'awaiting_human',
        attempt: c.ctx.attempt,
        event: 'gate.opened',
        data: { context, edges },
        to: 'awaiting_human',
      }),
    };
  });

export function httpStage(deps: StageDeps): StepHandler {
  return guarded(deps.incidents, async (c) => {
    const h = c.stage.http!;
    const url = renderTemplate(h.url, c.scope);
    const payload = h.body === undefined ? undefined : renderDeep(h.body, c.scope);
    const callbackUrl = `${deps.callbackBaseUrl}/v1/pipeline-runs/${c.pin.pipelineRunId}/stages/${c.stage.id}/callback`;
    const method = h.method ?? 'POST';
    const body =
      method === 'GET'
        ? undefined
        : JSON.stringify({
            runId: c.pin.pipelineRunId,
            stageId: c.stage.id,
            attempt: c.ctx.attempt,
            ...(h.mode === 'callback' ? { callbackUrl } : {}),
            input: payload ?? null,
          });
    let res: Response;
    try {
      res = await (deps.fetch ?? fetch)(url, {
        method,
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(h.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const e = err as Error;
      const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
      return failure(
        deps,
        c,
        timeout ? { kind: 'timeout' } : { kind: 'network' },
        `${method} ${url}: ${timeout ? 'timed out' : e.message}`,
      );
    }
    const text = await res.text();
    if (!res.ok)
      return failure(
        deps,
        c,
        { kind: 'http', status: res.status },
        `${method} ${url}: HTTP ${res.status} ${text.slice(0, 200)}`,
      );
    if (h.mode === 'callback')
      return {
        type: 'external',
        context: { stageId: c.stage.id, url, callbackUrl },
        effect: stageEffect(deps.incidents, c.ctx.runId, c.stage.id, c.ctx.now, {
          status: 'awaiting_callback',
          attempt: c.ctx.attempt,
          event: 'stage.awaiting_callback',
          data: { url },
        }),
      };
    let output: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        output = JSON.parse(text);
      } catch {
        return failure(deps, c, { kind: 'validation' }, `${method} ${url}: the agent answered invalid JSON`);
      }
    }
    return succeeded(deps.incidents, c.ctx.runId, c.stage.id, c.ctx.attempt, c.ctx.now, output);
  });
}
