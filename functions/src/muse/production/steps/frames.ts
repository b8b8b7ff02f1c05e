/**
 * The Visual stage's pictures: one image per shot (at most MAX_FRAMES), asked of the media model
 * from the shot's description, the spec's visual style and the Bible's palette, and stored under
 * the hash of its bytes. The same request gives the same bytes locally, so a second production of
 * the same content writes nothing new. Safe mode draws template frames with the local storyboard
 * and calls no provider.
 *
 * Failures: a retryable model or store error (429, 5xx, unavailable) is retried by the step's
 * policy; anything else, or every image withheld by the provider's filters, fails the step
 * terminally with the reason kept on the intent.
 */
import type { StepContext, StepOutcome } from '../step.js';
import { MediaError } from '../../../media/port.js';
import { IMAGE_ASPECT_RATIOS, nearestAspectRatio, type Scene } from '../../../model/media-port.js';
import { ModelError } from '../../../model/port.js';
import { loadBible } from '../bible-store.js';
import { parseProductionInput } from '../core/plan.js';
import { ASSET_FOLDER, MAX_FRAMES, pngSize, type MediaItem, type ProductionMedia } from '../media.js';
import { terminal } from '../model-call.js';
import type { ProductionDeps } from '../options.js';
import { generationOf, visualOutput, type FramesOutput } from '../outputs.js';

/** A retry while attempts remain, else a terminal failure kept on the intent. */
export function mediaFailure(
  deps: ProductionDeps,
  ctx: StepContext,
  intentId: string,
  err: unknown,
): StepOutcome {
  if (!(err instanceof ModelError) && !(err instanceof MediaError)) throw err; // unknown: redeliver
  const max = typeof ctx.params.maxAttempts === 'number' ? ctx.params.maxAttempts : 1;
  if (err.retryable && ctx.attempt < max) return { type: 'retry', error: err.message };
  return terminal(deps.db, ctx, intentId, `${ctx.stepId}: ${err.message}`, undefined);
}

export function requireMedia(deps: ProductionDeps): ProductionMedia {
  if (!deps.media) throw new Error('a media step ran without media configured');
  return deps.media;
}

export function framesStep(deps: ProductionDeps) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const media = requireMedia(deps);
    const input = parseProductionInput(ctx.input);
    const bible = await loadBible(deps.db, ctx.now, { freshnessMs: deps.options.bibleFreshnessMs });
    const visual =
      input.mode === 'template' ? generationOf(ctx.outputs, 'template').visual : visualOutput(ctx.outputs);
    const model = input.mode === 'template' ? media.template : media.model;
    const aspectRatio = nearestAspectRatio(visual.aspectRatio, IMAGE_ASPECT_RATIOS);
    const items: MediaItem[] = [];
    let images = 0;
    let filtered = 0;
    try {
      for (const [i, shot] of visual.shots.slice(0, MAX_FRAMES).entries()) {
        const scene: Scene = {
          topic: input.topic,
          shot: i + 1,
          description: shot.description,
          style: visual.style,
          palette: bible.palette,
        };
        const r = await model.generateImages({ scene, aspectRatio, count: 1, seed: i + 1 });
        filtered += r.filtered;
        const image = r.images[0];
        if (!image) continue;
        images += r.images.length;
        const ref = await media.store.put(image.bytes, image.mimeType, { folder: ASSET_FOLDER });
        const size = pngSize(image.bytes) ?? {};
        items.push({
          kind: 'frame',
          name: ref.name,
          contentType: ref.contentType,
          shot: i + 1,
          bytes: ref.size,
          sha256: ref.sha256,
          ...size,
        });
      }
    } catch (err) {
      return mediaFailure(deps, ctx, input.intentId, err);
    }
    if (items.length === 0)
      return terminal(deps.db, ctx, input.intentId, 'frames: every image was withheld', undefined);
    const output: FramesOutput = {
      media: items,
      mediaUsage: { model: model.imageModel, images, filtered },
      aspectRatio,
      palette: bible.palette,
    };
    return { type: 'done', output };
  };
}
