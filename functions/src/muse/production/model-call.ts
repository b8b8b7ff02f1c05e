/**
 * One model call of a production step, with the step's failure classes:
 * - a retryable ModelError (timeout, 429, 5xx) is a `retry` outcome;
 * - an answer that does not parse ("garbage") is retried too, since a fresh sample often fixes it;
 * - on the last attempt, or on a non-retryable error, the step fails terminally and the raw answer
 *   is kept in the step's output and on the intent, so a person can see what the model said.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { StepContext, StepOutcome } from './step.js';
import { ModelError, type ModelPort, type ModelRequest } from '../../model/port.js';
import { recordProgressInTx } from '../intents/repo.js';
import { answerJson, type Parsed } from './core/specs.js';

/** What a model step spent, so the run's actual cost can be settled. */
export interface StepUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/** Longest raw answer kept on the intent (Firestore documents are limited to 1 MiB). */
const RAW_KEEP = 20_000;

export type CallResult<T> = { ok: true; value: T; usage: StepUsage } | { ok: false; outcome: StepOutcome };

function lastAttempt(ctx: StepContext): boolean {
  const max = typeof ctx.params.maxAttempts === 'number' ? ctx.params.maxAttempts : 1;
  return ctx.attempt >= max;
}

/** A terminal failure that keeps the raw answer, on the run (step output) and on the intent. */
export function terminal(
  db: Firestore,
  ctx: StepContext,
  intentId: string,
  error: string,
  raw: string | undefined,
  usage?: StepUsage,
): StepOutcome {
  const kept = raw === undefined ? null : raw.slice(0, RAW_KEEP);
  return {
    type: 'fail',
    class: 'terminal',
    error,
    output: { error, raw: kept, usage },
    effect: async (tx) => {
      recordProgressInTx(db, tx, intentId, {
        status: 'failed',
        reason: `${ctx.stepId}: ${error}`,
        failure: { runId: ctx.runId, step: ctx.stepId, error, raw: kept, at: ctx.now },
      });
    },
  };
}

export async function callModel<T>(
  deps: { db: Firestore; model: ModelPort },
  ctx: StepContext,
  intentId: string,
  req: ModelRequest,
  parse: (json: unknown) => Parsed<T>,
): Promise<CallResult<T>> {
  let res;
  try {
    res = await deps.model.generate(req);
  } catch (err) {
    if (!(err instanceof ModelError)) throw err; // unknown: let the engine redeliver
    if (err.retryable && !lastAttempt(ctx))
      return { ok: false, outcome: { type: 'retry', error: err.message } };
    return { ok: false, outcome: terminal(deps.db, ctx, intentId, `model error: ${err.message}`, err.raw) };
  }
  const usage: StepUsage = {
    model: res.model,
    inputTokens: res.usage.inputTokens,
    outputTokens: res.usage.outputTokens,
  };
  const json = answerJson(res);
  const parsed =
    json === undefined ? ({ ok: false, problems: ['the answer is not JSON'] } as const) : parse(json);
  if (parsed.ok) return { ok: true, value: parsed.value, usage };
  const error = `unusable ${req.purpose} answer: ${parsed.problems.slice(0, 5).join('; ')}`;
  if (!lastAttempt(ctx)) return { ok: false, outcome: { type: 'retry', error } };
  const raw = res.text || (res.json === undefined ? '' : JSON.stringify(res.json));
  return { ok: false, outcome: terminal(deps.db, ctx, intentId, error, raw, usage) };
}
