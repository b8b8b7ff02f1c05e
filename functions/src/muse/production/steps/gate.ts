/**
 * The CFO gate, the first step of every production. It estimates the production's cost from the
 * price table and reserves it in the wallet atomically with advancing the run: the reservation is
 * the step's effect, committed in the engine's transaction with the step's processed mark, so a
 * redelivered message can never reserve twice (and the ledger key is the run's, as a second guard).
 * The price table and the reserve floor are the wallet settings in force when the gate runs.
 *
 * The edge must be chosen before the effect runs, so the handler first asks the ledger in a dry run
 * (the same reserveInTransaction, rolled back). If the wallet changes between the dry run and the
 * commit, the effect throws, the commit rolls back, and the redelivered message decides again.
 *
 * - No price for the model: fail closed. The intent is parked as unfunded with the reason; the run
 *   fails (nothing is reserved, nothing produced).
 * - Not solvent: the intent is parked as unfunded with the reason; the run ends on `unfunded`.
 * - Safe mode (template) productions call no model, so they reserve nothing (their template frames
 *   and animatic are the local storyboard's, listed at 0 in the price table).
 * - With media, the estimate adds every frame the run may draw (MAX_FRAMES images) and, with
 *   Motion on, the longest clip (MAX_CLIP_SEC seconds); an image or video model with no price
 *   fails closed like a text model.
 */
import type { Transaction } from '@google-cloud/firestore';
import type { StepContext, StepOutcome } from '../step.js';
import { recordProgressInTx } from '../../intents/repo.js';
import { readStatusInTx, recordProduction } from '../../status/repo.js';
import {
  estimateCost,
  estimateMediaCost,
  type CostEstimate,
  type PriceTable,
} from '../../wallet/core/pricing.js';
import { isAppError } from '../../../shared/errors.js';
import { reserveInTransaction } from '../../wallet/ledger.js';
import { expectedUsage, parseProductionInput } from '../core/plan.js';
import { MAX_CLIP_SEC, MAX_FRAMES } from '../media.js';
import { reservationKey, type ProductionDeps } from '../options.js';
import type { GateOutput } from '../outputs.js';

class DryRun extends Error {}

/** The media a production may make, priced: every frame it may draw and the longest clip. */
function mediaEstimate(deps: ProductionDeps, mode: 'free' | 'template', table: PriceTable): CostEstimate[] {
  const media = deps.media;
  if (!media) return [];
  const model = mode === 'template' ? media.template : media.model;
  const out = [estimateMediaCost(table, model.imageModel, { images: MAX_FRAMES })];
  if (media.motion) out.push(estimateMediaCost(table, model.videoModel, { seconds: MAX_CLIP_SEC }));
  return out;
}

/** The text estimate plus the media's; the first unpriced one fails the whole (closed). */
function withMedia(text: CostEstimate & { ok: true }, media: CostEstimate[]): CostEstimate {
  let amount = text.amount;
  for (const m of media) {
    if (!m.ok) return m;
    amount += m.amount;
  }
  return { ok: true, model: text.model, amount: Math.round(amount * 1_000_000) / 1_000_000 };
}

type Reservation = Parameters<typeof reserveInTransaction>[2];

/** Whether the wallet would accept the reservation now, without writing anything. */
async function wouldReserve(
  deps: ProductionDeps,
  p: Reservation,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await deps.db.runTransaction(async (tx) => {
      const r = await reserveInTransaction(deps.db, tx, p);
      throw new DryRun(r.ok ? '' : r.reason);
    });
  } catch (err) {
    if (err instanceof DryRun) return err.message ? { ok: false, reason: err.message } : { ok: true };
    throw err;
  }
  return { ok: true };
}

const done = (
  edge: 'funded' | 'unfunded',
  output: GateOutput,
  effect: (tx: Transaction) => Promise<void>,
): StepOutcome => ({
  type: 'done',
  edge,
  output,
  effect,
});

export function gateStep(deps: ProductionDeps) {
  const { db } = deps;
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const production = { runId: ctx.runId, intentId: input.intentId, topic: input.topic, mode: input.mode };
    const park = (reason: string, estimatedCost: number | null) => async (tx: Transaction) => {
      const status = await readStatusInTx(db, tx);
      recordProgressInTx(db, tx, input.intentId, {
        status: 'unfunded',
        reason,
        estimatedCost,
        runId: ctx.runId,
      });
      recordProduction(db, tx, status, { ...production, step: 'gate', state: 'unfunded' }, ctx.now);
    };
    const failClosed = (reason: string): StepOutcome => ({
      type: 'fail',
      class: 'terminal',
      error: reason,
      output: { reserved: false, reason } satisfies GateOutput,
      effect: park(reason, null),
    });

    let wallet: Awaited<ReturnType<ProductionDeps['walletSettings']>>;
    try {
      wallet = await deps.walletSettings();
    } catch (err) {
      // A wallet settings document that does not parse can never price this production: it
      // fails closed at once, naming the field, instead of being redelivered until it dead-letters.
      if (isAppError(err) && !err.transient) return failClosed(`fail closed: ${err.message}`);
      throw err;
    }

    const model = input.mode === 'template' ? null : deps.model.model;
    const text = model
      ? estimateCost(wallet.priceTable, model, expectedUsage(input.mode, deps.critic === 'model'))
      : ({ ok: true, model: 'template', amount: 0 } as const);
    const estimate = text.ok ? withMedia(text, mediaEstimate(deps, input.mode, wallet.priceTable)) : text;
    if (!estimate.ok) return failClosed(`fail closed: ${estimate.reason}`);

    const key = reservationKey(ctx.runId);
    const reserve: Reservation = {
      key,
      intentId: input.intentId,
      runId: ctx.runId,
      amount: estimate.amount,
      floor: wallet.reserveFloor,
      at: ctx.now,
    };
    const funded = (reserved: boolean) => async (tx: Transaction) => {
      const status = await readStatusInTx(db, tx);
      if (reserved) {
        const r = await reserveInTransaction(db, tx, { ...reserve, at: ctx.now });
        // The wallet moved since the dry run: roll back; the redelivered message decides again.
        if (!r.ok) throw new Error(`the wallet changed before the reservation committed: ${r.reason}`);
      }
      recordProgressInTx(db, tx, input.intentId, {
        status: 'producing',
        reason: null,
        estimatedCost: estimate.amount,
        runId: ctx.runId,
      });
      recordProduction(db, tx, status, { ...production, step: 'gate', state: 'running' }, ctx.now);
    };
    if (estimate.amount === 0)
      return done('funded', { reserved: false, amount: 0, model: estimate.model }, funded(false));

    const check = await wouldReserve(deps, reserve);
    if (!check.ok)
      return done(
        'unfunded',
        { reserved: false, amount: estimate.amount, model: estimate.model, reason: check.reason },
        park(check.reason, estimate.amount),
      );
    return done(
      'funded',
      { reserved: true, key, amount: estimate.amount, model: estimate.model },
      funded(true),
    );
  };
}
