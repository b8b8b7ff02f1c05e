/**
 * Images and video on Vertex AI through @google/genai (`vertexai: true`): Imagen through
 * `models.generateImages` (the `:predict` RPC), or a Gemini image model (`gemini-image.ts`), and Veo through `models.generateVideos` (the
 * `:predictLongRunning` RPC) polled with `operations.getVideosOperation` (`:fetchPredictOperation`).
 * Model names are configuration. The SDK loads on the first call, as for text.
 *
 * Transport retries are the SDK's own, as in `gemini.ts`; an operation that ended in error is not
 * thrown but reported by `pollVideo`, so the caller decides whether to start again. Clips come back
 * as bytes (no `storageUri`): the caller stores them by content hash like every other medium.
 */
import type { GenerateVideosOperation, GoogleGenAI } from '@google/genai';
import { isRetryableStatus } from './core/retry-policy.js';
import { vertexClientOptions, vertexRetryOptions, type VertexConnection } from './vertex-client.js';
import { geminiImages, isGeminiImageModel } from './gemini-image.js';
import { toModelError } from './gemini-wire.js';
import {
  scenePrompt,
  type GeneratedImage,
  type ImageRequest,
  type ImageResult,
  type MediaModelPort,
  type VideoOperation,
  type VideoPoll,
  type VideoRequest,
} from './media-port.js';
import { ModelError } from './port.js';

export interface GeminiMediaOptions extends VertexConnection {
  /**
   * Image model id: Imagen (`imagen-4.0-generate-001`, through generateImages) or a Gemini image
   * model (`gemini-2.5-flash-image`, through generateContent). Also its name in the price table.
   */
  imageModel: string;
  /** Veo model id, e.g. `veo-3.0-generate-001`. Also its name in the price table. */
  videoModel: string;
  /** Attempts per call, the first included. Default 3. */
  maxAttempts?: number;
  /** Per-attempt timeout in ms. Default 120 000 (an image takes seconds, not milliseconds). */
  timeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Veo's audio track (Veo 3). Default false: the muse's clips are cut to their own timing. */
  generateAudio?: boolean;
}

/** google.rpc.Code values an operation may end with that a new attempt can get past. */
const RETRYABLE_RPC_CODES = new Set([4, 8, 10, 13, 14]); // DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE

/** Creates the Vertex media adapter. Synchronous: the SDK loads on the first call. */
export function createGeminiMediaModel(opts: GeminiMediaOptions): MediaModelPort {
  const retryOptions = vertexRetryOptions({
    attempts: opts.maxAttempts ?? 3,
    baseDelayMs: opts.baseDelayMs ?? 1000,
    maxDelayMs: opts.maxDelayMs ?? 10_000,
  });
  const httpOptions = { retryOptions };
  let client: Promise<{ ai: GoogleGenAI; Operation: typeof GenerateVideosOperation }> | undefined;
  const sdk = () =>
    (client ??= import('@google/genai').then(({ GoogleGenAI, GenerateVideosOperation }) => ({
      Operation: GenerateVideosOperation,
      ai: new GoogleGenAI(vertexClientOptions(opts, opts.timeoutMs ?? 120_000)),
    })));
  const fail = (err: unknown): never => {
    throw toModelError(err, isRetryableStatus);
  };

  return {
    imageModel: opts.imageModel,
    videoModel: opts.videoModel,

    async generateImages(req: ImageRequest): Promise<ImageResult> {
      if (!Number.isInteger(req.count) || req.count < 1 || req.count > 4)
        throw new ModelError(`count must be 1-4, got ${req.count}`, false);
      const { ai } = await sdk();
      if (isGeminiImageModel(opts.imageModel))
        return {
          model: opts.imageModel,
          images: await geminiImages(ai, opts.imageModel, req, httpOptions),
          filtered: 0,
        };
      const res = await ai.models
        .generateImages({
          model: opts.imageModel,
          prompt: req.prompt ?? scenePrompt(req.scene),
          config: {
            numberOfImages: req.count,
            aspectRatio: req.aspectRatio,
            outputMimeType: 'image/png',
            includeRaiReason: true,
            ...(req.negativePrompt ? { negativePrompt: req.negativePrompt } : {}),
            // Imagen accepts a seed only with the watermark off.
            ...(req.seed !== undefined ? { seed: req.seed, addWatermark: false } : {}),
            httpOptions,
          },
        })
        .catch(fail);
      const images: GeneratedImage[] = [];
      const reasons: string[] = [];
      for (const g of res.generatedImages ?? []) {
        const b64 = g.image?.imageBytes;
        if (b64)
          images.push({ bytes: Buffer.from(b64, 'base64'), mimeType: g.image?.mimeType ?? 'image/png' });
        else if (g.raiFilteredReason) reasons.push(g.raiFilteredReason);
      }
      if (images.length === 0)
        throw new ModelError(
          `Imagen returned no image${reasons.length ? ` (filtered: ${reasons.join('; ')})` : ''}`,
          false,
        );
      return {
        model: opts.imageModel,
        images,
        filtered: Math.max(reasons.length, req.count - images.length),
      };
    },

    async startVideo(req: VideoRequest): Promise<{ operation: VideoOperation }> {
      const { ai } = await sdk();
      const op = await ai.models
        .generateVideos({
          model: opts.videoModel,
          source: {
            prompt: req.prompt,
            ...(req.firstFrame
              ? {
                  image: {
                    imageBytes: Buffer.from(req.firstFrame.bytes).toString('base64'),
                    mimeType: req.firstFrame.mimeType,
                  },
                }
              : {}),
          },
          config: {
            numberOfVideos: 1,
            aspectRatio: req.aspectRatio,
            durationSeconds: req.durationSec,
            generateAudio: opts.generateAudio ?? false,
            ...(req.negativePrompt ? { negativePrompt: req.negativePrompt } : {}),
            ...(req.seed !== undefined ? { seed: req.seed } : {}),
            httpOptions,
          },
        })
        .catch(fail);
      if (!op.name) throw new ModelError('Veo started an operation without a name', true);
      return { operation: { name: op.name, model: opts.videoModel, durationSec: req.durationSec } };
    },

    async pollVideo(operation: VideoOperation): Promise<VideoPoll> {
      if (!operation.name.includes('/operations/'))
        throw new ModelError(`not a Veo operation name: ${operation.name}`, false);
      const { ai, Operation } = await sdk();
      const handle = Object.assign(new Operation(), { name: operation.name });
      const op = await ai.operations
        .getVideosOperation({ operation: handle, config: { httpOptions } })
        .catch(fail);
      if (!op.done) return { done: false };
      const model = operation.model;
      if (op.error) {
        const code = Number(op.error.code);
        return {
          done: true,
          model,
          error: {
            message: `Veo operation failed (code ${code}): ${String(op.error.message ?? 'no message')}`,
            retryable: RETRYABLE_RPC_CODES.has(code),
          },
        };
      }
      const videos = (op.response?.generatedVideos ?? []).flatMap((g) => {
        const v = g.video;
        if (!v?.videoBytes) return [];
        return [
          {
            bytes: Buffer.from(v.videoBytes, 'base64'),
            mimeType: v.mimeType ?? 'video/mp4',
            durationSec: operation.durationSec,
          },
        ];
      });
      if (videos.length === 0) {
        const reasons = op.response?.raiMediaFilteredReasons ?? [];
        return {
          done: true,
          model,
          error: {
            message: `Veo returned no clip${reasons.length ? ` (filtered: ${reasons.join('; ')})` : ''}`,
            retryable: false,
          },
        };
      }
      return { done: true, model, videos };
    },
  };
}
