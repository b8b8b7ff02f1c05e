/**
 * Picks the model adapter from configuration: the local model unless `provider` is `gemini`.
 * Both adapters are imported lazily, so a cold instance that never calls the model loads neither.
 */
import type { Config } from '../config.js';
import type { GeminiOptions } from './gemini.js';
import type { ModelPort } from './port.js';

/** Settings for Gemini that do not come from `config.model` (tests, tuning, a fixed credential). */
export type CreateModelOptions = Partial<Omit<GeminiOptions, 'model' | 'location' | 'baseUrl'>>;

/**
 * The model for `config.model`. Gemini needs `opts.project` (pass `config.projectId`); a missing
 * one fails here, at wiring time, rather than on the first call.
 */
export async function createModel(model: Config['model'], opts: CreateModelOptions = {}): Promise<ModelPort> {
  if (model.provider === 'gemini') {
    if (!opts.project) throw new Error('createModel: a project id is required for Gemini');
    const { createGeminiModel } = await import('./gemini.js');
    return createGeminiModel({
      ...opts,
      project: opts.project,
      model: model.geminiModel,
      location: model.location,
      ...(model.baseUrl ? { baseUrl: model.baseUrl } : {}),
    });
  }
  const { createLocalModel } = await import('./local.js');
  return createLocalModel();
}
