/**
 * The two ends of a production run. Both settle the reservation with the actual usage (debit the
 * actual, release the rest) before the step commits, in a wallet transaction of its own (queued with
 * the wallet's other movements, so a burst of settlements does not abort on contention), and the
 * breaker is evaluated right after. The settlement is idempotent by the reservation's key, so a
 * redelivered message settles nothing twice; the actual is computed from the recorded outputs, so
 * every delivery settles the same amount.
 * - publish: stages the asset (create once, never changed) and marks the intent published.
 * - close: the `reject` edge and the fail path; marks the intent failed with the reason, unless an
 *   earlier step already recorded a more precise one (unfunded, garbage with the raw answer).
 */
import { recordEvent } from '../../../engine/events.js';
import type { StepContext, StepOutcome } from '../../../engine/workflow.js';
import { systemActor } from '../../../shared/ports.js';
import { settleReservation } from '../../wallet/ledger.js';
import type { Verdict } from '../../critic/core/verdict.js';
import { readStatusRuns, writeRunStatus } from '../../status/status.js';
import type { RunState } from '../../status/core/runs.js';
import { assetsRef, type StagedAsset } from '../assets.js';
import { actualCost, usagesOf } from '../core/cost.js';
import { parseProductionInput } from '../core/plan.js';
import { intentsRef } from '../intents.js';
import type { ProductionOptions } from '../options.js';
import { generationOf } from './generate.js';

interface GateOutput {
  reserved: boolean;
  key?: string;
  amount?: number;
  model?: string;
}

function settlement(ctx: StepContext, o: ProductionOptions) {
  const gate = (ctx.outputs.gate ?? { reserved: false }) as GateOutput;
  const cost = actualCost(o.priceTable, usagesOf(ctx.outputs), gate.amount ?? 0);
  const settle = async () => {
    if (gate.reserved && gate.key)
      await settleReservation(ctx.app, { reservationKey: gate.key, actual: cost.amount });
  };
  return { gate, cost, settle };
}

export function publishStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const gen = generationOf(ctx);
    const critic = ctx.outputs.critic as { value: Verdict; bibleVersion: number };
    const { gate, cost, settle } = settlement(ctx, o);
    await settle();
    const asset: StagedAsset = {
      id: ctx.runId,
      runId: ctx.runId,
      intentId: input.intentId,
      topic: input.topic,
      mode: input.mode,
      ...gen,
      verdict: {
        drift: critic.value.drift,
        pass: critic.value.pass,
        threshold: critic.value.threshold,
        critic: critic.value.critic,
        notes: critic.value.notes,
      },
      cost: {
        currency: 'USD',
        estimated: gate.amount ?? 0,
        actual: cost.amount,
        model: gate.model ?? 'template',
        ...cost.usage,
      },
      bibleVersion: critic.bibleVersion,
      createdAt: ctx.now,
    };
    return {
      type: 'done',
      output: { assetId: asset.id, actualCost: cost.amount },
      effect: async (tx, db) => {
        const ref = assetsRef(db).doc(asset.id);
        const existing = await tx.get(ref);
        const runs = await readStatusRuns(db, tx);
        // Staged once: a replayed effect finds the record and leaves it as it is.
        if (!existing.exists) tx.create(ref, asset);
        tx.set(
          intentsRef(db).doc(input.intentId),
          { status: 'published', reason: null, assetId: asset.id, actualCost: cost.amount },
          { merge: true },
        );
        writeRunStatus(db, tx, runs, { ...runEntry(ctx), step: 'publish', state: 'published' }, ctx.now);
        if (!existing.exists)
          recordEvent(db, tx, {
            type: 'muse.asset.staged',
            actor: systemActor('muse-production'),
            at: ctx.now,
            data: {
              assetId: asset.id,
              runId: ctx.runId,
              intentId: input.intentId,
              drift: asset.verdict.drift,
              cost: cost.amount,
            },
          });
      },
    };
  };
}

function runEntry(ctx: StepContext) {
  const input = parseProductionInput(ctx.input);
  return { runId: ctx.runId, intentId: input.intentId, topic: input.topic, mode: input.mode };
}

/** The first error a step of this run reported in its output. */
function firstError(outputs: Record<string, unknown>): string | undefined {
  for (const [step, v] of Object.entries(outputs)) {
    const e = (v as { error?: unknown; reason?: unknown } | null) ?? {};
    if (typeof e.error === 'string') return `${step}: ${e.error}`;
  }
  return undefined;
}

export function closeStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const verdict = (ctx.outputs.critic as { value?: Verdict } | undefined)?.value;
    const { cost, settle } = settlement(ctx, o);
    await settle();
    const rejected = verdict !== undefined && !verdict.pass;
    return {
      type: 'done',
      output: { actualCost: cost.amount, rejected },
      effect: async (tx, db) => {
        const intentRef = intentsRef(db).doc(input.intentId);
        const intent = await tx.get(intentRef);
        const runs = await readStatusRuns(db, tx);
        let state: RunState = rejected ? 'rejected' : 'failed';
        const ours = intent.get('runId') === ctx.runId;
        const recorded = ours && ['unfunded', 'failed'].includes(String(intent.get('status')));
        if (rejected) {
          const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
          const reason = `critic rejected: drift ${pct(verdict.drift)} >= ${pct(verdict.threshold)} (${verdict.notes})`;
          tx.set(
            intentRef,
            { status: 'failed', reason, runId: ctx.runId, actualCost: cost.amount },
            { merge: true },
          );
        } else if (recorded) {
          if (intent.get('status') === 'unfunded') state = 'unfunded';
          tx.set(intentRef, { actualCost: cost.amount }, { merge: true });
        } else {
          const reason = firstError(ctx.outputs) ?? `production run ${ctx.runId} failed`;
          tx.set(
            intentRef,
            { status: 'failed', reason, runId: ctx.runId, actualCost: cost.amount },
            { merge: true },
          );
        }
        writeRunStatus(db, tx, runs, { ...runEntry(ctx), step: ctx.stepId, state }, ctx.now);
      },
    };
  };
}
