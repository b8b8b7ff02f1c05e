/**
 * The critic step (Critic QA). Scores the production's generation against the Bible, chooses the
 * `pass` or `reject` edge, and commits the verdict with the step: the safe-mode counter, the mode
 * (entered at the limit), and the status document. Template productions are always scored by the
 * local rules: safe mode generates nothing freely, the critic included.
 */
import type { StepContext, StepOutcome } from '../production/step.js';
import { loadBible } from '../production/bible-store.js';
import { parseProductionInput } from '../production/core/plan.js';
import { callModel } from '../production/model-call.js';
import type { ProductionDeps } from '../production/options.js';
import { generationOf, type CriticOutput } from '../production/outputs.js';
import { criticRequest, parseCriticAnswer } from './core/critic-request.js';
import { localDrift } from './core/drift.js';
import { localVerdict, modelVerdict, type Verdict } from './core/verdict.js';
import { applyVerdictInTransaction } from './safe-mode-store.js';
import { describeChecks, mediaChecks, type MediaCheck } from './core/media-checks.js';
import type { MediaStore } from '../../media/port.js';
import { MAX_CLIP_SEC, MAX_FRAMES, MIN_CLIP_SEC, type MediaItem } from '../production/media.js';
import { clipOutput, framesOutput } from '../production/outputs.js';

/** The frames' bytes for the model critic (at most MAX_FRAMES, a few hundred KB in all). */
async function pictures(store: MediaStore, frames: MediaItem[]) {
  return Promise.all(
    frames
      .slice(0, MAX_FRAMES)
      .map(async (f) => ({ mimeType: f.contentType, bytes: (await store.get(f.name)).bytes })),
  );
}

/** The verdict with the media checks reported; a failed check rejects the draft. */
function withMediaChecks(v: Verdict, checks: MediaCheck[]): Verdict {
  const failed = describeChecks(checks);
  return {
    ...v,
    pass: v.pass && !failed,
    notes: failed ? `${v.notes} | media: ${failed}` : v.notes,
    media: checks,
  };
}

export function criticStep(deps: ProductionDeps) {
  const o = deps.options;
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const input = parseProductionInput(ctx.input);
    const gen = generationOf(ctx.outputs, input.mode);
    const bible = await loadBible(deps.db, ctx.now, { freshnessMs: o.bibleFreshnessMs });
    const local = localDrift(gen, bible);
    const frames = framesOutput(ctx.outputs);
    const clip = clipOutput(ctx.outputs)?.media[0];
    const checks = frames
      ? mediaChecks(gen, bible, {
          frames: frames.media,
          palette: frames.palette,
          aspectRatio: frames.aspectRatio,
          withheld: 'filtered' in frames.mediaUsage ? frames.mediaUsage.filtered : 0,
          ...(clip ? { clip } : {}),
          maxFrames: MAX_FRAMES,
          clipRange: { min: MIN_CLIP_SEC, max: MAX_CLIP_SEC },
        })
      : undefined;
    let verdict: Verdict;
    let usage;
    if (deps.critic === 'model' && input.mode === 'free') {
      // The model sees the pictures: the frames go with the prompt as inline image parts.
      const images = frames && deps.media ? await pictures(deps.media.store, frames.media) : [];
      const req = { ...criticRequest(bible, gen), ...(images.length ? { images } : {}) };
      const r = await callModel(deps, ctx, input.intentId, req, parseCriticAnswer);
      if (!r.ok) return r.outcome;
      verdict = modelVerdict(local, r.value, r.usage.model, o.driftThreshold);
      usage = r.usage;
    } else {
      verdict = localVerdict(local, o.driftThreshold);
    }
    if (checks) verdict = withMediaChecks(verdict, checks);
    const output: CriticOutput = { value: verdict, ...(usage ? { usage } : {}), bibleVersion: bible.version };
    return {
      type: 'done',
      edge: verdict.pass ? 'pass' : 'reject',
      output,
      // A rejection may enter safe mode, whose Exit message and incident must reach people now.
      slack: !verdict.pass,
      effect: async (tx) => {
        await applyVerdictInTransaction(deps, tx, {
          runId: ctx.runId,
          intentId: input.intentId,
          verdict,
          limit: o.rejectionLimit,
          at: ctx.now,
          production: {
            runId: ctx.runId,
            intentId: input.intentId,
            topic: input.topic,
            mode: input.mode,
            step: verdict.pass ? 'publish' : 'rejected',
            state: 'running',
          },
        });
      },
    };
  };
}
