/**
 * The CFO gate, the first step of every production run. It estimates the run's cost from the price
 * table and reserves it in the wallet atomically with advancing the run: the reservation is the
 * step's effect, committed in the engine's transaction with the step's processed mark, so a
 * redelivered message can never reserve twice (and the ledger key is the run's, as a second guard).
 *
 * The edge must be chosen before the effect runs, so the handler first asks the ledger in a dry run
 * (the same reserveInTransaction, rolled back). If the wallet changes between the dry run and the
 * commit, the effect throws, the commit rolls back, and the redelivered message decides again.
 *
 * - No price for the model: fail closed. The intent is parked as unfunded with the reason; the run
 *   fails (nothing is reserved, nothing produced).
 * - Not solvent: the intent is parked as unfunded with the reason; the run ends on `unfunded`.
 * - Safe mode (template) runs call no model, so they reserve nothing.
 */
import type { StepContext, StepOutcome } from '../../../engine/workflow.js';
import { estimateCost } from '../../wallet/core/pricing.js';
import { reserveInTransaction } from '../../wallet/ledger.js';
import { readStatusRuns, writeRunStatus } from '../../status/status.js';
import { expectedUsage, parseProductionInput } from '../core/plan.js';
import { intentsRef } from '../intents.js';
import { modelOf, reservationKey, type ProductionOptions } from '../options.js';

class DryRun extends Error {}

/** Whether the wallet would accept the reservation now, without writing anything. */
async function wouldReserve(
  ctx: StepContext,
  p: Parameters<typeof reserveInTransaction>[2],
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await ctx.app.db.runTransaction(async (tx) => {
      const r = await reserveInTransaction(ctx.app.db, tx, p);
      throw new DryRun(r.ok ? '' : r.reason);
    });
  } catch (err) {
    if (err instanceof DryRun) return err.message ? { ok: false, reason: err.message } : { ok: true };
    throw err;
  }
  return { ok: true };
}

export function gateStep(o: ProductionOptions) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const { db } = ctx.app;
    const run = { runId: ctx.runId, intentId: input.intentId, topic: input.topic, mode: input.mode };
    const park =
      (reason: string, estimatedCost: number | null) => async (tx: FirebaseFirestore.Transaction) => {
        const runs = await readStatusRuns(db, tx);
        tx.set(
          intentsRef(db).doc(input.intentId),
          { status: 'unfunded', reason, estimatedCost, runId: ctx.runId },
          { merge: true },
        );
        writeRunStatus(db, tx, runs, { ...run, step: 'gate', state: 'unfunded' }, ctx.now);
      };

    const model = input.mode === 'template' ? null : modelOf(ctx.app, o).model;
    const estimate = model
      ? estimateCost(o.priceTable, model, expectedUsage(input.mode, o.critic === 'model'))
      : ({ ok: true, model: 'template', amount: 0 } as const);
    if (!estimate.ok) {
      const reason = `fail closed: ${estimate.reason}`;
      return {
        type: 'fail',
        class: 'terminal',
        error: reason,
        output: { reserved: false, reason },
        effect: park(reason, null),
      };
    }

    const key = reservationKey(ctx.runId);
    const funded = (reserved: boolean) => async (tx: FirebaseFirestore.Transaction) => {
      const runs = await readStatusRuns(db, tx);
      if (reserved) {
        const r = await reserveInTransaction(db, tx, { ...reserve, at: ctx.now });
        // The wallet moved since the dry run: roll back; the redelivered message decides again.
        if (!r.ok) throw new Error(`the wallet changed before the reservation committed: ${r.reason}`);
      }
      tx.set(
        intentsRef(db).doc(input.intentId),
        { status: 'producing', reason: null, estimatedCost: estimate.amount, runId: ctx.runId },
        { merge: true },
      );
      writeRunStatus(db, tx, runs, { ...run, step: 'gate', state: 'running' }, ctx.now);
    };
    const reserve = {
      key,
      intentId: input.intentId,
      runId: ctx.runId,
      amount: estimate.amount,
      floor: o.reserveFloor,
      at: ctx.now,
    };
    if (estimate.amount === 0)
      return {
        type: 'done',
        edge: 'funded',
        output: { reserved: false, amount: 0, model: estimate.model },
        effect: funded(false),
      };

    const check = await wouldReserve(ctx, reserve);
    if (!check.ok)
      return {
        type: 'done',
        edge: 'unfunded',
        output: { reserved: false, amount: estimate.amount, model: estimate.model, reason: check.reason },
        effect: park(check.reason, estimate.amount),
      };
    return {
      type: 'done',
      edge: 'funded',
      output: { reserved: true, key, amount: estimate.amount, model: estimate.model },
      effect: funded(true),
    };
  };
}
