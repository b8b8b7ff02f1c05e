/**
 * Picks the model adapter from configuration: the local model unless `provider` is `gemini`.
 * Both adapters are imported lazily, so a cold instance that never calls the model loads neither.
 */
import type { Config } from '../config.js';
import type { GeminiMediaOptions } from './gemini-media.js';
import type { GeminiOptions } from './gemini.js';
import type { MediaModelPort } from './media-port.js';
import type { ModelError, ModelPort, ModelPurpose } from './port.js';

/** The production calls: their system instruction is the identity Bible, cached when caching is on. */
export const PRODUCTION_PURPOSES: readonly ModelPurpose[] = ['narrative', 'visual', 'motion', 'critic'];

/** Settings for Gemini that do not come from `config.model` (tests, tuning, a fixed credential). */
export type CreateModelOptions = Partial<Omit<GeminiOptions, 'model' | 'location' | 'baseUrl'>> & {
  /** Told when context caching fails and calls go on uncached (default: a structured warning). */
  onCacheError?: (err: ModelError) => void;
};

function warnUncached(err: ModelError): void {
  console.warn(
    JSON.stringify({
      severity: 'WARNING',
      message: 'context cache unavailable, calls go uncached',
      error: err.message,
    }),
  );
}

/**
 * The model for `config.model`. Gemini needs `opts.project` (pass `config.projectId`); a missing
 * one fails here, at wiring time, rather than on the first call.
 */
export async function createModel(model: Config['model'], opts: CreateModelOptions = {}): Promise<ModelPort> {
  if (model.provider === 'gemini') {
    if (!opts.project) throw new Error('createModel: a project id is required for Gemini');
    const { createGeminiModel } = await import('./gemini.js');
    const { onCacheError, ...rest } = opts;
    const cache = model.contextCache?.enabled
      ? {
          purposes: PRODUCTION_PURPOSES,
          ttlSeconds: model.contextCache.ttlSeconds,
          displayName: 'muse-production-context',
          onError: onCacheError ?? warnUncached,
        }
      : undefined;
    return createGeminiModel({
      ...(cache ? { cache } : {}),
      ...rest,
      project: opts.project,
      model: model.geminiModel,
      location: model.location,
      ...(model.baseUrl ? { baseUrl: model.baseUrl } : {}),
    });
  }
  const { createLocalModel } = await import('./local.js');
  return createLocalModel();
}

/** Which media model to use; the names are configuration (the lead adds them to `Config`). */
export interface MediaModelSettings {
  provider: Config['model']['provider'];
  /** Imagen model id, e.g. `imagen-4.0-generate-001`. */
  imageModel: string;
  /** Veo model id, e.g. `veo-3.0-generate-001`. */
  videoModel: string;
  location: string;
  baseUrl?: string;
}

/** Settings for Vertex media that do not come from `MediaModelSettings`. */
export type CreateMediaModelOptions = Partial<
  Omit<GeminiMediaOptions, 'imageModel' | 'videoModel' | 'location' | 'baseUrl'>
>;

/** The media model (images, video) for the settings, loaded lazily like the text model. */
export async function createMediaModel(
  settings: MediaModelSettings,
  opts: CreateMediaModelOptions = {},
): Promise<MediaModelPort> {
  if (settings.provider === 'gemini') {
    if (!opts.project) throw new Error('createMediaModel: a project id is required for Vertex AI');
    const { createGeminiMediaModel } = await import('./gemini-media.js');
    return createGeminiMediaModel({
      ...opts,
      project: opts.project,
      imageModel: settings.imageModel,
      videoModel: settings.videoModel,
      location: settings.location,
      ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    });
  }
  const { createLocalMediaModel } = await import('./local-media.js');
  return createLocalMediaModel();
}
