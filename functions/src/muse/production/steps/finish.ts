/**
 * The two ends of a production run. Both settle the reservation with the actual usage (debit the
 * actual, release the rest) before the step commits, in a wallet transaction of its own (queued with
 * the wallet's other movements, so a burst of settlements does not abort on contention), and the
 * breaker is evaluated right after. The settlement is idempotent by the reservation's key, so a
 * redelivered message settles nothing twice; the actual is computed from the recorded outputs, so
 * every delivery settles the same amount.
 * - publish: stages the asset (create once, never changed) and marks the intent published.
 * - close: the `reject` edge and the fail path; marks the intent failed with the reason, unless an
 *   earlier step already recorded a more precise one (unfunded, garbage with the raw answer). A
 *   rejected draft's media are copied under `drafts/rejected/` for the lifecycle rule.
 * Staged assets record their media (frames, then the clip) by name; the bytes are in the store.
 */
import type { StepContext, StepOutcome } from '../step.js';
import { systemActor } from '../../../shared/ports.js';
import { readIntentInTx, recordProgressInTx } from '../../intents/repo.js';
import type { ProductionState } from '../../status/core/productions.js';
import { readStatusInTx, recordProduction } from '../../status/repo.js';
import type { StagedAsset } from '../assets.js';
import { actualCost, mediaUsagesOf, usagesOf } from '../core/cost.js';
import { parseProductionInput } from '../core/plan.js';
import type { ProductionDeps } from '../options.js';
import { MediaError, type MediaStore } from '../../../media/port.js';
import { REJECTED_FOLDER, type MediaItem } from '../media.js';
import { criticOutput, gateOutput, generationOf, mediaOf } from '../outputs.js';
import { assetExistsInTx, createAssetInTx } from '../repo.js';

/** The actual cost from the recorded outputs, and the settlement of the gate's reservation. */
async function settlement(deps: ProductionDeps, ctx: StepContext) {
  const gate = gateOutput(ctx.outputs);
  // Prices matter only for a reservation to settle. A production the gate did not fund (closed by
  // a wallet settings document that does not parse, say) must still close without reading them.
  const { priceTable } = gate.reserved ? await deps.walletSettings() : { priceTable: {} };
  const cost = actualCost(priceTable, usagesOf(ctx.outputs), gate.amount ?? 0, mediaUsagesOf(ctx.outputs));
  const settle = async () => {
    if (gate.reserved && gate.key) await deps.settle({ reservationKey: gate.key, actual: cost.amount });
  };
  return { gate, cost, settle };
}

function productionOf(ctx: StepContext) {
  const input = parseProductionInput(ctx.input);
  return { runId: ctx.runId, intentId: input.intentId, topic: input.topic, mode: input.mode };
}

export function publishStep(deps: ProductionDeps) {
  const { db } = deps;
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const gen = generationOf(ctx.outputs, input.mode);
    const critic = criticOutput(ctx.outputs);
    if (!critic) throw new Error('publish reached without a critic verdict');
    const { gate, cost, settle } = await settlement(deps, ctx);
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
        ...(critic.value.media ? { media: critic.value.media } : {}),
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
    const media = mediaOf(ctx.outputs);
    if (media.length) asset.media = media;
    return {
      type: 'done',
      output: { assetId: asset.id, actualCost: cost.amount },
      slack: Boolean(asset.media?.length),
      effect: async (tx) => {
        const existing = await assetExistsInTx(db, tx, asset.id);
        const status = await readStatusInTx(db, tx);
        // Staged once: a replayed effect finds the record and leaves it as it is.
        if (!existing) createAssetInTx(db, tx, asset);
        recordProgressInTx(db, tx, input.intentId, {
          status: 'published',
          reason: null,
          assetId: asset.id,
          actualCost: cost.amount,
        });
        recordProduction(
          db,
          tx,
          status,
          { ...productionOf(ctx), step: 'publish', state: 'published' },
          ctx.now,
        );
        // With media, people see the staged asset in Slack, its first frame as an image.
        if (!existing && asset.media?.length)
          deps.slack.enqueueInTx(
            tx,
            `published~${asset.id}`,
            {
              kind: 'notice',
              channelKey: 'reports',
              text: `Staged "${input.topic}": ${asset.media.filter((m) => m.kind === 'frame').length} frame(s), drift ${(asset.verdict.drift * 100).toFixed(2)}%`,
              ref: { type: 'asset', id: asset.id },
            },
            ctx.now,
          );
        if (!existing)
          deps.engine.eventInTx(tx, {
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

/**
 * A rejected draft's media, copied under `drafts/rejected/` where the bucket's lifecycle rule
 * deletes them. A copy is a read and a create-only write of the same bytes, so a redelivered close
 * copies nothing twice. The originals stay: another asset may hold the same bytes by name.
 */
async function copyRejected(store: MediaStore, items: MediaItem[]): Promise<string[]> {
  const names: string[] = [];
  for (const item of items) {
    const { bytes, ref } = await store.get(item.name);
    names.push((await store.put(bytes, ref.contentType, { folder: REJECTED_FOLDER })).name);
  }
  return names;
}

/** The first error a step of this production reported in its output. */
function firstError(outputs: Record<string, unknown>): string | undefined {
  for (const [step, v] of Object.entries(outputs)) {
    const e = v && typeof v === 'object' ? (v as { error?: unknown }).error : undefined;
    if (typeof e === 'string') return `${step}: ${e}`;
  }
  return undefined;
}

export function closeStep(deps: ProductionDeps) {
  const { db } = deps;
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const verdict = criticOutput(ctx.outputs)?.value;
    const rejected = verdict !== undefined && !verdict.pass;
    let rejectedMedia: string[] = [];
    if (rejected && deps.media) {
      try {
        rejectedMedia = await copyRejected(deps.media.store, mediaOf(ctx.outputs));
      } catch (err) {
        if (err instanceof MediaError && err.retryable) return { type: 'retry', error: err.message };
        throw err;
      }
    }
    const { cost, settle } = await settlement(deps, ctx);
    await settle();
    return {
      type: 'done',
      output: { actualCost: cost.amount, rejected, ...(rejectedMedia.length ? { rejectedMedia } : {}) },
      effect: async (tx) => {
        const intent = await readIntentInTx(db, tx, input.intentId);
        const status = await readStatusInTx(db, tx);
        let state: ProductionState = rejected ? 'rejected' : 'failed';
        const ours = intent?.runId === ctx.runId;
        const recorded = ours && (intent?.status === 'unfunded' || intent?.status === 'failed');
        if (rejected) {
          const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
          const reason = `critic rejected: drift ${pct(verdict.drift)} >= ${pct(verdict.threshold)} (${verdict.notes})`;
          recordProgressInTx(db, tx, input.intentId, {
            status: 'failed',
            reason,
            runId: ctx.runId,
            actualCost: cost.amount,
          });
        } else if (recorded) {
          if (intent?.status === 'unfunded') state = 'unfunded';
          recordProgressInTx(db, tx, input.intentId, { actualCost: cost.amount });
        } else {
          const reason = firstError(ctx.outputs) ?? `production run ${ctx.runId} failed`;
          recordProgressInTx(db, tx, input.intentId, {
            status: 'failed',
            reason,
            runId: ctx.runId,
            actualCost: cost.amount,
          });
        }
        recordProduction(db, tx, status, { ...productionOf(ctx), step: ctx.stepId, state }, ctx.now);
      },
    };
  };
}
