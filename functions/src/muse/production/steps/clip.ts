/**
 * The Motion stage's clip. `startVideo` begins a generation (Veo, or locally the animatic cut from
 * the storyboard frames with the motion spec's timing) and the step parks in a durable `wait`
 * carrying the operation; every wake polls it once. No function sleeps.
 *
 * - Not done: wait again, unless the deadline (from the first start) has passed: then the step
 *   fails terminally saying how long it waited.
 * - Ended in a retryable error (quota, unavailable): started again, at most MAX_VIDEO_STARTS in all.
 * - Ended in another error: terminal, with the provider's message.
 * - Done: the clip is stored under its hash and billed per second.
 * A poll that itself fails (429/5xx) counts as not done: the next wake asks again.
 */
import { z } from 'zod';
import type { StepContext, StepOutcome } from '../step.js';
import {
  IMAGE_ASPECT_RATIOS,
  VIDEO_ASPECT_RATIOS,
  nearestAspectRatio,
  type VideoOperation,
  type VideoRequest,
} from '../../../model/media-port.js';
import { ModelError } from '../../../model/port.js';
import { loadBible } from '../bible-store.js';
import { parseProductionInput } from '../core/plan.js';
import type { Generation } from '../core/specs.js';
import {
  ASSET_FOLDER,
  MAX_CLIP_SEC,
  MAX_FRAMES,
  MAX_VIDEO_STARTS,
  MIN_CLIP_SEC,
  type MediaItem,
} from '../media.js';
import { terminal } from '../model-call.js';
import type { ProductionDeps } from '../options.js';
import { framesOutput, generationOf, type ClipOutput } from '../outputs.js';
import { mediaFailure, requireMedia } from './frames.js';

const waitState = z.object({
  operation: z.object({
    name: z.string(),
    model: z.string(),
    durationSec: z.number(),
    detail: z.unknown().optional(),
  }),
  startedAt: z.number(),
  starts: z.number().int().positive(),
});
type WaitState = z.infer<typeof waitState>;

export function clipStep(deps: ProductionDeps) {
  return async (ctx: StepContext): Promise<StepOutcome> => {
    const media = requireMedia(deps);
    const input = parseProductionInput(ctx.input);
    const model = input.mode === 'template' ? media.template : media.model;
    const gen: Generation = generationOf(ctx.outputs, input.mode);
    const frames = framesOutput(ctx.outputs);
    if (!frames) throw new Error('clip reached without frames');

    const start = async (startedAt: number, starts: number): Promise<StepOutcome> => {
      const bible = await loadBible(deps.db, ctx.now, { freshnessMs: deps.options.bibleFreshnessMs });
      const first = frames.media[0];
      const firstFrame = first ? await media.store.get(first.name) : undefined;
      const req = videoRequest(input.topic, gen, bible.palette, frames.aspectRatio, firstFrame?.bytes);
      const { operation } = await model.startVideo(req);
      const state: WaitState = { operation, startedAt, starts };
      return { type: 'wait', until: new Date(ctx.now.getTime() + media.videoPollMs), state };
    };

    try {
      const parsed = ctx.wake ? waitState.safeParse(ctx.wake.state) : undefined;
      if (!parsed?.success) return await start(ctx.now.getTime(), 1);
      const s = parsed.data;
      const waited = ctx.now.getTime() - s.startedAt;
      const poll = await model.pollVideo(s.operation as VideoOperation).catch((err: unknown) => {
        if (err instanceof ModelError && err.retryable) return { done: false as const };
        throw err;
      });
      if (!poll.done) {
        if (waited >= media.videoDeadlineMs)
          return terminal(
            deps.db,
            ctx,
            input.intentId,
            `clip: the video was not ready ${Math.round(waited / 1000)} s after it started (deadline ${Math.round(media.videoDeadlineMs / 1000)} s)`,
            undefined,
          );
        return { type: 'wait', until: new Date(ctx.now.getTime() + media.videoPollMs), state: s };
      }
      if ('error' in poll) {
        if (poll.error.retryable && s.starts < MAX_VIDEO_STARTS && waited < media.videoDeadlineMs)
          return await start(s.startedAt, s.starts + 1);
        return terminal(
          deps.db,
          ctx,
          input.intentId,
          `clip: video generation failed after ${s.starts} start(s): ${poll.error.message}`,
          undefined,
        );
      }
      const items: MediaItem[] = [];
      let seconds = 0;
      for (const v of poll.videos) {
        const ref = await media.store.put(v.bytes, v.mimeType, { folder: ASSET_FOLDER });
        seconds += v.durationSec;
        items.push({
          kind: v.mimeType.startsWith('video/') ? 'video' : 'animatic',
          name: ref.name,
          contentType: ref.contentType,
          bytes: ref.size,
          sha256: ref.sha256,
          durationSec: v.durationSec,
        });
      }
      const output: ClipOutput = {
        media: items,
        mediaUsage: { model: poll.model, seconds },
        starts: s.starts,
      };
      return { type: 'done', output };
    } catch (err) {
      return mediaFailure(deps, ctx, input.intentId, err);
    }
  };
}

/** The clip asked for: the spec's prompt, the first frame, and the cut shot by shot for the animatic. */
function videoRequest(
  topic: string,
  gen: Generation,
  palette: string[],
  framesAspect: string,
  firstFrame: Uint8Array | undefined,
): VideoRequest {
  const { visual, motion } = gen;
  const cutOf = (shot: number) => motion.timing.cuts.find((c) => c.shot === shot)?.durationSec;
  const storyboard = visual.shots.slice(0, MAX_FRAMES).map((s, i) => ({
    scene: { topic, shot: i + 1, description: s.description, style: visual.style, palette },
    durationSec: cutOf(i + 1) ?? s.durationSec,
  }));
  const total = storyboard.reduce((n, s) => n + s.durationSec, 0);
  return {
    prompt: `${visual.prompt}. Style: ${visual.style}. Camera: ${motion.cameraMoves.map((m) => m.move).join(', ') || 'steady'}.`,
    aspectRatio: nearestAspectRatio(visual.aspectRatio, VIDEO_ASPECT_RATIOS),
    durationSec: Math.min(MAX_CLIP_SEC, Math.max(MIN_CLIP_SEC, Math.round(total))),
    storyboard,
    storyboardAspectRatio: nearestAspectRatio(framesAspect, IMAGE_ASPECT_RATIOS),
    ...(firstFrame ? { firstFrame: { bytes: firstFrame, mimeType: 'image/png' } } : {}),
  };
}
