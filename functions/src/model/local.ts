/**
 * The deterministic local model, the default provider: the same request always gives the same
 * response (the request is hashed; no randomness, no clock). Texts come from template pools in
 * the muse's voice, chosen by the hash and filled with the request's topic, so `npm start` shows a
 * plausible muse at work with no network and no cost beyond the estimated tokens.
 */
import { LOCAL_MODEL_NAME, localAnswer } from './local/local-answer.js';
import type { ModelPort, ModelRequest, ModelResponse } from './port.js';

export { LOCAL_MODEL_NAME };

/** Creates the local model. Usage is estimated at about four characters per token. */
export function createLocalModel(): ModelPort {
  return {
    model: LOCAL_MODEL_NAME,
    generate(req: ModelRequest): Promise<ModelResponse> {
      // Async to match the port, and so a caller that forgets to await fails the same way for both.
      return Promise.resolve().then(() => localAnswer(req));
    },
  };
}
